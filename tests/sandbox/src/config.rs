//! Emulator configuration. Every CLI flag maps to one field here, so in-process users
//! (the Rust client's tests, benchmarks) get exactly the knobs the binary has.

use std::path::PathBuf;
use std::str::FromStr;

use crate::faults::FaultConfig;

/// The indirect reseller used by the documentation's "create a customer for an indirect
/// reseller" example (seed 004), known by default so that example succeeds verbatim.
pub const DEFAULT_RESELLER: &str = "484e548c-f5f3-4528-93a9-c16c6373cb59";

/// The partner tenant id that appears in the documented relationship-request link (seed 003).
pub const DEFAULT_PARTNER_ID: &str = "3b33e682-00c3-41ee-9dd2-a548adf56438";

/// Partner Center's documented sandbox limit (reference §5.2: "75 customers").
pub const DEFAULT_QUOTA: usize = 75;

/// Partner Center's documented customer rate limit (reference §7: 500 requests a minute).
pub const DEFAULT_THROTTLE_PER_MINUTE: u32 = 500;

/// 1 MiB: far above any real customer document, small enough that a hostile body is cheap.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// Which bearer tokens Partner Center's side accepts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AuthMode {
    /// Tokens this emulator issued are checked; any other non-empty token counts as an
    /// App+User token with MFA (quick starts and hand-made tokens keep working).
    #[default]
    Lenient,
    /// Only tokens this emulator issued are accepted (others: 401, code 400).
    Strict,
}

impl AuthMode {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMode::Lenient => "lenient",
            AuthMode::Strict => "strict",
        }
    }
}

impl FromStr for AuthMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "lenient" => Ok(AuthMode::Lenient),
            "strict" => Ok(AuthMode::Strict),
            _ => Err("must be lenient or strict".into()),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    /// TCP port on 127.0.0.1; 0 picks a free port.
    pub port: u16,
    /// When set, only this bearer token is accepted (others get 401 code 400);
    /// when `None`, any non-empty token is accepted.
    pub token: Option<String>,
    /// Maximum number of customers that may exist at once (error 800018 beyond it).
    pub quota: usize,
    /// Tenant ids of the indirect resellers that `associatedPartnerId` may name.
    pub resellers: Vec<String>,
    /// Requests allowed per token per minute; 0 turns throttling off.
    pub throttle_per_minute: u32,
    /// Request bodies larger than this are rejected with 400 800002.
    pub max_body_bytes: usize,
    /// Fault injection at start-up (all off by default); changeable at run time via
    /// `POST /_sandbox/faults`.
    pub faults: FaultConfig,
    /// The partner's own tenant id (used in the relationship-request link).
    pub partner_id: String,
    /// One line per request on stderr. Off by default for in-process use (benchmarks
    /// would otherwise drown in output); the binary turns it on unless `--quiet`.
    pub log_requests: bool,
    /// Lenient (default) or strict treatment of tokens the emulator did not issue.
    pub auth: AuthMode,
    /// App+User tokens without `mfa` in `amr` get 401 900421 (default on; changeable at run
    /// time via `POST /_sandbox/auth/settings`).
    pub mfa_enforced: bool,
    /// Serve https with a certificate made at start (see [`crate::Running::ca_cert_pem`]).
    pub tls: bool,
    /// With `tls`: also write the CA certificate (PEM) to this file.
    pub tls_cert_out: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            port: 0,
            token: None,
            quota: DEFAULT_QUOTA,
            resellers: vec![DEFAULT_RESELLER.to_string()],
            throttle_per_minute: DEFAULT_THROTTLE_PER_MINUTE,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            faults: FaultConfig::default(),
            partner_id: DEFAULT_PARTNER_ID.to_string(),
            log_requests: false,
            auth: AuthMode::Lenient,
            mfa_enforced: true,
            tls: false,
            tls_cert_out: None,
        }
    }
}
