//! Emulator configuration. Every CLI flag maps to one field here, so in-process users
//! (the Rust client's tests, benchmarks) get exactly the knobs the binary has.

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
        }
    }
}
