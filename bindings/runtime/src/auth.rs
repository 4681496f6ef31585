//! Where bearer tokens come from.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::error::Error;
use crate::secret::Secret;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Supplies the bearer token for every attempt of every call.
///
/// The transport asks again on each attempt (not once per client) so that a provider can refresh an
/// expiring token between a failed attempt and its retry.
pub trait TokenProvider: Send + Sync + 'static {
    /// A bearer token; a provider that refreshes does it here (async).
    fn token(&self) -> BoxFuture<'_, Result<Secret, Error>>;

    /// The server answered 401 to the last token: a caching provider drops it. Default: nothing.
    fn invalidate(&self) {}
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
    fn token(&self) -> BoxFuture<'_, Result<Secret, Error>> {
        // Cloning a short string per attempt is far cheaper than the request it authorises.
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }
}

impl<T: TokenProvider + ?Sized> TokenProvider for Arc<T> {
    fn token(&self) -> BoxFuture<'_, Result<Secret, Error>> {
        (**self).token()
    }

    fn invalidate(&self) {
        (**self).invalidate()
    }
}

impl<T: TokenProvider + ?Sized> TokenProvider for Box<T> {
    fn token(&self) -> BoxFuture<'_, Result<Secret, Error>> {
        (**self).token()
    }

    fn invalidate(&self) {
        (**self).invalidate()
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
