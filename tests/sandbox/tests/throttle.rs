//! The per-token throttle changed at run time (`GET`/`POST /_sandbox/throttle`).

mod common;

use std::time::Duration;

use common::*;
use reqwest::Method;
use sandbox::Config;
use serde_json::{Value, json};

async fn throttle(env: &Env, body: Option<Value>) -> (u16, Value) {
    let method = if body.is_some() {
        Method::POST
    } else {
        Method::GET
    };
    status_json(env.admin(method, "/_sandbox/throttle", body).await).await
}

/// The start configuration (3 a minute) with nothing counted yet: three calls pass, the
/// fourth is throttled.
async fn assert_three_a_minute_from_zero(env: &Env) {
    assert_eq!(
        throttle(env, None).await,
        (200, json!({"limit": 3, "windowMs": 60000}))
    );
    for _ in 0..3 {
        assert_eq!(env.get_status("/v1/customers").await, 200);
    }
    assert_eq!(env.get_status("/v1/customers").await, 429);
}

#[tokio::test]
async fn the_window_and_limit_change_at_run_time_and_reset_restores_them() {
    let env = env_with(Config {
        throttle_per_minute: 3,
        ..Config::default()
    })
    .await;
    assert_three_a_minute_from_zero(&env).await;

    // A short window: two per 400 ms; changing it starts every window afresh.
    assert_eq!(
        throttle(&env, Some(json!({"limit": 2, "WindowMs": 400}))).await,
        (200, json!({"limit": 2, "windowMs": 400}))
    );
    assert_eq!(env.get_status("/v1/customers").await, 200);
    assert_eq!(env.get_status("/v1/customers").await, 200);
    let r = env.get_throttled("/v1/customers").await;
    assert_eq!(r.headers()["retry-after"], "1", "rounded up to a second");
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert_eq!(env.get_status("/v1/customers").await, 200, "a new window");

    // windowMs defaults to a minute; limit 0 is off.
    assert_eq!(
        throttle(&env, Some(json!({"limit": 0}))).await,
        (200, json!({"limit": 0, "windowMs": 60000}))
    );
    for _ in 0..20 {
        assert_eq!(env.get_status("/v1/customers").await, 200);
    }
    assert_eq!(
        throttle(&env, Some(json!({"limit": 1}))).await,
        (200, json!({"limit": 1, "windowMs": 60000}))
    );
    assert_eq!(env.get_status("/v1/customers").await, 200);
    let retry = retry_after(&env.get_throttled("/v1/customers").await);
    assert!((59..=60).contains(&retry), "{retry}");

    // Reset: the start configuration, counts cleared.
    env.admin(Method::POST, "/_sandbox/reset", None).await;
    assert_three_a_minute_from_zero(&env).await;
}

#[tokio::test]
async fn invalid_throttle_settings_are_refused() {
    let env = env().await;
    for bad in [
        json!({"windowMs": 1000}),
        json!({"limit": -1}),
        json!({"limit": "many"}),
        json!({"limit": 4_294_967_296u64}),
        json!({"limit": 5, "windowMs": 0}),
        json!({"limit": 5, "windowMs": 86_400_001}),
        json!({"limit": 5, "window": 1000}),
        json!([]),
    ] {
        let r = env
            .admin(Method::POST, "/_sandbox/throttle", Some(bad.clone()))
            .await;
        expect_error(r, 400, 800002).await;
    }
    assert_eq!(
        throttle(&env, None).await,
        (200, json!({"limit": 500, "windowMs": 60000})),
        "nothing changed"
    );
}
