//! Where bearer tokens come from: the [`TokenProvider`] the transport asks before every attempt,
//! what it tells the provider about the API ([`TokenRequest`]), and the fixed [`StaticToken`].
//! Providers that sign in are in [`crate::credentials`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::error::Error;
use crate::secret::Secret;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a client asks of a credential: the API's scopes and where its cloud signs in. Generated
/// clients fill it from the spec (security schemes and clouds); a credential's own settings
/// (e.g. an `authority_host` given to it) win over it.
#[derive(Clone, Default)]
pub struct TokenRequest {
    /// The sign-in service of the client's cloud, e.g. `https://login.microsoftonline.com`.
    pub authority_host: String,
    /// The scope of application (client-credentials) tokens, e.g. `https://api.example.com/.default`.
    pub app_scope: String,
    /// The scope of delegated (user) tokens, e.g. `https://api.example.com/user_impersonation`.
    pub user_scope: String,
    /// The client's HTTP client (its TLS roots and proxy); credentials use it for the token
    /// endpoint unless they were given their own. The transport fills it in.
    pub http: Option<reqwest::Client>,
}

impl TokenRequest {
    pub fn new(
        authority_host: impl Into<String>,
        app_scope: impl Into<String>,
        user_scope: impl Into<String>,
    ) -> Self {
        Self {
            authority_host: authority_host.into(),
            app_scope: app_scope.into(),
            user_scope: user_scope.into(),
            http: None,
        }
    }
}

impl fmt::Debug for TokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenRequest")
            .field("authority_host", &self.authority_host)
            .field("app_scope", &self.app_scope)
            .field("user_scope", &self.user_scope)
            .finish_non_exhaustive()
    }
}

/// Supplies the bearer token for every attempt of every call.
///
/// The transport asks again on each attempt (not once per client) so that a provider can refresh an
/// expiring token between a failed attempt and its retry.
pub trait TokenProvider: Send + Sync + 'static {
    /// A bearer token for `request`; a provider that refreshes does it here (async).
    fn token<'a>(&'a self, request: &'a TokenRequest) -> BoxFuture<'a, Result<Secret, Error>>;

    /// The server answered 401 to `rejected`: a caching provider drops it (and only it: another
    /// call may already have put a fresh one in its place). Default: nothing.
    fn invalidate(&self, rejected: &Secret) {
        let _ = rejected;
    }

    /// Whether asking again after [`invalidate`](Self::invalidate) can give another token. When
    /// true, the transport answers a 401 by retrying the call once with a fresh token.
    fn can_refresh(&self) -> bool {
        true
    }
}

/// A fixed token, e.g. from an environment variable or a test.
#[derive(Clone)]
pub struct StaticToken(Secret);

impl StaticToken {
    pub fn new(token: impl Into<Secret>) -> Self {
        Self(token.into())
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("StaticToken").field(&self.0).finish()
    }
}

impl TokenProvider for StaticToken {
    fn token<'a>(&'a self, _request: &'a TokenRequest) -> BoxFuture<'a, Result<Secret, Error>> {
        // Cloning a short string per attempt is far cheaper than the request it authorises.
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }

    fn can_refresh(&self) -> bool {
        false
    }
}

impl<T: TokenProvider + ?Sized> TokenProvider for Arc<T> {
    fn token<'a>(&'a self, request: &'a TokenRequest) -> BoxFuture<'a, Result<Secret, Error>> {
        (**self).token(request)
    }

    fn invalidate(&self, rejected: &Secret) {
        (**self).invalidate(rejected)
    }

    fn can_refresh(&self) -> bool {
        (**self).can_refresh()
    }
}

impl<T: TokenProvider + ?Sized> TokenProvider for Box<T> {
    fn token<'a>(&'a self, request: &'a TokenRequest) -> BoxFuture<'a, Result<Secret, Error>> {
        (**self).token(request)
    }

    fn invalidate(&self, rejected: &Secret) {
        (**self).invalidate(rejected)
    }

    fn can_refresh(&self) -> bool {
        (**self).can_refresh()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_token_debug_is_redacted() {
        let t = StaticToken::new("very-secret");
        let shown = format!("{t:?}");
        assert!(!shown.contains("very-secret"), "{shown}");
        assert_eq!(shown, "StaticToken([redacted])");
    }
}
