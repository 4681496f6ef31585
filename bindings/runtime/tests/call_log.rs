//! A client's call log: one event per attempt, at the level of what followed it, with the fields a
//! log needs and nothing secret; a level nobody wants is never built.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use common::{Reply, TestServer, closed_port, quick_transport};
use sdk_runtime::reqwest::Method;
use sdk_runtime::{
    CallEvent, CallLog, ErrorKind, LogLevel, Next, Request, RequestOptions, TokenProvider,
    TokenRequest, Transport, TransportConfig,
};
use serde_json::json;

/// What the sink kept of an event: every field, owned, and its message.
#[derive(Clone, Debug)]
struct Seen {
    level: LogLevel,
    operation: String,
    method: String,
    path: String,
    attempt: u32,
    request_id: String,
    status: Option<u16>,
    error: Option<ErrorKind>,
    next: Next,
    message: String,
}

/// Keeps the events at `min` and above; counts how often it was asked.
struct Capture {
    min: LogLevel,
    seen: Mutex<Vec<Seen>>,
    asked: AtomicUsize,
}

impl Capture {
    fn new(min: LogLevel) -> Arc<Self> {
        Arc::new(Self {
            min,
            seen: Mutex::new(Vec::new()),
            asked: AtomicUsize::new(0),
        })
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl CallLog for Capture {
    fn enabled(&self, level: LogLevel) -> bool {
        self.asked.fetch_add(1, Ordering::SeqCst);
        level >= self.min
    }

    fn log(&self, e: &CallEvent<'_>) {
        assert!(e.level() >= self.min, "an event of a level not asked for");
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Seen {
                level: e.level(),
                operation: e.operation.to_string(),
                method: e.method.to_string(),
                path: e.path.to_string(),
                attempt: e.attempt,
                request_id: e.request_id.to_string(),
                status: e.status,
                error: e.error,
                next: e.next,
                message: e.to_string(),
            });
    }
}

fn logged(base: &str, attempts: u32, min: LogLevel) -> (Transport, Arc<Capture>) {
    let t = quick_transport(base, attempts);
    let capture = Capture::new(min);
    t.set_call_log(capture.clone()).expect("first sink");
    (t, capture)
}

fn list() -> Request {
    Request::new("listThings", Method::GET, "/v1/things")
        .query("filter", "marker-in-query")
        .query("size", "7")
}

#[tokio::test]
async fn one_event_per_attempt_with_levels_and_fields() {
    let server = TestServer::start().await;
    server.push([
        Reply::new(503, "busy"),
        Reply::new(429, "slow down").header("Retry-After", "0"),
        Reply::json(200, json!({"items": []})),
    ]);
    let (t, log) = logged(&server.base, 3, LogLevel::Debug);
    let opts = RequestOptions::default().with_request_id("rid-7");
    t.execute(list(), &opts)
        .await
        .expect("answered on the third attempt");

    let seen = log.seen();
    assert_eq!(seen.len(), 3, "{seen:#?}");
    for (i, e) in seen.iter().enumerate() {
        assert_eq!(e.attempt, i as u32 + 1);
        assert_eq!(
            (e.operation.as_str(), e.method.as_str(), e.path.as_str()),
            ("listThings", "GET", "/v1/things")
        );
        assert_eq!(e.request_id, "rid-7");
        assert!(!e.message.contains("marker-in-query"), "{}", e.message);
        assert!(!e.message.contains("size"), "{}", e.message);
    }
    assert_eq!(
        (seen[0].level, seen[0].status, seen[0].error),
        (LogLevel::Warn, Some(503), Some(ErrorKind::Server))
    );
    assert!(matches!(
        seen[0].next,
        Next::Retry {
            retry_after: None,
            ..
        }
    ));
    // Throttled: a warning that carries the server's Retry-After.
    assert_eq!(
        (seen[1].level, seen[1].status, seen[1].error),
        (LogLevel::Warn, Some(429), Some(ErrorKind::Throttled))
    );
    assert_eq!(
        seen[1].next,
        Next::Retry {
            delay: Duration::ZERO,
            retry_after: Some(Duration::ZERO)
        }
    );
    assert!(
        seen[1].message.ends_with("as Retry-After asks"),
        "{}",
        seen[1].message
    );
    assert_eq!(
        (seen[2].level, seen[2].status, seen[2].error, seen[2].next),
        (LogLevel::Debug, Some(200), None, Next::Answer)
    );
    assert!(
        seen[2]
            .message
            .starts_with("listThings GET /v1/things: 200 in "),
        "{}",
        seen[2].message
    );
}

#[tokio::test]
async fn a_failed_call_ends_with_info_and_disabled_levels_are_not_built() {
    let server = TestServer::start().await;
    server.push([Reply::new(500, "a"), Reply::new(500, "b")]);
    // Warnings only: the retry is there, the final failure (info) is not.
    let (t, log) = logged(&server.base, 2, LogLevel::Warn);
    let err = t
        .execute(list(), &RequestOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500));
    let seen = log.seen();
    assert_eq!(seen.len(), 1, "{seen:#?}");
    assert_eq!((seen[0].level, seen[0].attempt), (LogLevel::Warn, 1));
    assert_eq!(
        log.asked.load(Ordering::SeqCst),
        2,
        "asked once per attempt"
    );

