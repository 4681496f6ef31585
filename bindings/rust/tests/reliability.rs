//! Request ids, retries, Retry-After and idempotent replays, against the emulator's faults.

mod common;

use std::time::{Duration, Instant};

use common::*;
use futures::TryStreamExt;
use partner_center::{ErrorKind, RetryPolicy};
use serde_json::json;

#[tokio::test]
async fn each_call_gets_a_fresh_request_id_and_the_clients_correlation_id() {
    let emu = emulator().await;
    let client = client(&emu);
    let first = client
        .country_validation_rules()
        .get("US")
        .send_with_response()
        .await
        .unwrap();
    let second = client
        .country_validation_rules()
        .get("US")
        .send_with_response()
        .await
        .unwrap();
    assert_ne!(
        first.request_id, second.request_id,
        "a new MS-RequestId per logical call"
    );
    for response in [&first, &second] {
        assert!(
            uuid::Uuid::parse_str(&response.request_id).is_ok_and(|u| u.get_version_num() == 4)
        );
        assert_eq!(
            response.header("MS-RequestId"),
            Some(response.request_id.as_str())
        );
        assert_eq!(
            response.header("MS-CorrelationId"),
            Some(client.correlation_id())
        );
    }
    let pinned = builder(&emu)
        .correlation_id("0dd197a8-992c-44ca-aeae-21cd83494dce")
        .build()
        .unwrap();
    let r = pinned
        .country_validation_rules()
        .get("US")
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(
        r.header("MS-CorrelationId"),
        Some("0dd197a8-992c-44ca-aeae-21cd83494dce")
    );
}

#[tokio::test]
async fn a_create_dropped_after_commit_is_retried_with_the_same_request_id_and_not_duplicated() {
    let emu = emulator().await;
    let client = client(&emu);
    set_faults(&emu, json!({"script": [{"method": "POST", "path": "/v1/customers", "fault": "drop_after_commit"}]})).await;
    let domain = unique_domain("replay");
    let response = client
        .customers()
        .create(&new_customer(&domain))
        .send_with_response()
        .await
        .expect("the retry succeeds");
    assert!(
        response.status == 201,
        "the replay answers as the first create did: {}",
        response.status
    );

    // The service committed the first attempt; the retry (same MS-RequestId) must not have made another.
    let all: Vec<_> = client
        .customers()
        .list()
        .stream()
        .try_collect()
        .await
        .unwrap();
    let with_domain = all
        .iter()
        .filter(|c| {
            c.company_profile
                .as_ref()
                .is_some_and(|p| p.domain.eq_ignore_ascii_case(&domain))
        })
        .count();
    assert_eq!(with_domain, 1, "exactly one customer for {domain}");
    assert_eq!(
        Some(response.data.id),
        Some(
            all.iter()
                .find(|c| c
                    .company_profile
                    .as_ref()
                    .is_some_and(|p| p.domain.eq_ignore_ascii_case(&domain)))
                .and_then(|c| c.id)
        )
    );
}

#[tokio::test]
async fn replaying_a_create_with_the_same_request_id_returns_the_first_customer() {
    let emu = emulator().await;
    let client = client(&emu);
    let body = new_customer(&unique_domain("idem"));
    let request_id = uuid::Uuid::new_v4().to_string();
    let first = client
        .customers()
        .create(&body)
        .request_id(request_id.clone())
        .await
        .unwrap();
    let again = client
        .customers()
        .create(&body)
        .request_id(request_id.clone())
        .await
        .unwrap();
    assert_eq!(first.id, again.id);
    let other = new_customer(&unique_domain("idem-other"));
    let conflict = client
        .customers()
        .create(&other)
        .request_id(request_id)
        .await
        .unwrap_err();
    assert_eq!(conflict.kind(), ErrorKind::Conflict, "{conflict}");
}

#[tokio::test]
async fn transient_server_errors_are_retried_then_succeed() {
    let emu = emulator().await;
    let client = client(&emu);
    set_faults(&emu, json!({"script": [{"path": "/v1/countryvalidationrules", "fault": "status", "status": 503, "times": 2}]})).await;
    let response = client
        .country_validation_rules()
        .get("US")
        .send_with_response()
        .await
        .expect("third attempt succeeds");
    assert_eq!(response.status, 200);
}

#[tokio::test]
async fn retries_give_up_after_the_policy_and_report_the_last_error() {
    let emu = emulator().await;
    let client = client(&emu);
    set_faults(&emu, json!({"script": [{"path": "/v1/countryvalidationrules", "fault": "status", "status": 500, "times": 5}]})).await;
    let err = client
        .country_validation_rules()
        .get("US")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.status(), Some(500));
    assert!(err.is_retryable());
    // Three attempts used three of the five scripted faults: two are left for this call.
    let once = client
        .country_validation_rules()
        .get("US")
        .retry(RetryPolicy::none())
        .await
        .unwrap_err();
    assert_eq!(once.status(), Some(500));
    client
        .country_validation_rules()
        .get("US")
        .retry(RetryPolicy::none())
        .await
        .unwrap_err();
    client
        .country_validation_rules()
        .get("US")
        .retry(RetryPolicy::none())
        .await
        .expect("the script is used up");
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let emu = emulator().await;
    let client = client(&emu);
    set_faults(&emu, json!({"script": [{"path": "/v1/countryvalidationrules", "fault": "throttle", "retryAfterSeconds": 1}]})).await;
    let started = Instant::now();
    client
        .country_validation_rules()
        .get("US")
        .await
        .expect("succeeds after waiting");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited {:?}, less than Retry-After",
        started.elapsed()
    );
}

#[tokio::test]
async fn throttling_without_retries_reports_retry_after() {
    let emu = emulator().await;
    let client = client(&emu);
    set_faults(
        &emu,
        json!({"script": [{"fault": "throttle", "retryAfterSeconds": 7}]}),
    )
    .await;
    let err = client
        .country_validation_rules()
        .get("US")
        .retry(RetryPolicy::none())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Throttled);
    assert_eq!(err.status(), Some(429));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let emu = emulator().await;
    let client = client(&emu);
    let missing = uuid::Uuid::new_v4();
    let err = client.customers().get(missing).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(!err.is_retryable());
    // One scripted 400, then the real answer (200): with the default policy (3 attempts), a
    // client that retried a 4xx would end with the 200.
    set_faults(
        &emu,
        json!({"script": [{"path": "/v1/countryvalidationrules", "fault": "status", "status": 400}]}),
    )
    .await;
    let bad = client
        .country_validation_rules()
        .get("US")
        .await
        .unwrap_err();
    assert_eq!(bad.status(), Some(400), "a 400 is the answer, not retried");
    client
        .country_validation_rules()
        .get("US")
        .await
        .expect("the scripted fault was used by exactly one attempt");
}

#[tokio::test]
async fn per_call_timeout_gives_a_timeout_error() {
    let emu = emulator().await;
    let client = client(&emu);
    set_faults(&emu, json!({"latencyMs": 2000})).await;
    let err = client
        .country_validation_rules()
        .get("US")
        .timeout(Duration::from_millis(100))
        .retry(RetryPolicy::none())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(err.is_retryable());
}
