//! What the transport tells `tracing`: a span per call, an event per attempt, never a secret.

mod common;

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Reply, TestServer};
use sdk_runtime::reqwest::Method;
use sdk_runtime::{Request, RequestOptions, RetryPolicy, StaticToken, Transport, TransportConfig};
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Records every span and event as one line of `name field=value ...`.
#[derive(Clone, Default)]
struct Capture {
    lines: Arc<Mutex<Vec<String>>>,
    next_id: Arc<AtomicU64>,
}

struct Line<'a>(&'a mut String);

impl Visit for Line<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl Capture {
    fn push(&self, line: String) {
        if let Ok(mut l) = self.lines.lock() {
            l.push(line);
        }
    }

    fn lines(&self) -> Vec<String> {
        self.lines.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut line = format!("span {}", span.metadata().name());
        span.record(&mut Line(&mut line));
        self.push(line);
        Id::from_u64(self.next_id.fetch_add(1, Ordering::SeqCst) + 1)
    }

    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut line = String::from("record");
        values.record(&mut Line(&mut line));
        self.push(line);
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut line = format!("event {}", event.metadata().level());
        event.record(&mut Line(&mut line));
        self.push(line);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

#[tokio::test]
async fn span_per_call_event_per_attempt_and_no_secrets() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());

    let server = TestServer::start().await;
    server.push([
        Reply::new(503, "secret-response-body"),
        Reply::json(200, json!({"password": "p4ss"})),
    ]);
    let t = Transport::new(TransportConfig {
        token: Some(Arc::new(StaticToken::new("tok-very-secret"))),
        retry: RetryPolicy::default()
            .with_initial_backoff(Duration::from_millis(1))
            .with_max_backoff(Duration::from_millis(1)),
        request_id_header: Some("X-Request-Id".into()),
        ..TransportConfig::new(&server.base)
    })
    .expect("transport");
    let req = Request::new("createThing", Method::POST, "/things")
        .query("filter", "query-secret")
        .body(&b"{\"pw\":\"body-secret\"}"[..]);
    let opts = RequestOptions::default().with_request_id("rid-42");
    t.execute(req, &opts).await.expect("ok on retry");

    let lines = capture.lines();
    let all = lines.join("\n");
    let spans: Vec<_> = lines
        .iter()
        .filter(|l| l.starts_with("span http_call"))
        .collect();
    assert_eq!(spans.len(), 1, "{all}");
    assert!(spans[0].contains("operation=\"createThing\""), "{all}");
    assert!(spans[0].contains("request_id=\"rid-42\""), "{all}");
    let attempts: Vec<_> = lines
        .iter()
        .filter(|l| l.starts_with("event") && l.contains("attempt=") && l.contains("elapsed_ms="))
        .collect();
    assert_eq!(attempts.len(), 2, "{all}");
    // The retried attempt is a warning, the answer debug.
    assert!(
        attempts[0].starts_with("event WARN")
            && attempts[0].contains("attempt=1")
            && attempts[0].contains("status=503")
            && attempts[0].contains("delay_ms="),
        "{all}"
    );
    assert!(
        attempts[1].starts_with("event DEBUG")
            && attempts[1].contains("attempt=2")
            && attempts[1].contains("status=200")
            && attempts[1].contains("path=\"/things\""),
        "{all}"
    );
    for secret in [
        "tok-very-secret",
        "Bearer",
        "body-secret",
        "p4ss",
        "secret-response-body",
        "query-secret",
        "filter",
    ] {
        assert!(
            !all.contains(secret),
            "{secret} leaked into tracing:\n{all}"
        );
    }
}
