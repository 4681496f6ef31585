//! `NativeOptions` → a configured `partner_center::Client` (pure Rust, unit-tested).
//!
//! `partner_center` is the generated client crate the addon is built with: ours, or the one of
//! another spec in a workspace the generator writes. Clouds and the header options come from it.

use std::sync::Arc;
use std::time::Duration;

use napi_derive::napi;
use sdk_runtime::{Error, RetryPolicy, TokenProvider};

/// How `new NativeClient(options)` configures the Rust client. `lib/runtime.js` maps the public
/// `ClientOptions` (timeout in milliseconds) onto these.
#[napi(object)]
#[derive(Default)]
pub struct NativeOptions {
    /// Base URL of the service or the emulator; give this or `cloud`.
    pub base_url: Option<String>,
    /// A cloud of the spec's `x-pc-clouds` by name (any case), e.g. `"global"`.
    pub cloud: Option<String>,
    /// Bearer token (never readable back from the client).
    pub token: Option<String>,
    pub locale: Option<String>,
    pub application: Option<String>,
    pub correlation_id: Option<String>,
    /// Per-attempt timeout in milliseconds.
    pub timeout_ms: Option<f64>,
    /// Retries after the first attempt (0 = none).
    pub max_retries: Option<f64>,
    /// Client-side validation from the spec (default true).
    pub validate: Option<bool>,
    pub user_agent: Option<String>,
    /// PEM of an extra trusted root certificate (a local emulator over TLS, a TLS-inspecting
    /// proxy), on top of the system's; also used by credentials for the token endpoint.
    pub ca_cert: Option<String>,
    /// Client-side pacing: at most this many requests a minute, evenly spaced, shared by every
    /// concurrent call of the client (retries count too). A whole number, 1 or more.
    pub requests_per_minute: Option<f64>,
    /// Answers larger than this many bytes are refused without being read whole (a decode
    /// error); default 32 MiB. A whole number, 1 or more.
    pub max_response_bytes: Option<f64>,
}

// Never print the token: a hand-written Debug that leaves it out.
impl std::fmt::Debug for NativeOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NativeOptions")
            .field("base_url", &self.base_url)
            .field("cloud", &self.cloud)
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .field("locale", &self.locale)
            .field("application", &self.application)
            .field("correlation_id", &self.correlation_id)
            .field("timeout_ms", &self.timeout_ms)
            .field("max_retries", &self.max_retries)
            .field("validate", &self.validate)
            .field("user_agent", &self.user_agent)
            .field("ca_cert", &self.ca_cert.as_ref().map(|_| "PEM"))
            .field("requests_per_minute", &self.requests_per_minute)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

fn config(message: impl Into<String>) -> Error {
    Error::Config(message.into())
}

/// The message for a cloud name the spec does not have.
fn unknown_cloud(name: &str) -> String {
    match partner_center::Cloud::NAMES {
        [] => format!("unknown cloud {name:?}: this API names no clouds; give baseUrl"),
        [one] => format!("unknown cloud {name:?}: expected {one:?}"),
        [first @ .., last] => {
            let first: Vec<String> = first.iter().map(|n| format!("{n:?}")).collect();
            format!(
                "unknown cloud {name:?}: expected {} or {last:?}",
                first.join(", ")
            )
        }
    }
}

/// A positive, finite number of milliseconds as a `Duration`.
pub fn millis(ms: f64) -> Option<Duration> {
    if ms.is_finite() && ms > 0.0 {
        Duration::try_from_secs_f64(ms / 1000.0)
            .ok()
            .filter(|d| !d.is_zero())
    } else {
        None
    }
}

/// `maxRetries` as total attempts: a whole number ≥ 0 → n + 1.
pub fn attempts(max_retries: f64) -> Option<u32> {
    if max_retries.is_finite() && max_retries >= 0.0 && max_retries.fract() == 0.0 {
        let n = max_retries as u64;
        u32::try_from(n + 1).ok()
    } else {
        None
    }
}

/// A whole number from 1 to `max` (JS numbers are doubles: 1.5, NaN, 0 and negatives are refused).
pub fn positive_whole(n: f64, max: u64) -> Option<u64> {
    // 2^53: above it a double no longer holds every whole number.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    (n.is_finite() && n >= 1.0 && n.fract() == 0.0 && n <= EXACT)
        .then_some(n as u64)
        .filter(|&n| n <= max)
}

