//! `ClientBuilder::call_log`: each attempt of a call reaches the client's own sink, against the
//! emulator's faults.

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use partner_center::{CallEvent, CallLog, LogLevel};
use serde_json::json;

/// (level, operation, method, path, status, attempt) of an event.
type Seen = (LogLevel, String, String, String, Option<u16>, u32);

/// Keeps every event it is given.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<Seen>>>);

impl CallLog for Captured {
    fn enabled(&self, _level: LogLevel) -> bool {
        true
    }

    fn log(&self, e: &CallEvent<'_>) {
        self.0.lock().unwrap().push((
            e.level(),
            e.operation.to_owned(),
            e.method.to_owned(),
            e.path.to_owned(),
            e.status,
            e.attempt,
        ));
    }
}

#[tokio::test]
async fn every_attempt_reaches_the_builders_call_log_and_a_retry_is_a_warning() {
    let emu = emulator().await;
    let captured = Captured::default();
    let client = builder(&emu).call_log(captured.clone()).build().unwrap();
    set_faults(&emu, json!({"script": [{"path": "/v1/countryvalidationrules", "fault": "status", "status": 503, "times": 1}]})).await;
    client.country_validation_rules().get("US").await.unwrap();

    let events = captured.0.lock().unwrap().clone();
    let expected = |level, status, attempt| {
        (
            level,
            "getCountryValidationRules".to_owned(),
            "GET".to_owned(),
            "/v1/countryvalidationrules/US".to_owned(),
            Some(status),
            attempt,
        )
    };
    assert_eq!(
        events,
        [
            expected(LogLevel::Warn, 503, 1),
            expected(LogLevel::Debug, 200, 2)
        ]
    );
}
