//! App+User sign-in by device code: the one-time interactive consent for hosts without a browser.
//! The user opens a URL elsewhere and types a code; meanwhile the flow polls the token endpoint
//! as RFC 8628 says (`interval`, `authorization_pending`, `slow_down`, expiry). The refresh token
//! it obtains is then used like [`RefreshTokenCredential`](super::RefreshTokenCredential)'s.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::client_secret::scope;
use super::endpoint::{TokenEndpoint, parse_grant};
use super::refresh_token::{Client, Rotating};
use super::{AccessToken, Cached, CredentialOptions, OnRefresh, TokenSource};
use crate::auth::{BoxFuture, TokenRequest};
use crate::error::{AuthError, Error};
use crate::secret::Secret;

/// What to show the user.
#[derive(Clone, Debug)]
pub struct DeviceCodePrompt {
    /// The code to type (not a secret: it is useless without the user's own sign-in).
    pub user_code: String,
    pub verification_uri: String,
    /// The sign-in service's own instructions, e.g. "To sign in, use a web browser to open …".
    pub message: String,
    pub expires_in: Duration,
}

/// Shows a [`DeviceCodePrompt`]; the default prints its message on stderr.
pub type Prompt = Arc<dyn Fn(&DeviceCodePrompt) + Send + Sync>;

/// The device-code flow, then refresh tokens.
pub struct DeviceCode {
    endpoint: TokenEndpoint,
    client: Client,
    prompt: Prompt,
    rotating: Rotating,
}

/// App+User sign-in by device code, cached.
pub type DeviceCodeCredential = Cached<DeviceCode>;

impl Cached<DeviceCode> {
    /// `tenant_id` is usually `organizations` (any work account); `prompt` defaults to printing
    /// the message on stderr.
    pub fn new(
        tenant_id: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: Option<Secret>,
        prompt: Option<Prompt>,
        on_refresh: Option<OnRefresh>,
        options: CredentialOptions,
    ) -> Result<Self, Error> {
        let refresh = options.refresh.clone();
        Ok(Cached::with_source(
            DeviceCode {
                endpoint: TokenEndpoint::new(tenant_id, &options)?,
                client: Client::new(client_id.into(), client_secret)?,
                prompt: prompt.unwrap_or_else(|| Arc::new(|p| eprintln!("{}", p.message))),
                rotating: Rotating::new(None, on_refresh),
            },
            refresh,
        ))
    }
}

#[derive(Deserialize)]
struct Authorization {
    device_code: String,
    user_code: String,
    verification_uri: String,
    #[serde(default)]
    message: Option<String>,
    #[serde(deserialize_with = "number_or_string")]
    expires_in: u64,
    #[serde(default = "default_interval", deserialize_with = "number_or_string")]
    interval: u64,
}

fn default_interval() -> u64 {
    5
}

fn number_or_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum N {
        N(u64),
        S(String),
    }
    match N::deserialize(d)? {
        N::N(n) => Ok(n),
        N::S(s) => s.trim().parse().map_err(serde::de::Error::custom),
    }
}

/// RFC 8628 §3.5: on `slow_down` the interval grows by 5 seconds.
const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

impl DeviceCode {
    async fn sign_in(&self, request: &TokenRequest) -> Result<AccessToken, Error> {
        let scopes = format!(
            "{} offline_access",
            scope(&request.user_scope, "delegated")?
        );
        let (status, body) = self
            .endpoint
            .post(
                request,
                "devicecode",
                &[("client_id", &self.client.id), ("scope", &scopes)],
            )
            .await?;
        if !(200..300).contains(&status) {
            return Err(AuthError::from_body(status, &body).into());
        }
        let auth: Authorization = serde_json::from_slice(&body).map_err(|e| Error::Decode {
            status,
            message: format!("the device-code answer: {e}"),
            body_excerpt: String::new(),
            request_id: None,
        })?;
        let device_code = Secret::new(auth.device_code);
        let prompt = DeviceCodePrompt {
            message: auth.message.unwrap_or_else(|| {
                format!(
                    "To sign in, open {} and enter the code {}",
                    auth.verification_uri, auth.user_code
                )
            }),
            user_code: auth.user_code,
            verification_uri: auth.verification_uri,
            expires_in: Duration::from_secs(auth.expires_in),
        };
        (self.prompt)(&prompt);

        let deadline = Instant::now() + prompt.expires_in;
        let mut interval = Duration::from_secs(auth.interval.max(1));
        let mut form = self.client.form();
        form.extend([
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("device_code", device_code.expose()),
        ]);
        loop {
            if Instant::now() + interval >= deadline {
                return Err(AuthError {
                    error: "expired_token".into(),
                    error_description: Some(
                        "the device code expired before the user finished signing in".into(),
                    ),
                    ..AuthError::default()
                }
                .into());
            }
            tokio::time::sleep(interval).await;
            let (status, body) = self.endpoint.post(request, "token", &form).await?;
            if (200..300).contains(&status) {
                let granted = parse_grant(&body)?;
                self.rotating.store(granted.refresh_token);
                return Ok(granted.access);
            }
            let refusal = AuthError::from_body(status, &body);
            match refusal.error.as_str() {
                "authorization_pending" => {}
                "slow_down" => interval += SLOW_DOWN_STEP,
                _ => return Err(refusal.into()),
            }
        }
    }
}

impl TokenSource for DeviceCode {
    fn fetch<'a>(&'a self, request: &'a TokenRequest) -> BoxFuture<'a, Result<AccessToken, Error>> {
        Box::pin(async move {
            match self
                .rotating
                .redeem(&self.endpoint, request, &self.client)
                .await
            {
                Ok(Some(token)) => return Ok(token),
                Ok(None) => {}
                // The refresh token died: the user must sign in again, which is what this flow does.
                Err(Error::Auth(a)) if a.needs_reauthentication() => self.rotating.forget(),
                Err(e) => return Err(e),
            }
            self.sign_in(request).await
        })
    }
}

impl fmt::Debug for DeviceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceCode")
            .field("endpoint", &self.endpoint)
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}
