//! Throttling and fault injection (scripted, random, start-up configured).

mod common;

use std::time::{Duration, Instant};

use common::*;
use reqwest::Method;
use sandbox::{Config, FaultConfig};
use serde_json::{Value, json};

#[tokio::test]
async fn throttling_per_token_with_retry_after() {
    let env = env_with(Config {
        throttle_per_minute: 5,
        ..Config::default()
    })
    .await;
    for i in 0..5 {
        let r = env.get("/v1/customers").send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "request {i}");
    }
    let r = env.get_throttled("/v1/customers").await;
    let retry = retry_after(&r);
    assert!((1..=60).contains(&retry), "{retry}");
    assert!(r.headers().contains_key("ms-requestid"));
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["statusCode"], 429);
    assert_eq!(
        body["message"],
        format!("Rate limit is exceeded. Try again in {retry} seconds.")
    );

    // Another partner (token) has its own budget.
    let other = env
        .call_as("other-partner", Method::GET, "/v1/customers", None)
        .await;
    assert_eq!(other.status().as_u16(), 200);
    // The admin API is never throttled.
    for _ in 0..10 {
        let r = env.admin(Method::GET, "/_sandbox/health", None).await;
        assert_eq!(r.status().as_u16(), 200);
    }
    // Reset clears the counters.
    env.admin(Method::POST, "/_sandbox/reset", None).await;
    assert_eq!(env.get_status("/v1/customers").await, 200);
}

#[tokio::test]
async fn default_limit_is_500_and_zero_turns_throttling_off() {
    let env = env().await;
    for _ in 0..500 {
        assert_eq!(env.get_status("/v1/customers").await, 200);
    }
    assert_eq!(env.get_status("/v1/customers").await, 429);

    let env = env_with(Config {
        throttle_per_minute: 0,
        ..Config::default()
    })
    .await;
    for _ in 0..520 {
        assert_eq!(env.get_status("/v1/customers").await, 200);
    }
}

#[tokio::test]
async fn scripted_status_faults_hit_exactly_the_matching_requests() {
    let env = env().await;
    let state = env.set_faults(
        json!({"script": [
            {"method": "POST", "path": "/v1/customers", "fault": "status", "status": 503, "times": 2},
            {"method": "get", "path": "/v1/countryvalidationrules", "status": 500}
        ]}),
    )
    .await;
    assert_eq!(state["script"].as_array().unwrap().len(), 2);

    // A GET on /v1/customers does not match the POST entry.
    assert_eq!(env.get_status("/v1/customers").await, 200);
    let body = customer("fault.onmicrosoft.com", "Fault");
    for _ in 0..2 {
        let e = expect_error(env.create(&body).await, 503, 503).await;
        assert_eq!(e["isRetryable"], true);
    }
    assert_eq!(env.customer_count().await, 0, "a status fault runs nothing");
    env.create_ok(&body).await;
    expect_error(
        env.get("/v1/countryvalidationrules/US")
            .send()
            .await
            .unwrap(),
        500,
        500,
    )
    .await;
    assert_eq!(env.get_status("/v1/countryvalidationrules/US").await, 200);
    let state = env.fault_state().await;
    assert_eq!(state["script"], json!([]));
}

#[tokio::test]
async fn scripted_throttle_fault() {
    let env = env().await;
    env.set_faults(json!({"Script": [{"Fault": "throttle", "RetryAfterSeconds": 7}]}))
        .await;
    let r = env.get_throttled("/v1/customers").await;
    assert_eq!(r.headers()["retry-after"], "7");
    let b: Value = r.json().await.unwrap();
    assert_eq!(
        b["message"],
        "Rate limit is exceeded. Try again in 7 seconds."
    );
    assert_eq!(env.get_status("/v1/customers").await, 200);
}

