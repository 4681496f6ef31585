//! Credentials that sign in to an OAuth2 / Microsoft Entra token endpoint and hand out cached,
//! refreshed bearer tokens.
//!
//! Each flow is a [`TokenSource`] (one file each: client secret, certificate, refresh token,
//! device code) that asks the token endpoint ([`endpoint`]) for a new token; [`Cached`] wraps a
//! source with the token cache and its refresh policy and is what a client takes as its
//! [`TokenProvider`](crate::TokenProvider). Which scopes to ask for and which cloud's sign-in
//! service to ask come from the client ([`TokenRequest`]), so nothing here
//! knows a particular API.

#[cfg(feature = "azure")]
mod azure;
mod cache;
mod certificate;
mod client_secret;
mod device_code;
pub mod endpoint;
mod refresh_token;

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

#[cfg(feature = "azure")]
pub use azure::{AzureCredential, AzureTokenCredential};
pub use cache::{Cached, RefreshPolicy};
pub use certificate::{CertificateCredential, CertificateFlow, ClientCertificate};
pub use client_secret::{ClientSecret, ClientSecretCredential};
pub use device_code::{DeviceCode, DeviceCodeCredential, DeviceCodePrompt, Prompt};
pub use refresh_token::{RefreshToken, RefreshTokenCredential};

use crate::auth::{BoxFuture, TokenRequest};
use crate::error::Error;
use crate::secret::Secret;

/// A token and when it stops working.
#[derive(Clone)]
pub struct AccessToken {
    pub token: Secret,
    pub expires_on: SystemTime,
    /// When the issuer suggests getting a new one (Entra's `refresh_in`); before `expires_on`.
    pub refresh_on: Option<SystemTime>,
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("token", &self.token)
            .field("expires_on", &self.expires_on)
            .field("refresh_on", &self.refresh_on)
            .finish()
    }
}

/// Gets a new token from wherever tokens come from: a token endpoint, or a foreign credential
/// (azure-identity, @azure/identity) that a binding adapts. [`Cached`] decides when to ask.
pub trait TokenSource: Send + Sync + 'static {
    fn fetch<'a>(&'a self, request: &'a TokenRequest) -> BoxFuture<'a, Result<AccessToken, Error>>;
}

/// Called with every new refresh token the token endpoint hands out, so the caller can store it
/// (refresh tokens rotate: the newest is the one to keep).
pub type OnRefresh = Arc<dyn Fn(Secret) + Send + Sync>;

/// Settings every credential shares.
#[derive(Clone, Default)]
pub struct CredentialOptions {
    /// The sign-in service, e.g. `https://login.microsoftonline.us`; default: the client's cloud's.
    /// Also how tests point a credential at a local emulator.
    pub authority_host: Option<String>,
    /// The HTTP client for the token endpoint; default: the API client's (same TLS roots, proxy).
    pub http: Option<reqwest::Client>,
    /// When to refresh.
    pub refresh: RefreshPolicy,
}

impl CredentialOptions {
    pub fn with_authority_host(mut self, host: impl Into<String>) -> Self {
        self.authority_host = Some(host.into());
        self
    }
}

impl fmt::Debug for CredentialOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialOptions")
            .field("authority_host", &self.authority_host)
            .field("http", &self.http.as_ref().map(|_| "reqwest::Client"))
            .field("refresh", &self.refresh)
            .finish()
    }
}
