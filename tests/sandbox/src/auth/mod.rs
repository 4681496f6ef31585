//! Sign-in: an emulation of Microsoft Entra ID's token endpoint (v1 and v2, client
//! credentials with a secret or a certificate, refresh tokens, device code), its discovery
//! documents, the admin calls that stand in for the portal and the user's browser, and the
//! checks Partner Center applies to the tokens it receives.
//!
//! These paths are served by the same server as Partner Center but skip its auth,
//! throttling and fault injection (see `middleware`). The contract is in
//! tests/sandbox/README.md ("Sign-in").

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::routing::{get, post};
use ring::digest;
use uuid::Uuid;

use crate::config::Config;
use crate::state::App;

pub mod aadsts;
pub mod admin;
pub mod assertion;
pub mod device;
pub mod discovery;
pub mod enforce;
pub mod form;
pub mod jwt;
pub mod ops;
pub mod scopes;
pub mod store;
pub mod token;

/// The audience Partner Center accepts.
pub const PARTNER_CENTER_RESOURCE: &str = "https://api.partnercenter.microsoft.com";

/// Entra's default device-code polling interval.
pub const DEFAULT_DEVICE_CODE_INTERVAL_SECS: u64 = 5;

/// The sign-in state of one emulator.
pub struct Auth {
    store: Mutex<store::Store>,
    pub signer: jwt::Signer,
    pub mfa_enforced: AtomicBool,
    pub device_interval: AtomicU64,
    pub device_lifetime: AtomicU64,
    /// Token-endpoint POSTs answered (successes and errors); never reset.
    pub token_requests: AtomicU64,
}

impl Auth {
    pub fn new(config: &Config) -> Self {
        // Parse the spec now rather than on the first Partner Center request.
        let _ = ops::operations();
        Auth {
            store: Mutex::new(store::Store::default()),
            signer: jwt::Signer::new(),
            mfa_enforced: AtomicBool::new(config.mfa_enforced),
            device_interval: AtomicU64::new(DEFAULT_DEVICE_CODE_INTERVAL_SECS),
            device_lifetime: AtomicU64::new(store::DEVICE_CODE_LIFETIME_SECS),
            token_requests: AtomicU64::new(0),
        }
    }

    /// Held only for lookups and inserts, never across an `.await`.
    pub fn store(&self) -> MutexGuard<'_, store::Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn mfa_enforced(&self) -> bool {
        self.mfa_enforced.load(Ordering::Relaxed)
    }
}

pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/{tenant}/oauth2/v2.0/token", post(token::v2))
        .route("/{tenant}/oauth2/token", post(token::v1))
        .route("/{tenant}/oauth2/v2.0/devicecode", post(device::devicecode))
        .route(
            "/{tenant}/v2.0/.well-known/openid-configuration",
            get(discovery::openid_configuration),
        )
        .route(
            "/{tenant}/.well-known/openid-configuration",
            get(discovery::openid_configuration),
        )
        .route("/common/discovery/instance", get(discovery::instance))
        .route("/{tenant}/discovery/v2.0/keys", get(discovery::keys))
        .route("/{tenant}/discovery/keys", get(discovery::keys))
        .route("/_sandbox/auth/apps", post(admin::register_app))
        .route("/_sandbox/auth/refresh-tokens", post(admin::refresh_token))
        .route("/_sandbox/auth/device-codes/approve", post(admin::approve))
        .route(
            "/_sandbox/auth/settings",
            get(admin::settings_get).post(admin::settings_set),
        )
}

/// Whether `path` is one of the sign-in paths above (not `/_sandbox`): those skip Partner
/// Center's auth, throttling, faults and headers.
pub fn is_auth_path(path: &str) -> bool {
    let s: Vec<&str> = path.split('/').skip(1).collect();
    matches!(
        s.as_slice(),
        [_, "oauth2", "v2.0", "token" | "devicecode"]
            | [_, "oauth2", "token"]
            | [_, "v2.0", ".well-known", "openid-configuration"]
            | [_, ".well-known", "openid-configuration"]
            | ["common", "discovery", "instance"]
            | [_, "discovery", "v2.0", "keys"]
            | [_, "discovery", "keys"]
    )
}

/// The `tid` for a tenant in a URL: the tenant itself, except for the multi-tenant aliases,
/// which stand for the partner's own tenant.
pub fn tenant_id(config: &Config, tenant: &str) -> String {
    match tenant.to_ascii_lowercase().as_str() {
        "common" | "organizations" | "consumers" => config.partner_id.clone(),
        _ => tenant.to_string(),
    }
}

/// A stable GUID derived from `parts` (object ids of users and service principals).
pub fn derived_id(parts: &[&str]) -> String {
    let d = digest::digest(
        &digest::SHA256,
        parts.join("\u{1f}").to_lowercase().as_bytes(),
    );
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&d.as_ref()[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// A stable opaque id like Entra's pairwise `sub` (43 base64url characters).
pub fn derived_sub(parts: &[&str]) -> String {
    let d = digest::digest(
        &digest::SHA256,
        parts.join("\u{1f}").to_lowercase().as_bytes(),
    );
    jwt::b64url(d.as_ref())
}

pub fn new_guid() -> String {
    Uuid::new_v4().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_sign_in_paths() {
        for p in [
            "/common/oauth2/v2.0/token",
            "/contoso.onmicrosoft.com/oauth2/token",
            "/organizations/oauth2/v2.0/devicecode",
            "/t/v2.0/.well-known/openid-configuration",
            "/common/discovery/instance",
            "/t/discovery/v2.0/keys",
        ] {
            assert!(is_auth_path(p), "{p}");
        }
        for p in [
            "/v1/customers",
            "/_sandbox/health",
            "/t/oauth2/v2.0/authorize",
            "/",
        ] {
            assert!(!is_auth_path(p), "{p}");
        }
    }

    #[test]
    fn derived_ids_are_stable_guids() {
        let a = derived_id(&["user", "Someone@Contoso.com"]);
        assert_eq!(a, derived_id(&["user", "someone@contoso.com"]));
        assert!(Uuid::parse_str(&a).is_ok());
        assert_ne!(a, derived_id(&["user", "other@contoso.com"]));
        assert_eq!(derived_sub(&["x"]).len(), 43);
    }
}
