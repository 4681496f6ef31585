//! The traffic counters of `GET /_sandbox/health`: `requests`, `inFlight`, `abandoned`, `connections`.
//! (`inFlightPeak`: tests/faults.rs; the counters under answer faults: tests/answer_faults.rs.)

mod common;

use common::*;
use reqwest::Method;
use sandbox::Config;
use serde_json::json;
use std::time::Duration;
use tokio::net::TcpStream;

#[tokio::test]
async fn requests_counts_partner_center_calls_faulted_or_not() {
    let env = env().await;
    let h = env.health().await;
    assert_eq!(
        (h["requests"].clone(), h["inFlight"].clone()),
        (json!(0), json!(0))
    );
    env.set_faults(json!({"script": [{"status": 503}, {"fault": "malformed_json"}]}))
        .await;
    assert_eq!(env.get_status("/v1/customers").await, 503);
    assert_eq!(env.get_status("/v1/customers").await, 200);
    assert_eq!(env.get_status("/v1/customers").await, 200);
    // Refused before any fault: counted too.
    let r = env.get_no_token("/v1/customers").await;
    assert_eq!(r.status().as_u16(), 401);
    // Neither admin calls nor sign-in endpoints are Partner Center calls.
    let _ = env
        .get_no_token("/common/v2.0/.well-known/openid-configuration")
        .await;
    let h = env.health().await;
    assert_eq!(h["requests"], 4, "{h}");
    assert_eq!(h["inFlight"], 0, "{h}");
    env.admin(Method::POST, "/_sandbox/reset", None).await;
    assert_eq!(env.health().await["requests"], 0);
}

#[tokio::test]
async fn in_flight_counts_the_calls_being_served_now() {
    let env = env().await;
    env.set_faults(json!({"latencyMs": 600})).await;
    let calls = futures::future::join_all((0..3).map(|_| env.get_status("/v1/customers")));
    let watch = async {
        env.wait_health("three calls in flight", |h| h["inFlight"] == 3)
            .await
    };
    let (statuses, h) = tokio::join!(calls, watch);
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(h["requests"], 3, "{h}");
    assert_eq!(env.health().await["inFlight"], 0);
}

#[tokio::test]
async fn abandoned_counts_calls_whose_client_went_away_unanswered() {
    let env = env().await;
    env.set_faults(json!({"latencyMs": 400})).await;
    // Answered, however late: not abandoned.
    assert_eq!(env.get_status("/v1/customers").await, 200);
    assert_eq!(env.health().await["abandoned"], 0);
    // The client gives up during the latency: the emulator notices the connection close.
    let gave_up = tokio::time::timeout(Duration::from_millis(100), env.get_status("/v1/customers"));
    assert!(gave_up.await.is_err());
    let h = env
        .wait_health("the abandoned call counted", |h| h["abandoned"] == 1)
        .await;
    assert_eq!(
        (h["requests"].clone(), h["inFlight"].clone()),
        (json!(2), json!(0))
    );
    env.admin(Method::POST, "/_sandbox/reset", None).await;
    assert_eq!(env.health().await["abandoned"], 0);
}

#[tokio::test]
async fn connections_counts_open_tcp_connections() {
    let env = env().await;
    let baseline = env.health().await["connections"].as_u64().unwrap();
    assert!(baseline >= 1, "the health call's own connection");
    let mut open = Vec::new();
    for _ in 0..3 {
        open.push(TcpStream::connect(env.server.addr).await.unwrap());
    }
    env.wait_health("three more", |h| {
        h["connections"].as_u64() == Some(baseline + 3)
    })
    .await;
    open.truncate(1);
    env.wait_health("two closed", |h| {
        h["connections"].as_u64() == Some(baseline + 1)
    })
    .await;
    drop(open);
    env.wait_health("all closed", |h| {
        h["connections"].as_u64() == Some(baseline)
    })
    .await;
}

#[tokio::test]
async fn connections_are_counted_with_tls_too() {
    let server = sandbox::start(Config {
        tls: true,
        ..Config::default()
    })
    .await
    .unwrap();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let ca = reqwest::Certificate::from_pem(server.ca_cert_pem().unwrap().as_bytes()).unwrap();
    let client = reqwest::Client::builder()
        .tls_certs_only([ca])
        .build()
        .unwrap();
    let env = Env {
        base: server.base_url(),
        server,
        client,
    };
    let h = env.health().await;
    assert_eq!(h["connections"], 1, "{h}");
    let raw = TcpStream::connect(env.server.addr).await.unwrap();
    env.wait_health("a connection before its handshake counts", |h| {
        h["connections"] == 2
    })
    .await;
    drop(raw);
    env.wait_health("and stops counting when closed", |h| h["connections"] == 1)
        .await;
}
