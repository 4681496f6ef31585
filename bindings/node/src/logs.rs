//! Call events → a JavaScript function (`lib/runtime.js` hands each to the client's `logger`).
//!
//! The function is reached through a threadsafe function that never blocks the calling thread (a
//! tokio worker: the event is queued for the JS thread, which may be busy) and is weak (a client
//! with a logger does not keep Node's event loop alive). When the client's JS environment goes away
//! (a `worker_threads` worker terminated, the process exiting), Node closes the function and later
//! events are dropped. The level is fixed when the log is set: an event below it costs one
//! comparison and is never built.

use napi::Status;
use napi::bindgen_prelude::Unknown;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use sdk_runtime::{CallEvent, CallLog, LogLevel};

/// One attempt of a call, as the log function receives it.
#[napi(object)]
pub struct NativeLogEvent {
    /// `"debug"` (the call's answer, or a 401 retried with a fresh token), `"info"` (a failed
    /// call's end) or `"warn"` (a retry).
    pub level: String,
    /// Readable, e.g. `listCustomers GET /v1/customers: 503 in 2.1 ms (attempt 1 of 3, request …);
    /// retrying in 412 ms`.
    pub message: String,
    /// The operationId.
    pub operation: String,
    pub method: String,
    /// The URL's path; never its query string.
    pub path: String,
    /// The answer's HTTP status, when one arrived.
    pub status: Option<u32>,
    /// The error kind the attempt ended in (`server`, `throttled`, `timeout`, `transport`, …).
    pub error: Option<String>,
    /// 1-based.
    pub attempt: u32,
    pub request_id: String,
    pub duration_ms: f64,
    /// For a retry: the wait before the next attempt.
    pub retry_in_ms: Option<f64>,
    /// For a retry the server asked to wait for: its Retry-After.
    pub retry_after_ms: Option<f64>,
}

fn millis(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

impl From<&CallEvent<'_>> for NativeLogEvent {
    fn from(e: &CallEvent<'_>) -> Self {
        Self {
            level: e.level().as_str().to_string(),
            message: e.to_string(),
            operation: e.operation.to_string(),
            method: e.method.to_string(),
            path: e.path.to_string(),
            status: e.status.map(u32::from),
            error: e.error.map(|kind| kind.as_str().to_string()),
            attempt: e.attempt,
            request_id: e.request_id.to_string(),
            duration_ms: e.duration_ms(),
            retry_in_ms: e.retry_in().map(millis),
            retry_after_ms: e.retry_after().map(millis),
        }
    }
}

/// The JS log function: called with one event, from any thread, never keeping Node alive.
pub type LogFn =
    ThreadsafeFunction<NativeLogEvent, Unknown<'static>, NativeLogEvent, Status, false, true>;

/// `"debug"`, `"info"`, `"warn"` as a level.
pub fn level(name: &str) -> Option<LogLevel> {
    LogLevel::ALL.into_iter().find(|l| l.as_str() == name)
}

/// A client's log: events at `min` and above go to `log`.
pub struct JsLog {
    pub min: LogLevel,
    pub log: LogFn,
}

impl CallLog for JsLog {
    fn enabled(&self, level: LogLevel) -> bool {
        level >= self.min
    }

    fn log(&self, event: &CallEvent<'_>) {
        // Closing (the environment is going away): nobody is left to tell.
        let _ = self.log.call(
            NativeLogEvent::from(event),
            ThreadsafeFunctionCallMode::NonBlocking,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_by_name() {
        assert_eq!(level("debug"), Some(LogLevel::Debug));
        assert_eq!(level("info"), Some(LogLevel::Info));
        assert_eq!(level("warn"), Some(LogLevel::Warn));
        assert_eq!(level("error"), None);
        assert_eq!(level("WARN"), None);
    }

    #[test]
    fn events_carry_their_fields() {
        let e = CallEvent {
            operation: "getCustomer",
            method: "GET",
            path: "/v1/customers/x",
            attempt: 2,
            max_attempts: 3,
            request_id: "rid",
            status: Some(429),
            error: Some(sdk_runtime::ErrorKind::Throttled),
            duration: std::time::Duration::from_millis(3),
            next: sdk_runtime::Next::Retry {
                delay: std::time::Duration::from_secs(1),
                retry_after: Some(std::time::Duration::from_secs(1)),
            },
        };
        let n = NativeLogEvent::from(&e);
        assert_eq!(
            (n.level.as_str(), n.status, n.attempt),
            ("warn", Some(429), 2)
        );
        assert_eq!(n.error.as_deref(), Some("throttled"));
        assert_eq!(
            (n.retry_in_ms, n.retry_after_ms),
            (Some(1000.0), Some(1000.0))
        );
        assert!(n.message.contains("Retry-After"), "{}", n.message);
    }
}
