//! App+User sign-in with a stored refresh token (the "secure application model"): the refresh
//! token from a one-time interactive consent is exchanged for access tokens, and every exchange
//! hands out a new refresh token that the caller must keep instead of the old one.

use std::fmt;
use std::sync::{Mutex, PoisonError};

use super::client_secret::{non_empty, scope};
use super::endpoint::TokenEndpoint;
use super::{AccessToken, Cached, CredentialOptions, OnRefresh, TokenSource};
use crate::auth::{BoxFuture, TokenRequest};
use crate::error::Error;
use crate::secret::Secret;

/// The refresh-token grant, for the client's delegated scope.
pub struct RefreshToken {
    endpoint: TokenEndpoint,
    client: Client,
    rotating: Rotating,
}

/// App+User sign-in with a stored refresh token, cached.
pub type RefreshTokenCredential = Cached<RefreshToken>;

impl Cached<RefreshToken> {
    /// `client_secret` for a confidential (web) application, `None` for a public (native) one;
    /// `on_refresh` receives every new refresh token.
    pub fn new(
        tenant_id: impl Into<String>,
        client_id: impl Into<String>,
        refresh_token: impl Into<Secret>,
        client_secret: Option<Secret>,
        on_refresh: Option<OnRefresh>,
        options: CredentialOptions,
    ) -> Result<Self, Error> {
        let refresh_token = refresh_token.into();
        if refresh_token.is_empty() {
            return Err(Error::Config("refresh_token is empty".into()));
        }
        let refresh = options.refresh.clone();
        Ok(Cached::with_source(
            RefreshToken {
                endpoint: TokenEndpoint::new(tenant_id, &options)?,
                client: Client::new(client_id.into(), client_secret)?,
                rotating: Rotating::new(Some(refresh_token), on_refresh),
            },
            refresh,
        ))
    }
}

impl TokenSource for RefreshToken {
    fn fetch<'a>(&'a self, request: &'a TokenRequest) -> BoxFuture<'a, Result<AccessToken, Error>> {
        Box::pin(async move {
            match self
                .rotating
                .redeem(&self.endpoint, request, &self.client)
                .await?
            {
                Some(token) => Ok(token),
                None => Err(Error::Config("no refresh token".into())),
            }
        })
    }
}

impl fmt::Debug for RefreshToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshToken")
            .field("endpoint", &self.endpoint)
            .field("client", &self.client)
            .field("refresh_token", &"[redacted]")
            .finish()
    }
}

/// An application as the token endpoint knows it.
pub(super) struct Client {
    pub(super) id: String,
    /// Confidential clients only.
    pub(super) secret: Option<Secret>,
}

impl Client {
    pub(super) fn new(id: String, secret: Option<Secret>) -> Result<Self, Error> {
        Ok(Self {
            id: non_empty("client_id", id)?,
            secret: secret.filter(|s| !s.is_empty()),
        })
    }

    /// `client_id`, then `client_secret` when there is one.
    pub(super) fn form(&self) -> Vec<(&'static str, &str)> {
        let mut form = vec![("client_id", self.id.as_str())];
        if let Some(secret) = &self.secret {
            form.push(("client_secret", secret.expose()));
        }
        form
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("id", &self.id)
            .field("secret", &self.secret)
            .finish()
    }
}

/// The refresh token currently held, and who hears about a new one.
pub(super) struct Rotating {
    current: Mutex<Option<Secret>>,
    on_refresh: Option<OnRefresh>,
}

impl Rotating {
    pub(super) fn new(current: Option<Secret>, on_refresh: Option<OnRefresh>) -> Self {
        Self {
            current: Mutex::new(current),
            on_refresh,
        }
    }

    fn current(&self) -> Option<Secret> {
        self.current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub(super) fn forget(&self) {
        *self.current.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// Keeps `new` and tells the caller (only when it differs: an endpoint that does not rotate
    /// sends the same one back or none).
    pub(super) fn store(&self, new: Option<Secret>) {
        let Some(new) = new else { return };
        {
            let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
            if current.as_ref() == Some(&new) {
                return;
            }
            *current = Some(new.clone());
        }
        if let Some(callback) = &self.on_refresh {
            callback(new);
        }
    }

    /// Exchanges the held refresh token for an access token; `None` when none is held.
    pub(super) async fn redeem(
        &self,
        endpoint: &TokenEndpoint,
        request: &TokenRequest,
        client: &Client,
    ) -> Result<Option<AccessToken>, Error> {
        let Some(refresh_token) = self.current() else {
            return Ok(None);
        };
        let scopes = format!(
            "{} offline_access",
            scope(&request.user_scope, "delegated")?
        );
        let mut form = client.form();
        form.extend([
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
            ("scope", scopes.as_str()),
        ]);
        let granted = endpoint.grant(request, &form).await?;
        self.store(granted.refresh_token);
        Ok(Some(granted.access))
    }
}
