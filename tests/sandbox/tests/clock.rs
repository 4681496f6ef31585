//! The emulator's clock and its admin call: GET shows it, POST moves it forward (days and
//! seconds), reset brings it back to real time; bad bodies are 400 800002.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{Value, json};

async fn clock(env: &Env) -> Value {
    let (status, v) = status_json(env.admin(Method::GET, "/_sandbox/clock", None).await).await;
    assert_eq!(status, 200, "{v}");
    v
}

fn secs(v: &Value) -> i64 {
    sandbox::datetime::parse(v["now"].as_str().unwrap())
        .unwrap()
        .secs()
}

#[tokio::test]
async fn the_clock_moves_forward_and_reset_brings_it_back() {
    let env = env().await;
    let start = clock(&env).await;
    assert_eq!(start["offsetSeconds"], 0);
    let moved = env
        .admin_ok(
            "/_sandbox/clock",
            json!({"advanceDays": 2, "advanceSeconds": 30}),
        )
        .await;
    assert_eq!(moved["offsetSeconds"], 2 * 86_400 + 30);
    assert!(secs(&moved) - secs(&start) >= 2 * 86_400 + 30);
    let moved = env
        .admin_ok("/_sandbox/clock", json!({"AdvanceSeconds": 10}))
        .await;
    assert_eq!(moved["offsetSeconds"], 2 * 86_400 + 40);
    assert_eq!(clock(&env).await["offsetSeconds"], 2 * 86_400 + 40);

    assert_eq!(
        env.admin(Method::POST, "/_sandbox/reset", None)
            .await
            .status()
            .as_u16(),
        204
    );
    let back = clock(&env).await;
    assert_eq!(back["offsetSeconds"], 0);
    assert!((secs(&back) - secs(&start)).abs() < 60);
}

#[tokio::test]
async fn the_clock_never_goes_back() {
    let env = env().await;
    for body in [
        json!({}),
        json!({"advanceDays": -1}),
        json!({"advanceSeconds": -5}),
        json!({"advanceDays": 1.5}),
        json!({"advanceDays": "1"}),
        json!({"advanceDays": 36_501}),
        json!({"advanceDays": 1, "rewind": true}),
    ] {
        expect_error(
            env.admin(Method::POST, "/_sandbox/clock", Some(body)).await,
            400,
            800002,
        )
        .await;
    }
    assert_eq!(clock(&env).await["offsetSeconds"], 0);
}