/// The Rust client these options describe, signing in with `credential` when given (instead of
/// `token`); bad input is `Error::Config`.
pub fn build_client(
    options: NativeOptions,
    credential: Option<Arc<dyn TokenProvider>>,
) -> Result<partner_center::Client, Error> {
    let mut builder = partner_center::Client::builder();
    match (options.base_url, options.cloud) {
        (Some(_), Some(_)) => return Err(config("give baseUrl or cloud, not both")),
        (Some(url), None) => builder = builder.base_url(url),
        (None, Some(name)) => {
            let c = partner_center::Cloud::from_name(&name)
                .ok_or_else(|| config(unknown_cloud(&name)))?;
            builder = builder.cloud(c);
        }
        (None, None) => {}
    }
    match (options.token, credential) {
        (Some(_), Some(_)) => return Err(config("give token or credential, not both")),
        (Some(token), None) => builder = builder.token(token),
        (None, Some(credential)) => builder = builder.credential(credential),
        (None, None) => {}
    }
    if let Some(pem) = options.ca_cert {
        builder = builder.ca_cert(pem);
    }
    // Options from the spec's `x-pc-client-headers`: a client of another spec may lack them.
    for (name, value) in [
        ("locale", options.locale),
        ("application", options.application),
        ("correlation_id", options.correlation_id),
    ] {
        if let Some(value) = value {
            builder = partner_center::dispatch::client_option(builder, name, value)?;
        }
    }
    if let Some(ms) = options.timeout_ms {
        let t = millis(ms)
            .ok_or_else(|| config("timeout must be a positive number of milliseconds"))?;
        builder = builder.timeout(t);
    }
    if let Some(n) = options.max_retries {
        let n =
            attempts(n).ok_or_else(|| config("maxRetries must be a whole number, 0 or more"))?;
        builder = builder.retry(RetryPolicy::default().with_max_attempts(n));
    }
    if let Some(agent) = options.user_agent {
        builder = builder.user_agent(agent);
    }
    if let Some(n) = options.requests_per_minute {
        let n = positive_whole(n, u64::from(u32::MAX))
            .ok_or_else(|| config("requestsPerMinute must be a whole number, 1 or more"))?;
        builder = builder.requests_per_minute(n as u32);
    }
    if let Some(n) = options.max_response_bytes {
        let n = positive_whole(n, usize::MAX as u64)
            .ok_or_else(|| config("maxResponseBytes must be a whole number of bytes, 1 or more"))?;
        builder = builder.max_response_bytes(n as usize);
    }
    builder.validation(options.validate.unwrap_or(true)).build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_url() -> NativeOptions {
        NativeOptions {
            base_url: Some("http://127.0.0.1:9".into()),
            token: Some("t".into()),
            ..Default::default()
        }
    }

    #[test]
    fn numbers() {
        assert_eq!(millis(250.0), Some(Duration::from_millis(250)));
        assert_eq!(millis(0.5), Some(Duration::from_micros(500)));
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(millis(bad), None);
        }
        assert_eq!(attempts(0.0), Some(1));
        assert_eq!(attempts(3.0), Some(4));
        for bad in [-1.0, 1.5, f64::NAN, 1e12] {
            assert_eq!(attempts(bad), None);
        }
        assert_eq!(positive_whole(1.0, 10), Some(1));
        assert_eq!(positive_whole(600.0, u64::MAX), Some(600));
        for bad in [0.0, -3.0, 2.5, f64::NAN, f64::INFINITY, 11.0, 1e300] {
            assert_eq!(positive_whole(bad, 10), None, "{bad}");
        }
        use partner_center::Cloud;
        assert_eq!(Cloud::from_name("Global"), Some(Cloud::Global));
        assert_eq!(Cloud::from_name("usgov"), Some(Cloud::Usgov));
        assert_eq!(Cloud::from_name("mars"), None);
        assert_eq!(
            unknown_cloud("mars"),
            r#"unknown cloud "mars": expected "global", "usgov" or "china""#
        );
    }

    #[test]
    fn builds_and_refuses() {
        let client = build_client(with_url(), None).unwrap();
        assert_eq!(client.transport().base_url(), "http://127.0.0.1:9");
        let client = build_client(
            NativeOptions {
                cloud: Some("china".into()),
                token: Some("t".into()),
                correlation_id: Some("c0ffee00-0000-4000-8000-000000000000".into()),
                max_retries: Some(0.0),
                timeout_ms: Some(1500.0),
                validate: Some(false),
                requests_per_minute: Some(600.0),
                max_response_bytes: Some(1024.0),
                ..Default::default()
            },
            None,
        )
        .unwrap();
        assert_eq!(
            client.correlation_id(),
            "c0ffee00-0000-4000-8000-000000000000"
        );
        assert!(!client.validates());
        for bad in [
            NativeOptions {
                cloud: Some("x".into()),
                ..with_url()
            },
            NativeOptions {
                cloud: Some("mars".into()),
                base_url: None,
                ..with_url()
            },
            NativeOptions {
                timeout_ms: Some(0.0),
                ..with_url()
            },
            NativeOptions {
                max_retries: Some(-1.0),
                ..with_url()
            },
            NativeOptions {
                ca_cert: Some("not a certificate".into()),
                ..with_url()
            },
            NativeOptions {
                requests_per_minute: Some(0.0),
                ..with_url()
            },
            NativeOptions {
                requests_per_minute: Some(1e10),
                ..with_url()
            },
            NativeOptions {
                max_response_bytes: Some(-1.0),
                ..with_url()
            },
            NativeOptions {
                max_response_bytes: Some(0.5),
                ..with_url()
            },
        ] {
            assert!(matches!(build_client(bad, None), Err(Error::Config(_))));
        }
        // A token and a credential together are refused.
        let credential: Arc<dyn TokenProvider> = Arc::new(sdk_runtime::StaticToken::new("x"));
        assert!(matches!(
            build_client(with_url(), Some(credential.clone())),
            Err(Error::Config(_))
        ));
        let signed_in = build_client(
            NativeOptions {
                token: None,
                ..with_url()
            },
            Some(credential),
        );
        assert!(signed_in.is_ok());
    }

    #[test]
    fn debug_hides_the_token() {
        let text = format!(
            "{:?}",
            NativeOptions {
                token: Some("s3cr3t-token".into()),
                ca_cert: Some("-----BEGIN CERTIFICATE-----".into()),
                ..with_url()
            }
        );
        assert!(!text.contains("s3cr3t-token"), "{text}");
        assert!(text.contains("[redacted]"));
    }
}
