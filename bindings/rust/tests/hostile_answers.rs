//! Answers a broken gateway or server might give (the emulator's answer faults), the answer size
//! cap, and pacing under the emulator's throttling: each ends in its typed error, never a panic
//! or a hang.

mod common;

use std::time::Duration;

use common::*;
use partner_center::{Error, ErrorKind, RetryPolicy};
use serde_json::{Value, json};

/// The next `GET /v1/customers` gets `fault` (with `extra` members).
async fn script(emu: &sandbox::Running, fault: &str, extra: Value) {
    let mut entry = json!({"method": "GET", "path": "/v1/customers", "fault": fault, "times": 1});
    if let (Some(entry), Value::Object(extra)) = (entry.as_object_mut(), extra) {
        entry.extend(extra);
    }
    set_faults(emu, json!({"script": [entry]})).await;
}

async fn admin_get(emu: &sandbox::Running, path: &str) -> Value {
    sdk_runtime::ensure_crypto_provider();
    sdk_runtime::reqwest::get(format!("{}{path}", emu.base_url()))
        .await
        .expect("admin call")
        .json()
        .await
        .expect("admin JSON")
}

fn one_attempt(emu: &sandbox::Running) -> partner_center::Client {
    builder(emu)
        .retry(RetryPolicy::none())
        .timeout(Duration::from_millis(700))
        .build()
        .unwrap()
}

/// One page of customers (a model with members of every kind for `wrong_types` to get wrong).
async fn fetch(client: &partner_center::Client) -> Result<(), Error> {
    client.customers().list().send().await.map(drop)
}

#[tokio::test]
async fn each_answer_fault_is_its_typed_error_with_a_capped_excerpt() {
    let emu = emulator().await;
    let client = one_attempt(&emu);
    for (fault, extra, kind) in [
        ("malformed_json", json!({}), ErrorKind::Decode),
        ("wrong_types", json!({}), ErrorKind::Decode),
        ("invalid_utf8", json!({}), ErrorKind::Decode),
        ("truncated", json!({}), ErrorKind::Transport),
        ("html_502", json!({}), ErrorKind::Server),
        ("slow_body", json!({"intervalMs": 500}), ErrorKind::Timeout),
        ("stall_after_headers", json!({}), ErrorKind::Timeout),
        (
            "huge_body",
            json!({"bytes": 100_000_000}),
            ErrorKind::Decode,
        ),
    ] {
        script(&emu, fault, extra).await;
        let err = fetch(&client).await.expect_err(fault);
        assert_eq!(err.kind(), kind, "{fault}: {err:?}");
        match &err {
            Error::Decode {
                body_excerpt,
                message,
                ..
            } => {
                assert!(body_excerpt.len() <= 1024, "{fault}");
                // Refused at the cap, not read whole and then found wanting.
                let over_cap = message.contains("larger than this client's limit");
                assert_eq!(over_cap, fault == "huge_body", "{fault}: {message}");
            }
            Error::Api(api) => {
                assert_eq!(api.status, 502);
                assert!(
                    api.body.len() <= 4096 && api.body.contains("<html"),
                    "{}",
                    api.body
                );
            }
            _ => {}
        }
        // The error names the call: its request id.
        assert!(err.request_id().is_some(), "{fault}");
        // The client is fine afterwards.
        fetch(&client)
            .await
            .unwrap_or_else(|e| panic!("after {fault}: {e}"));
    }
}

