//! The traffic counters of `GET /_sandbox/health`: `requests`, `inFlight`, `connections`.
//! (`inFlightPeak`: tests/faults.rs; the counters under answer faults: tests/answer_faults.rs.)

mod common;

use std::time::{Duration, Instant};

use common::*;
use reqwest::Method;
use sandbox::Config;
use serde_json::{Value, json};
use tokio::net::TcpStream;

async fn health(env: &Env) -> Value {
    env.admin(Method::GET, "/_sandbox/health", None)
        .await
        .json()
        .await
        .unwrap()
}

async fn wait_health(env: &Env, what: &str, ok: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let h = health(env).await;
        if ok(&h) {
            return h;
        }
        assert!(Instant::now() < deadline, "{what}: health stayed {h}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn requests_counts_partner_center_calls_faulted_or_not() {
    let env = env().await;
    let h = health(&env).await;
    assert_eq!(
        (h["requests"].clone(), h["inFlight"].clone()),
        (json!(0), json!(0))
    );
    let r = env
        .admin(
            Method::POST,
            "/_sandbox/faults",
            Some(json!({"script": [{"status": 503}, {"fault": "malformed_json"}]})),
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(env.get_status("/v1/customers").await, 503);
    assert_eq!(env.get_status("/v1/customers").await, 200);
    assert_eq!(env.get_status("/v1/customers").await, 200);
    // Refused before any fault: counted too.
    let r = env
        .client
        .get(format!("{}/v1/customers", env.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    // Neither admin calls nor sign-in endpoints are Partner Center calls.
    let _ = env
        .client
        .get(format!(
            "{}/common/v2.0/.well-known/openid-configuration",
            env.base
        ))
        .send()
        .await
        .unwrap();
    let h = health(&env).await;
    assert_eq!(h["requests"], 4, "{h}");
    assert_eq!(h["inFlight"], 0, "{h}");
    env.admin(Method::POST, "/_sandbox/reset", None).await;
    assert_eq!(health(&env).await["requests"], 0);
}

#[tokio::test]
async fn in_flight_counts_the_calls_being_served_now() {
    let env = env().await;
    env.admin(
        Method::POST,
        "/_sandbox/faults",
        Some(json!({"latencyMs": 600})),
    )
    .await;
    let calls = futures::future::join_all((0..3).map(|_| env.get_status("/v1/customers")));
    let watch = async { wait_health(&env, "three calls in flight", |h| h["inFlight"] == 3).await };
    let (statuses, h) = tokio::join!(calls, watch);
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(h["requests"], 3, "{h}");
    assert_eq!(health(&env).await["inFlight"], 0);
}

#[tokio::test]
async fn connections_counts_open_tcp_connections() {
    let env = env().await;
    let baseline = health(&env).await["connections"].as_u64().unwrap();
    assert!(baseline >= 1, "the health call's own connection");
    let mut open = Vec::new();
    for _ in 0..3 {
        open.push(TcpStream::connect(env.server.addr).await.unwrap());
    }
    wait_health(&env, "three more", |h| {
        h["connections"].as_u64() == Some(baseline + 3)
    })
    .await;
    open.truncate(1);
    wait_health(&env, "two closed", |h| {
        h["connections"].as_u64() == Some(baseline + 1)
    })
    .await;
    drop(open);
    wait_health(&env, "all closed", |h| {
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
    let health = |client: reqwest::Client, url: String| async move {
        client
            .get(format!("{url}/_sandbox/health"))
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()
    };
    let h = health(client.clone(), server.base_url()).await;
    assert_eq!(h["connections"], 1, "{h}");
    let raw = TcpStream::connect(server.addr).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while health(client.clone(), server.base_url()).await["connections"] != 2 {
        assert!(
            Instant::now() < deadline,
            "a connection before its handshake counts"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(raw);
    while health(client.clone(), server.base_url()).await["connections"] != 1 {
        assert!(Instant::now() < deadline, "and stops counting when closed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