#[tokio::test]
async fn drop_after_commit_gives_a_connection_error_but_the_customer_exists() {
    let env = env().await;
    env.set_faults(
        json!({"script": [{"method": "POST", "path": "/v1/customers", "fault": "drop_after_commit"}]}),
    )
    .await;
    let body = customer("dropped.onmicrosoft.com", "Dropped");
    let send = || {
        env.req(Method::POST, "/v1/customers")
            .header("MS-RequestId", "5b1f3a6e-8d7c-4e2a-9f10-00000000d401")
            .json(&body)
            .send()
    };
    let err = send()
        .await
        .expect_err("the client must see a connection error, not a response");
    assert!(!err.is_status(), "{err}");
    // Committed: the customer is there.
    let list: Value = env
        .get("/v1/customers")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        list["items"][0]["companyProfile"]["domain"],
        "dropped.onmicrosoft.com"
    );
    // The client's retry with the same request id gets the original result.
    let r = send().await.unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["id"], list["items"][0]["id"]);
    assert_eq!(env.customer_count().await, 1);
}

#[tokio::test]
async fn random_faults_by_probability_and_delete_turns_them_off() {
    let env = env().await;
    env.set_faults(json!({"errorRate": 1.0})).await;
    for _ in 0..10 {
        let r = env.get("/v1/customers").send().await.unwrap();
        let s = r.status().as_u16();
        assert!(s == 500 || s == 503, "{s}");
        let b: Value = r.json().await.unwrap();
        assert_eq!(b["code"], s);
        assert_eq!(b["isRetryable"], true);
    }
    env.set_faults(json!({"throttleRate": 1.0, "retryAfterSeconds": 3}))
        .await;
    let r = env.get_throttled("/v1/customers").await;
    assert_eq!(r.headers()["retry-after"], "3");

    env.set_faults(json!({"dropAfterCreateRate": 1.0})).await;
    // Only committed creates are dropped: a failing create still answers.
    expect_error(env.create(&json!({})).await, 400, 3000).await;
    env.try_create(&customer("r2.onmicrosoft.com", "R"))
        .await
        .expect_err("dropped");
    assert_eq!(env.get_status("/v1/customers").await, 200);
    assert_eq!(env.customer_count().await, 1);

    let r = env.admin(Method::DELETE, "/_sandbox/faults", None).await;
    assert_eq!(r.status().as_u16(), 204);
    env.create_ok(&customer("r3.onmicrosoft.com", "R")).await;
    let state = env.fault_state().await;
    assert_eq!(state["dropAfterCreateRate"], 0.0);
    assert_eq!(state["errorRate"], 0.0);
}

#[tokio::test]
async fn latency_is_added() {
    let env = env().await;
    env.set_faults(json!({"latencyMs": 150})).await;
    let start = Instant::now();
    assert_eq!(env.get_status("/v1/customers").await, 200);
    assert!(start.elapsed() >= Duration::from_millis(150));
}

async fn in_flight_peak(env: &Env) -> u64 {
    env.health().await["inFlightPeak"]
        .as_u64()
        .expect("inFlightPeak")
}

#[tokio::test]
async fn health_counts_the_most_calls_served_at_once() {
    let env = env().await;
    env.set_faults(json!({"latencyMs": 200})).await;
    for _ in 0..3 {
        assert_eq!(env.get_status("/v1/customers").await, 200);
    }
    assert_eq!(in_flight_peak(&env).await, 1, "one after the other");
    let together = (0..8).map(|_| env.get_status("/v1/customers"));
    let statuses = futures::future::join_all(together).await;
    assert!(statuses.iter().all(|s| *s == 200));
    let peak = in_flight_peak(&env).await;
    assert!(
        (2..=8).contains(&peak),
        "eight sent at once overlap: peak {peak}"
    );
    env.admin(Method::POST, "/_sandbox/reset", None).await;
    assert_eq!(in_flight_peak(&env).await, 0, "reset starts the peak again");
}

#[tokio::test]
async fn faults_configured_at_start_and_cleared_by_reset() {
    let env = env_with(Config {
        faults: FaultConfig {
            error_rate: 1.0,
            ..FaultConfig::default()
        },
        ..Config::default()
    })
    .await;
    assert!(
        env.get("/v1/customers")
            .send()
            .await
            .unwrap()
            .status()
            .is_server_error()
    );
    // The admin API is exempt from faults.
    assert_eq!(
        env.admin(Method::GET, "/_sandbox/health", None)
            .await
            .status()
            .as_u16(),
        200
    );
    env.admin(Method::POST, "/_sandbox/reset", None).await;
    assert_eq!(env.get_status("/v1/customers").await, 200);
}