    // Info: a 404 is not retried; the call's end is information.
    server.push([Reply::new(404, "{}")]);
    let (t, log) = logged(&server.base, 3, LogLevel::Info);
    let get = Request::new("getThing", Method::GET, "/v1/things/a%20b");
    t.execute(get, &RequestOptions::default())
        .await
        .unwrap_err();
    let seen = log.seen();
    assert_eq!(seen.len(), 1, "{seen:#?}");
    assert_eq!(
        (seen[0].level, seen[0].status, seen[0].error, seen[0].next),
        (
            LogLevel::Info,
            Some(404),
            Some(ErrorKind::NotFound),
            Next::Fail
        )
    );
    assert_eq!(seen[0].path, "/v1/things/a%20b");
    assert!(
        seen[0].message.ends_with("; the call fails (not_found)"),
        "{}",
        seen[0].message
    );

    // A connection that cannot be made: transport errors, retried (warn), then the failure (info).
    let (t, log) = logged(
        &format!("http://127.0.0.1:{}", closed_port()),
        2,
        LogLevel::Debug,
    );
    t.execute(list(), &RequestOptions::default())
        .await
        .unwrap_err();
    let levels: Vec<_> = log
        .seen()
        .iter()
        .map(|e| (e.level, e.status, e.error))
        .collect();
    assert_eq!(
        levels,
        [
            (LogLevel::Warn, None, Some(ErrorKind::Transport)),
            (LogLevel::Info, None, Some(ErrorKind::Transport))
        ]
    );
}

#[tokio::test]
async fn timeouts_and_fresh_tokens() {
    let server = TestServer::start().await;
    server.push([Reply::json(200, json!({})).delay(Duration::from_millis(300))]);
    let (t, log) = logged(&server.base, 1, LogLevel::Debug);
    let opts = RequestOptions::default().with_timeout(Duration::from_millis(50));
    t.execute(list(), &opts).await.unwrap_err();
    let seen = log.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        (seen[0].level, seen[0].status, seen[0].error),
        (LogLevel::Info, None, Some(ErrorKind::Timeout))
    );

    /// Hands out a new token each time, so a 401 is answered by a fresh one.
    struct Counting(AtomicUsize);
    impl TokenProvider for Counting {
        fn token<'a>(
            &'a self,
            _: &'a TokenRequest,
        ) -> sdk_runtime::BoxFuture<'a, Result<sdk_runtime::Secret, sdk_runtime::Error>> {
            let n = self.0.fetch_add(1, Ordering::SeqCst);
            Box::pin(async move { Ok(sdk_runtime::Secret::new(format!("bearer-secret-{n}"))) })
        }
        fn can_refresh(&self) -> bool {
            true
        }
    }
    server.push([Reply::new(401, "expired"), Reply::json(200, json!({}))]);
    let t = Transport::new(TransportConfig {
        token: Some(Arc::new(Counting(AtomicUsize::new(0)))),
        ..TransportConfig::new(&server.base)
    })
    .expect("transport");
    let log = Capture::new(LogLevel::Debug);
    t.set_call_log(log.clone()).expect("sink");
    t.execute(list(), &RequestOptions::default())
        .await
        .expect("answered with the fresh token");
    let seen = log.seen();
    let summary: Vec<_> = seen
        .iter()
        .map(|e| (e.level, e.attempt, e.status, e.next))
        .collect();
    assert_eq!(
        summary,
        [
            (LogLevel::Debug, 1, Some(401), Next::Reauthorize),
            (LogLevel::Debug, 1, Some(200), Next::Answer)
        ]
    );
    for e in &seen {
        assert!(!e.message.contains("bearer-secret"), "{}", e.message);
    }
    // One sink per client.
    assert!(t.set_call_log(Capture::new(LogLevel::Debug)).is_err());
}
