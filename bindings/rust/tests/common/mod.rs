//! Shared set-up: an emulator on a free port, a client for it, and valid customers.
#![allow(dead_code)] // Each test binary uses a different subset.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use partner_center::{Client, RetryPolicy, models};
use sandbox::{Config, Running};

pub const TOKEN: &str = "test-token-value-1234";

pub async fn emulator() -> Running {
    emulator_with(Config::default()).await
}

pub async fn emulator_with(config: Config) -> Running {
    sandbox::start(Config { port: 0, ..config })
        .await
        .expect("the emulator starts")
}

/// A client with fast retries, so retry tests don't sleep for long.
pub fn client(emu: &Running) -> Client {
    builder(emu).build().expect("client builds")
}

pub fn builder(emu: &Running) -> partner_center::ClientBuilder {
    Client::builder()
        .base_url(emu.base_url())
        .token(TOKEN)
        .locale("en-US")
        .application("partner-center-rust-tests")
        .retry(
            RetryPolicy::default()
                .with_initial_backoff(Duration::from_millis(10))
                .with_max_backoff(Duration::from_millis(50)),
        )
}

/// A domain no other test uses.
pub fn unique_domain(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}{}{}.onmicrosoft.com",
        std::process::id() % 10_000,
        N.fetch_add(1, Ordering::Relaxed)
    )
}

pub fn address(country: &str) -> models::Address {
    models::Address {
        address_line1: "One Microsoft Way".into(),
        city: Some("Redmond".into()),
        state: Some("WA".into()),
        postal_code: Some("98052".into()),
        country: country.into(),
        first_name: Some("Tania".into()),
        last_name: Some("Carr".into()),
        phone_number: Some("4255550101".into()),
        ..Default::default()
    }
}

/// A direct customer that passes client- and server-side validation.
pub fn new_customer(domain: &str) -> models::NewCustomer {
    models::NewCustomer {
        company_profile: models::CustomerCompanyProfile {
            domain: domain.to_string(),
            ..Default::default()
        },
        billing_profile: models::CustomerBillingProfile {
            email: "tania@contoso.example".into(),
            culture: "en-US".into(),
            language: "en".into(),
            company_name: "Contoso".into(),
            default_address: address("US"),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// Set the emulator's faults through its admin endpoint (real HTTP, like every suite does).
pub async fn set_faults(emu: &Running, faults: serde_json::Value) {
    let http = sdk_runtime_http();
    let status = http
        .post(format!("{}/_sandbox/faults", emu.base_url()))
        .json(&faults)
        .send()
        .await
        .expect("fault endpoint answers")
        .status();
    assert!(status.is_success(), "setting faults failed: {status}");
}

fn sdk_runtime_http() -> sdk_runtime::reqwest::Client {
    sdk_runtime::ensure_crypto_provider();
    sdk_runtime::reqwest::Client::new()
}

/// An admin call of the emulator (`POST /_sandbox/...`, no auth); panics unless it succeeds.
pub async fn admin(emu: &Running, path: &str, body: serde_json::Value) -> serde_json::Value {
    sdk_runtime::ensure_crypto_provider();
    let resp = sdk_runtime::reqwest::Client::new()
        .post(format!("{}{path}", emu.base_url()))
        .json(&body)
        .send()
        .await
        .expect("admin call");
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    assert!(status.is_success(), "{path}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
}