#[tokio::test]
async fn transient_answer_faults_are_retried() {
    let emu = emulator().await;
    let client = builder(&emu).build().unwrap();
    for fault in ["truncated", "html_502"] {
        script(&emu, fault, json!({})).await;
        fetch(&client)
            .await
            .unwrap_or_else(|e| panic!("{fault} once, then fine: {e}"));
    }
    // A decode error is not retried: the same request would get the same answer.
    script(&emu, "malformed_json", json!({})).await;
    assert_eq!(fetch(&client).await.unwrap_err().kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn the_size_cap_is_the_clients_to_set() {
    let emu = emulator().await;
    let small = builder(&emu).max_response_bytes(64).build().unwrap();
    let err = fetch(&small).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(
        err.to_string()
            .contains("larger than this client's limit of 64 bytes"),
        "{err}"
    );
    assert!(matches!(
        builder(&emu).max_response_bytes(0).build(),
        Err(Error::Config(_))
    ));
    // Undeclared length (chunked): read up to the cap, then refused.
    let capped = builder(&emu)
        .max_response_bytes(1 << 20)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    script(
        &emu,
        "huge_body",
        json!({"bytes": 300_000_000, "chunked": true}),
    )
    .await;
    assert_eq!(fetch(&capped).await.unwrap_err().kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn pacing_keeps_a_bulk_job_under_the_services_throttling() {
    let emu = emulator().await;
    // 40 requests per 2 s window per token (1,200 a minute); paced at 1,000 a minute.
    admin(
        &emu,
        "/_sandbox/throttle",
        json!({"limit": 40, "windowMs": 2000}),
    )
    .await;
    let run = |client: partner_center::Client| async move {
        let calls = (0..100).map(|_| {
            let client = client.clone();
            async move { fetch(&client).await }
        });
        let results = futures::future::join_all(calls).await;
        results
            .iter()
            .filter(|r| matches!(r, Err(e) if e.status() == Some(429)))
            .count()
    };
    let unpaced = builder(&emu).retry(RetryPolicy::none()).build().unwrap();
    assert!(
        run(unpaced).await > 0,
        "without pacing the burst is throttled"
    );
    // A fresh token starts a fresh window.
    let paced = builder(&emu)
        .token("another-token-for-pacing")
        .retry(RetryPolicy::none())
        .requests_per_minute(1000)
        .build()
        .unwrap();
    assert_eq!(run(paced).await, 0, "paced calls are never throttled");
    assert!(matches!(
        builder(&emu).requests_per_minute(0).build(),
        Err(Error::Config(_))
    ));
}

#[tokio::test]
async fn the_emulator_counts_what_it_injected() {
    let emu = emulator().await;
    let client = one_attempt(&emu);
    script(&emu, "malformed_json", json!({})).await;
    let _ = fetch(&client).await;
    let faults = admin_get(&emu, "/_sandbox/faults").await;
    assert_eq!(faults["injected"]["malformed_json"], 1, "{faults}");
}

/// The TCP connections the emulator has open, once the count stops moving (connections of
/// finished admin calls close a moment after their client is dropped).
async fn settled_connections(emu: &sandbox::Running) -> u64 {
    let mut last = u64::MAX;
    for _ in 0..50 {
        let health = admin_get(emu, "/_sandbox/health").await;
        let now = health["connections"]
            .as_u64()
            .expect("connections in health");
        if now == last {
            return now;
        }
        last = now;
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    last
}

#[tokio::test]
async fn a_dropped_call_closes_its_connection_and_the_client_goes_on() {
    let emu = emulator().await;
    let client = builder(&emu).retry(RetryPolicy::none()).build().unwrap();
    set_faults(
        &emu,
        json!({"script": [{"method": "GET", "path": "/v1/customers", "fault": "stall_after_headers"}]}),
    )
    .await;
    let before = settled_connections(&emu).await;
    let call = tokio::spawn({
        let client = client.clone();
        async move { fetch(&client).await }
    });
    // The stalled call holds one more connection…
    let mut during = before;
    for _ in 0..100 {
        during = settled_connections(&emu).await;
        if during > before {
            break;
        }
    }
    assert_eq!(during, before + 1, "the stalled call's connection is open");
    // …until the caller gives up on it (what `select!`, a timeout or an aborted task do).
    call.abort();
    let mut after = during;
    for _ in 0..100 {
        after = settled_connections(&emu).await;
        if after == before {
            break;
        }
    }
    assert_eq!(after, before, "the aborted call's connection is closed");
    fetch(&client).await.unwrap();
}