#[tokio::test]
async fn invalid_fault_configuration_is_rejected() {
    let env = env().await;
    for bad in [
        json!({"errorRate": 2.0}),
        json!({"throttleRate": "high"}),
        json!({"script": [{"fault": "explode"}]}),
        json!({"script": [{"status": 200}]}),
        json!({"script": [{"times": 0}]}),
        json!({"script": {}}),
        json!([]),
        // Misspelled keys, at the top and inside a script entry.
        json!({"errorRates": 0.5}),
        json!({"script": [{"fault": "status", "time": 2}]}),
    ] {
        let r = env
            .admin(Method::POST, "/_sandbox/faults", Some(bad.clone()))
            .await;
        expect_error(r, 400, 800002).await;
    }
    // Nothing was applied.
    assert_eq!(env.get_status("/v1/customers").await, 200);
}

async fn injected(env: &Env) -> Value {
    env.fault_state().await["injected"].clone()
}

#[tokio::test]
async fn injected_faults_are_counted_by_kind() {
    let env = env().await;
    let zero = json!({
        "500": 0, "503": 0, "429": 0, "drop_after_commit": 0, "malformed_json": 0,
        "wrong_types": 0, "truncated": 0, "html_502": 0, "invalid_utf8": 0, "huge_body": 0,
        "slow_body": 0, "stall_after_headers": 0
    });
    assert_eq!(injected(&env).await, zero, "every kind from 0");
    let state = env
        .set_faults(json!({"script": [
            {"path": "/v1/countryvalidationrules", "status": 502, "times": 2},
            {"path": "/v1/countryvalidationrules", "fault": "throttle"},
            {"path": "/v1/countryvalidationrules", "fault": "wrong_types"},
            {"method": "POST", "fault": "drop_after_commit"}
        ]}))
        .await;
    assert_eq!(state["injected"], zero, "POST answers with the counts too");
    for _ in 0..5 {
        let _ = env
            .get("/v1/countryvalidationrules/US")
            .send()
            .await
            .unwrap();
    }
    let dropped = env
        .try_create(&customer("counted.onmicrosoft.com", "C"))
        .await;
    assert!(dropped.is_err());
    let counts = injected(&env).await;
    assert_eq!(counts["502"], 2, "{counts}");
    assert_eq!(counts["429"], 1, "{counts}");
    assert_eq!(counts["wrong_types"], 1, "{counts}");
    assert_eq!(counts["drop_after_commit"], 1, "{counts}");
    assert_eq!(counts["500"], 0, "{counts}");

    // Random faults count under their status; a random drop only when it drops.
    env.set_faults(json!({"errorRate": 1.0})).await;
    for _ in 0..20 {
        let _ = env.get("/v1/customers").send().await.unwrap();
    }
    let counts = injected(&env).await;
    assert_eq!(counts["502"], json!(null), "POST started the counts again");
    let (c500, c503) = (
        counts["500"].as_u64().unwrap(),
        counts["503"].as_u64().unwrap(),
    );
    assert_eq!(c500 + c503, 20, "{counts}");
    assert!(c500 > 0 && c503 > 0, "an even split: {counts}");
    env.set_faults(json!({"throttleRate": 1.0, "dropAfterCreateRate": 1.0}))
        .await;
    let _ = env.get("/v1/customers").send().await.unwrap();
    env.set_faults(json!({"dropAfterCreateRate": 1.0})).await;
    expect_error(env.create(&json!({})).await, 400, 3000).await;
    let dropped = env
        .try_create(&customer("random-drop.onmicrosoft.com", "R"))
        .await;
    assert!(dropped.is_err());
    let counts = injected(&env).await;
    assert_eq!(
        (counts["429"].clone(), counts["drop_after_commit"].clone()),
        (json!(0), json!(1)),
        "a failing create is not dropped: {counts}"
    );

    // DELETE and reset start again too.
    let r = env.admin(Method::DELETE, "/_sandbox/faults", None).await;
    assert_eq!(r.status().as_u16(), 204);
    assert_eq!(injected(&env).await, zero);
    env.set_faults(json!({"throttleRate": 1.0})).await;
    let _ = env.get("/v1/customers").send().await.unwrap();
    assert_eq!(injected(&env).await["429"], 1);
    env.admin(Method::POST, "/_sandbox/reset", None).await;
    assert_eq!(injected(&env).await, zero);
}
