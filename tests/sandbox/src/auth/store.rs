//! What the emulated directory holds: app registrations, refresh tokens and device codes,
//! all in memory. Refresh tokens and device codes are opaque random strings.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rand::RngExt;
use ring::digest;

use super::jwt::b64url;

/// Refresh tokens kept at most (the oldest are forgotten first): every refresh mints one
/// and the old ones stay valid, so a long benchmark would otherwise grow without bound.
const REFRESH_TOKEN_CAPACITY: usize = 100_000;

/// Entra's default refresh-token lifetime for everything but single-page apps (auth.md §1.3).
pub const DEFAULT_REFRESH_LIFETIME_SECS: u64 = 90 * 24 * 3600;

/// How long a device code can be redeemed (Entra: 15 minutes).
pub const DEVICE_CODE_LIFETIME_SECS: u64 = 900;

pub fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

pub fn random_token(prefix: &str, bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill(&mut buf[..]);
    format!("{prefix}{}", b64url(&buf))
}

#[derive(Clone, Debug)]
pub struct Certificate {
    pub der: Vec<u8>,
    pub sha1: Vec<u8>,
    pub sha256: Vec<u8>,
}

impl Certificate {
    pub fn new(der: Vec<u8>) -> Self {
        let sha1 = digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, &der)
            .as_ref()
            .to_vec();
        let sha256 = digest::digest(&digest::SHA256, &der).as_ref().to_vec();
        Certificate { der, sha1, sha256 }
    }

    /// The thumbprint as the Entra portal shows it: SHA-1, upper-case hex.
    pub fn thumbprint_hex(&self) -> String {
        self.sha1.iter().map(|b| format!("{b:02X}")).collect()
    }
}

#[derive(Clone, Debug)]
pub struct AppRegistration {
    pub client_id: String,
    pub secret: Option<String>,
    pub certificate: Option<Certificate>,
    pub access_token_lifetime: u64,
}

impl AppRegistration {
    /// A confidential client must authenticate on every grant.
    pub fn is_confidential(&self) -> bool {
        self.secret.is_some() || self.certificate.is_some()
    }
}

#[derive(Clone, Debug)]
pub struct RefreshRecord {
    /// Lower-cased client id.
    pub client: String,
    pub upn: String,
    pub mfa: bool,
    /// Unix seconds; expired when `now >= expires_at`.
    pub expires_at: u64,
    /// What a rotated successor lives for.
    pub lifetime: u64,
}

#[derive(Clone, Debug)]
pub enum DeviceState {
    Pending,
    Approved { upn: String, mfa: bool },
    Redeemed,
}

#[derive(Clone, Debug)]
pub struct DeviceCode {
    pub client: String,
    pub user_code: String,
    /// The resource (token audience) and the scope names asked for at `/devicecode`.
    pub resource: String,
    pub scopes: Vec<String>,
    pub openid: bool,
    pub expires_at: Instant,
    pub last_poll: Option<Instant>,
    pub state: DeviceState,
}

#[derive(Default)]
pub struct Store {
    apps: HashMap<String, AppRegistration>,
    refresh: HashMap<String, RefreshRecord>,
    refresh_order: VecDeque<String>,
    /// device code → record
    devices: HashMap<String, DeviceCode>,
    /// normalised user code → device code
    user_codes: HashMap<String, String>,
}

pub fn client_key(client_id: &str) -> String {
    client_id.trim().to_ascii_lowercase()
}

/// `abcd-efgh`, `ABCDEFGH` and ` ABCD EFGH ` are the same user code.
fn user_code_key(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

impl Store {
    /// Registers (or replaces) an app.
    pub fn register(&mut self, app: AppRegistration) {
        self.apps.insert(client_key(&app.client_id), app);
    }

    pub fn app(&self, client_id: &str) -> Option<&AppRegistration> {
        self.apps.get(&client_key(client_id))
    }

    /// Stores a refresh token for `client` and returns it. `lifetime` 0 makes one that has
    /// already expired.
    pub fn issue_refresh(&mut self, client: &str, upn: &str, mfa: bool, lifetime: u64) -> String {
        let token = random_token("0.A", 64);
        let now = now_unix();
        self.refresh.insert(
            token.clone(),
            RefreshRecord {
                client: client_key(client),
                upn: upn.to_string(),
                mfa,
                expires_at: now.saturating_add(lifetime),
                lifetime,
            },
        );
        self.refresh_order.push_back(token.clone());
        while self.refresh_order.len() > REFRESH_TOKEN_CAPACITY {
            if let Some(old) = self.refresh_order.pop_front() {
                self.refresh.remove(&old);
            }
        }
        token
    }

    pub fn refresh_record(&self, token: &str) -> Option<&RefreshRecord> {
        self.refresh.get(token)
    }

    pub fn new_device_code(
        &mut self,
        client: &str,
        resource: String,
        scopes: Vec<String>,
        openid: bool,
        lifetime_secs: u64,
    ) -> (String, String) {
        let now = Instant::now();
        // Forget codes that expired long ago so an idle emulator does not keep them all.
        self.devices
            .retain(|_, d| d.expires_at + Duration::from_secs(3600) > now);
        let devices = &self.devices;
        self.user_codes.retain(|_, code| devices.contains_key(code));

        let device_code = random_token("DAQABIQEAAA", 96);
        let user_code = loop {
            let candidate = new_user_code();
            if !self.user_codes.contains_key(&user_code_key(&candidate)) {
                break candidate;
            }
        };
        self.user_codes
            .insert(user_code_key(&user_code), device_code.clone());
        self.devices.insert(
            device_code.clone(),
            DeviceCode {
                client: client_key(client),
                user_code: user_code.clone(),
                resource,
                scopes,
                openid,
                expires_at: now + Duration::from_secs(lifetime_secs),
                last_poll: None,
                state: DeviceState::Pending,
            },
        );
        (device_code, user_code)
    }

    pub fn device_mut(&mut self, device_code: &str) -> Option<&mut DeviceCode> {
        self.devices.get_mut(device_code)
    }

    /// Approves a pending, unexpired code (what the user's browser sign-in would do).
    /// Returns false when there is no such code.
    pub fn approve(&mut self, user_code: &str, upn: &str, mfa: bool) -> bool {
        let Some(device_code) = self.user_codes.get(&user_code_key(user_code)) else {
            return false;
        };
        match self.devices.get_mut(device_code) {
            Some(d)
                if d.expires_at > Instant::now()
                    && matches!(d.state, DeviceState::Pending | DeviceState::Approved { .. }) =>
            {
                d.state = DeviceState::Approved {
                    upn: upn.to_string(),
                    mfa,
                };
                true
            }
            _ => false,
        }
    }
}

/// Eight letters as `ABCD-EFGH`, from consonants only (no words, no 0/O or 1/I confusion).
fn new_user_code() -> String {
    const LETTERS: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
    let mut rng = rand::rng();
    let mut s = String::with_capacity(9);
    for i in 0..8 {
        if i == 4 {
            s.push('-');
        }
        s.push(LETTERS[rng.random_range(0..LETTERS.len())] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_codes_are_easy_to_type() {
        for _ in 0..100 {
            let c = new_user_code();
            assert_eq!(c.len(), 9);
            assert_eq!(&c[4..5], "-");
            assert!(c.chars().all(|ch| ch == '-' || ch.is_ascii_uppercase()));
        }
        assert_eq!(user_code_key(" abcd-efgh "), "ABCDEFGH");
    }

    #[test]
    fn refresh_tokens_are_opaque_and_distinct() {
        let mut s = Store::default();
        let a = s.issue_refresh("C", "u@x", true, 10);
        let b = s.issue_refresh("C", "u@x", true, 10);
        assert_ne!(a, b);
        assert!(a.split('.').count() == 2 && a.len() > 64);
        assert_eq!(s.refresh_record(&a).unwrap().client, "c");
    }
}
