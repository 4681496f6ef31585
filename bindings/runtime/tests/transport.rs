//! The transport over real HTTP against a local scripted server.

mod common;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

use common::{Reply, TestServer, closed_port};
use sdk_runtime::reqwest::Method;
use sdk_runtime::{
    BoxFuture, ClientSecretCredential, CredentialOptions, Error, ErrorKind, RefreshTokenCredential,
    Request, RequestOptions, RetryPolicy, Secret, StaticToken, TokenProvider, TokenRequest,
    Transport, TransportConfig, Validate, Validator,
};
use serde_json::json;

const RID: &str = "X-Request-Id";
const CID: &str = "X-Correlation-Id";

/// Retries without real waiting, unless a test wants it.
fn fast_retry(attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts: attempts,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(2),
        max_retry_after: Duration::from_secs(60),
    }
}

fn config(base: &str) -> TransportConfig {
    TransportConfig {
        token: Some(Arc::new(StaticToken::new("tok-123"))),
        retry: fast_retry(3),
        request_id_header: Some(RID.into()),
        correlation_id_header: Some(CID.into()),
        ..TransportConfig::new(base)
    }
}

fn transport(cfg: TransportConfig) -> Transport {
    Transport::new(cfg).expect("transport")
}

fn get(path: &str) -> Request {
    Request::new("getThing", Method::GET, path)
}

async fn call(t: &Transport, req: Request) -> Result<sdk_runtime::RawResponse, Error> {
    t.execute(req, &RequestOptions::default()).await
}

fn gap(a: &common::Recorded, b: &common::Recorded) -> Duration {
    b.at.duration_since(a.at)
}

#[tokio::test]
async fn sends_ids_default_and_per_call_headers_and_bearer() {
    let server = TestServer::start().await;
    server.push([Reply::json(201, json!({"ok": true}))]);
    let t = transport(TransportConfig {
        correlation_id: Some("corr-1".into()),
        default_headers: vec![
            ("X-Locale".into(), "en-US".into()),
            ("X-App".into(), "default-app".into()),
            ("X-Op".into(), "default-op".into()),
        ],
        ..config(&format!("{}/api/", server.base))
    });
    let req = Request::new("createThing", Method::POST, "/v1/things/a%20b")
        .query("size", "10")
        .query("filter", "x y")
        .header("X-Op", "from-request")
        .body(br#"{"name":"n"}"#.to_vec());
    let opts = RequestOptions::default().with_header("x-app", "per-call-app");
    let resp = t.execute(req, &opts).await.expect("call succeeds");

    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.uri, "/api/v1/things/a%20b?size=10&filter=x+y");
    assert_eq!(r.header("authorization").as_deref(), Some("Bearer tok-123"));
    assert_eq!(r.header("accept").as_deref(), Some("application/json"));
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(r.header(CID).as_deref(), Some("corr-1"));
    assert_eq!(r.header("x-locale").as_deref(), Some("en-US"));
    assert_eq!(r.header("x-app").as_deref(), Some("per-call-app"));
    assert_eq!(r.header("x-op").as_deref(), Some("from-request"));
    assert_eq!(r.headers.get_all("x-app").iter().count(), 1);
    assert!(
        r.header("user-agent")
            .is_some_and(|ua| ua.starts_with("sdk-runtime/"))
    );
    assert_eq!(&r.body[..], br#"{"name":"n"}"#);
    let rid = r.header(RID).expect("request id sent");
    assert!(uuid::Uuid::parse_str(&rid).is_ok(), "{rid}");

    assert_eq!(resp.status, 201);
    assert_eq!(resp.attempts, 1);
    assert_eq!(resp.request_id, rid);
    assert_eq!(resp.correlation_id.as_deref(), Some("corr-1"));
    assert_eq!(
        resp.json::<serde_json::Value>().ok(),
        Some(json!({"ok": true}))
    );
}

#[tokio::test]
async fn get_without_body_sends_no_content_type_and_custom_user_agent() {
    let server = TestServer::start().await;
    let t = transport(TransportConfig {
        user_agent: Some("my-sdk/1.2".into()),
        ..config(&server.base)
    });
    call(&t, get("/x")).await.expect("ok");
    let r = &server.requests()[0];
    assert_eq!(r.header("content-type"), None);
    assert_eq!(r.header("user-agent").as_deref(), Some("my-sdk/1.2"));
    // Correlation id defaults to one UUID per transport.
    assert_eq!(r.header(CID).as_deref(), Some(t.correlation_id()));
}

#[tokio::test]
async fn request_id_is_reused_across_retries_and_fresh_per_call() {
    let server = TestServer::start().await;
    server.push([
        Reply::json(
            503,
            json!({"code": 503, "description": "busy", "isRetryable": true}),
        ),
        Reply::new(502, "bad gateway"),
        Reply::json(200, json!({})),
    ]);
    let t = transport(config(&server.base));
    let resp = call(&t, get("/x")).await.expect("third attempt succeeds");
    assert_eq!(resp.attempts, 3);
    call(&t, get("/x")).await.expect("second call");
    let custom = RequestOptions::default().with_request_id("my-id");
    call_with(&t, get("/x"), &custom).await.expect("third call");

    let ids: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.header(RID).expect("id"))
        .collect();
    assert_eq!(ids.len(), 5);
    assert_eq!(ids[0], ids[1]);
    assert_eq!(ids[1], ids[2]);
    assert_eq!(resp.request_id, ids[0]);
    assert_ne!(ids[3], ids[0], "a new logical call gets a new id");
    assert_eq!(ids[4], "my-id");
}

async fn call_with(
    t: &Transport,
    req: Request,
    opts: &RequestOptions,
) -> Result<sdk_runtime::RawResponse, Error> {
    t.execute(req, opts).await
}

#[tokio::test]
async fn body_is_resent_on_retries() {
    let server = TestServer::start().await;
    server.push([Reply::new(500, ""), Reply::json(200, json!({}))]);
    let t = transport(config(&server.base));
    let req = Request::new("create", Method::POST, "/c")
        .json(&json!({"a": [1, 2, 3]}))
        .expect("serializes");
    call(&t, req).await.expect("ok");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].body, reqs[1].body);
    assert_eq!(&reqs[1].body[..], br#"{"a":[1,2,3]}"#);
    assert_eq!(
        reqs[1].header("content-type").as_deref(),
        Some("application/json")
    );
}

#[tokio::test]
async fn retry_after_seconds_is_honoured() {
    let server = TestServer::start().await;
    server.push([
        Reply::json(429, json!({"statusCode": 429, "message": "slow"})).header("Retry-After", "1"),
        Reply::json(200, json!({})),
    ]);
    let t = transport(config(&server.base));
    let resp = call(&t, get("/x")).await.expect("ok after waiting");
    assert_eq!(resp.attempts, 2);
    let reqs = server.requests();
    assert!(
        gap(&reqs[0], &reqs[1]) >= Duration::from_secs(1),
        "waited only {:?}",
        gap(&reqs[0], &reqs[1])
    );
}

#[tokio::test]
async fn retry_after_http_date_is_honoured() {
    let server = TestServer::start().await;
    let when = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    server.push([
        Reply::new(503, "").header("Retry-After", &when),
        Reply::json(200, json!({})),
    ]);
    let t = transport(config(&server.base));
    call(&t, get("/x")).await.expect("ok");
    let reqs = server.requests();
    // The date has one-second resolution, so "now + 2 s" is at least 1 s away once truncated.
    let waited = gap(&reqs[0], &reqs[1]);
    assert!(
        waited >= Duration::from_millis(900),
        "waited only {waited:?}"
    );
}

#[tokio::test]
async fn retry_after_is_capped() {
    let server = TestServer::start().await;
    server.push([
        Reply::new(503, "").header("Retry-After", "3600"),
        Reply::json(200, json!({})),
    ]);
    let t = transport(TransportConfig {
        retry: fast_retry(2).with_max_retry_after(Duration::from_millis(300)),
        ..config(&server.base)
    });
    // Hang guard only: without the cap this would wait an hour.
    let resp = tokio::time::timeout(Duration::from_secs(60), call(&t, get("/x")))
        .await
        .expect("Retry-After must be capped")
        .expect("ok");
    assert_eq!(resp.attempts, 2);
    let reqs = server.requests();
    assert!(gap(&reqs[0], &reqs[1]) >= Duration::from_millis(300));
}

#[tokio::test]
async fn backoff_is_capped() {
    let server = TestServer::start().await;
    server.push([
        Reply::new(500, ""),
        Reply::new(500, ""),
        Reply::new(500, ""),
    ]);
    let t = transport(TransportConfig {
        retry: RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_secs(120),
            max_backoff: Duration::from_millis(5),
            max_retry_after: Duration::from_secs(60),
        },
        ..config(&server.base)
    });
    // Hang guard only: uncapped, the three waits would be drawn from up to 120/240/480 s.
    let resp = tokio::time::timeout(Duration::from_secs(60), call(&t, get("/x")))
        .await
        .expect("backoff must be capped at max_backoff")
        .expect("ok");
    assert_eq!(resp.attempts, 4);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    for status in [400u16, 401, 403, 404, 409, 412] {
        let server = TestServer::start().await;
        server.push([
            Reply::json(status, json!({"code": 1, "description": "no"})),
            Reply::json(200, json!({})),
        ]);
        let t = transport(config(&server.base));
        let err = call(&t, get("/x")).await.expect_err("must fail");
        assert_eq!(err.status(), Some(status));
        assert!(!err.is_retryable());
        assert_eq!(server.requests().len(), 1, "status {status} was retried");
    }
}

#[tokio::test]
async fn retryable_statuses_are_retried() {
    for status in [408u16, 429, 500, 502, 503, 504] {
        let server = TestServer::start().await;
        server.push([Reply::new(status, ""), Reply::json(200, json!({}))]);
        let t = transport(config(&server.base));
        let resp = call(&t, get("/x")).await.expect("retried to success");
        assert_eq!(resp.attempts, 2, "status {status}");
    }
}

#[tokio::test]
async fn exhausted_retries_return_the_last_error() {
    let server = TestServer::start().await;
    server.push([
        Reply::json(500, json!({"code": 500, "description": "first"})),
        Reply::json(502, json!({"code": 502, "description": "second"})),
        Reply::json(
            503,
            json!({"code": 503, "description": "third", "isRetryable": true}),
        )
        .header(RID, "server-rid")
        .header(CID, "server-cid"),
        Reply::json(200, json!({})),
    ]);
    let t = transport(config(&server.base));
    let err = call(&t, get("/x")).await.expect_err("three failures");
    assert_eq!(server.requests().len(), 3);
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.kind(), ErrorKind::Server);
    let api = err.api().expect("api error");
    assert_eq!(api.description.as_deref(), Some("third"));
    assert_eq!(api.code.as_deref(), Some("503"));
    assert_eq!(api.retryable_hint, Some(true));
    // Ids echoed by the server win over the ones sent.
    assert_eq!(err.request_id(), Some("server-rid"));
    assert_eq!(api.correlation_id.as_deref(), Some("server-cid"));
    assert_eq!(
        err.to_string(),
        "503 Service Unavailable (code 503): third [request id server-rid]"
    );
}

#[tokio::test]
async fn throttled_carries_retry_after() {
    let server = TestServer::start().await;
    server.push([Reply::json(
        429,
        json!({"statusCode": 429, "message": "Rate limit is exceeded. Try again in 7 seconds."}),
    )
    .header("Retry-After", "7")]);
    let t = transport(TransportConfig {
        retry: RetryPolicy::none(),
        ..config(&server.base)
    });
    let err = call(&t, get("/x")).await.expect_err("throttled");
    assert_eq!(err.kind(), ErrorKind::Throttled);
    assert!(err.is_retryable());
    let api = err.api().expect("api");
    assert_eq!(api.retry_after, Some(Duration::from_secs(7)));
    assert_eq!(
        api.description.as_deref(),
        Some("Rate limit is exceeded. Try again in 7 seconds.")
    );
    let sent = server.requests()[0].header(RID);
    assert_eq!(api.request_id, sent, "falls back to the id sent");
    assert_eq!(api.correlation_id.as_deref(), Some(t.correlation_id()));
}

#[tokio::test]
async fn non_json_error_body_is_kept() {
    let server = TestServer::start().await;
    let html = format!("<html><body>{}</body></html>", "oops ".repeat(2000));
    server.push([Reply::new(404, html.clone()).header("content-type", "text/html")]);
    let t = transport(config(&server.base));
    let err = call(&t, get("/x")).await.expect_err("404");
    let api = err.api().expect("api");
    assert_eq!(api.code, None);
    assert_eq!(api.description, None);
    assert_eq!(api.body.len(), 4096);
    assert!(html.starts_with(&api.body));
}

#[tokio::test]
async fn accepted_statuses_are_answers() {
    let server = TestServer::start().await;
    server.push([Reply::new(404, "")]);
    let t = transport(config(&server.base));
    let req = Request::new("exists", Method::HEAD, "/d").accept_statuses(&[404]);
    let resp = call(&t, req).await.expect("404 is an answer here");
    assert_eq!(resp.status, 404);
    assert_eq!(resp.attempts, 1);
    assert!(resp.is_empty());
    assert!(resp.json::<()>().is_ok());
}

#[tokio::test]
async fn empty_204_decodes_as_unit() {
    let server = TestServer::start().await;
    server.push([Reply::new(204, "")]);
    let t = transport(config(&server.base));
    let resp = call(&t, Request::new("del", Method::DELETE, "/d"))
        .await
        .expect("ok");
    assert_eq!(resp.status, 204);
    assert!(resp.json::<()>().is_ok());
    assert_eq!(
        resp.json::<serde_json::Value>().ok(),
        Some(serde_json::Value::Null)
    );
}

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Thing {
    id: String,
}

#[tokio::test]
async fn decode_error_has_status_and_capped_excerpt() {
    let server = TestServer::start().await;
    let body = format!("<html>{}</html>", "z".repeat(5000));
    server.push([Reply::new(200, body)]);
    let t = transport(config(&server.base));
    let resp = call(&t, get("/x")).await.expect("200");
    match resp.json::<Thing>() {
        Err(Error::Decode {
            status,
            message,
            body_excerpt,
            request_id,
        }) => {
            assert_eq!(status, 200);
            assert!(message.contains("expected value"), "{message}");
            assert_eq!(body_excerpt.len(), 1024);
            assert!(body_excerpt.starts_with("<html>zzz"));
            assert_eq!(request_id.as_deref(), Some(resp.request_id.as_str()));
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn slow_server_gives_timeout() {
    let server = TestServer::start().await;
    server.push([Reply::json(200, json!({})).delay(Duration::from_secs(5))]);
    let t = transport(TransportConfig {
        timeout: Some(Duration::from_millis(200)),
        retry: RetryPolicy::none(),
        ..config(&server.base)
    });
    let err = call(&t, get("/x")).await.expect_err("times out");
    match &err {
        Error::Timeout { after, request_id } => {
            assert_eq!(*after, Duration::from_millis(200));
            assert_eq!(request_id, &server.requests()[0].header(RID));
        }
        other => panic!("expected timeout, got {other:?}"),
    }
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.is_retryable());
}

#[tokio::test]
async fn timeouts_are_retried_and_per_call_timeout_wins() {
    let server = TestServer::start().await;
    server.push([
        Reply::json(200, json!({})).delay(Duration::from_secs(5)),
        Reply::json(200, json!({"second": true})),
    ]);
    let t = transport(config(&server.base)); // 60 s default, overridden per call
    let opts = RequestOptions::default().with_timeout(Duration::from_millis(200));
    let resp = call_with(&t, get("/x"), &opts)
        .await
        .expect("second attempt ok");
    assert_eq!(resp.attempts, 2);
    assert_eq!(
        resp.json::<serde_json::Value>().ok(),
        Some(json!({"second": true}))
    );
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let base = format!("http://127.0.0.1:{}", closed_port());
    let t = transport(TransportConfig {
        retry: fast_retry(2),
        ..config(&base)
    });
    let err = call(&t, get("/x")).await.expect_err("nothing listens");
    match &err {
        Error::Transport {
            message,
            request_id,
        } => {
            assert!(!message.is_empty());
            assert!(request_id.is_some());
        }
        other => panic!("expected transport error, got {other:?}"),
    }
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert!(err.to_string().starts_with("transport error: "));
}

#[tokio::test]
async fn per_call_retry_policy_overrides_config() {
    let server = TestServer::start().await;
    server.push([Reply::new(503, ""), Reply::new(503, "")]);
    let t = transport(config(&server.base));
    let opts = RequestOptions::default().with_retry(RetryPolicy::none());
    let err = call_with(&t, get("/x"), &opts).await.expect_err("no retry");
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.requests().len(), 1);
}

/// A provider that refreshes: token "tok-N", N bumped by invalidate().
#[derive(Default)]
struct Refreshing {
    generation: AtomicU32,
    fetched: AtomicU32,
    invalidated: AtomicU32,
}

impl TokenProvider for Refreshing {
    fn token<'a>(&'a self, _: &'a TokenRequest) -> BoxFuture<'a, Result<Secret, Error>> {
        Box::pin(async move {
            tokio::task::yield_now().await;
            self.fetched.fetch_add(1, Ordering::SeqCst);
            let n = self.generation.load(Ordering::SeqCst) + 1;
            Ok(Secret::new(format!("tok-{n}")))
        })
    }

    fn invalidate(&self, rejected: &Secret) {
        assert!(rejected.expose().starts_with("tok-"));
        self.invalidated.fetch_add(1, Ordering::SeqCst);
        self.generation.fetch_add(1, Ordering::SeqCst);
    }
}

fn authorizations(server: &TestServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|r| r.header("authorization").unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn a_401_is_retried_once_with_a_fresh_token_under_the_same_request_id() {
    let server = TestServer::start().await;
    server.push([
        Reply::new(503, ""),
        Reply::json(200, json!({})),
        Reply::json(401, json!({"code": 800001, "description": "bad token"})),
        Reply::json(200, json!({})),
        Reply::json(401, json!({"code": 400})),
        Reply::json(401, json!({"code": 400})),
    ]);
    let provider = Arc::new(Refreshing::default());
    let t = transport(TransportConfig {
        token: Some(provider.clone()),
        request_id_header: Some("MS-RequestId".into()),
        // One attempt only: the 401 retry must not depend on the retry policy.
        retry: RetryPolicy::none().with_max_attempts(2),
        ..config(&server.base)
    });
    call(&t, get("/a")).await.expect("retried");
    assert_eq!(provider.fetched.load(Ordering::SeqCst), 2);
    let with_none = RequestOptions::default().with_retry(RetryPolicy::none());
    call_with(&t, get("/b"), &with_none)
        .await
        .expect("a fresh token after the 401");
    assert_eq!(provider.invalidated.load(Ordering::SeqCst), 1);
    let err = call_with(&t, get("/c"), &with_none)
        .await
        .expect_err("a second 401 is the answer");
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert_eq!(provider.invalidated.load(Ordering::SeqCst), 3);
    assert_eq!(
        authorizations(&server),
        [
            "Bearer tok-1",
            "Bearer tok-1",
            "Bearer tok-1",
            "Bearer tok-2",
            "Bearer tok-2",
            "Bearer tok-3"
        ]
    );
    let ids: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.header("ms-requestid").unwrap_or_default().to_string())
        .collect();
    assert_eq!(ids[2], ids[3], "the retry after a 401 keeps its request id");
    assert_eq!(ids[4], ids[5]);
    assert_ne!(ids[3], ids[4]);
}

#[tokio::test]
async fn a_static_token_is_not_retried_after_a_401() {
    let server = TestServer::start().await;
    server.push([Reply::json(401, json!({"code": 400}))]);
    let t = transport(TransportConfig {
        token: Some(Arc::new(sdk_runtime::StaticToken::new("fixed"))),
        ..config(&server.base)
    });
    let err = call(&t, get("/a")).await.expect_err("401");
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn per_call_authorization_replaces_the_provider() {
    let server = TestServer::start().await;
    let t = transport(config(&server.base));
    let opts = RequestOptions::default().with_header("Authorization", "Bearer app-user");
    call_with(&t, get("/x"), &opts).await.expect("ok");
    let r = &server.requests()[0];
    assert_eq!(
        r.header("authorization").as_deref(),
        Some("Bearer app-user")
    );
    assert_eq!(r.headers.get_all("authorization").iter().count(), 1);
}

#[tokio::test]
async fn absolute_links_are_used_as_is_and_token_stays_on_its_origin() {
    let server = TestServer::start().await;
    let other = TestServer::start().await;
    let t = transport(config(&format!("{}/base", server.base)));
    let same = format!("{}/elsewhere?page=2", server.base);
    call(&t, get(&same)).await.expect("same origin");
    let foreign = format!("{}/next?page=3", other.base);
    call(&t, get(&foreign)).await.expect("other origin");

    let r = &server.requests()[0];
    assert_eq!(r.uri, "/elsewhere?page=2");
    assert_eq!(r.header("authorization").as_deref(), Some("Bearer tok-123"));
    let o = &other.requests()[0];
    assert_eq!(o.uri, "/next?page=3");
    assert_eq!(
        o.header("authorization"),
        None,
        "token leaked to another origin"
    );
}

#[tokio::test]
async fn bad_per_call_header_is_a_config_error_without_request() {
    let server = TestServer::start().await;
    let t = transport(config(&server.base));
    let opts = RequestOptions::default().with_header("X-Bad", "a\r\nInjected: 1");
    let err = call_with(&t, get("/x"), &opts).await.expect_err("rejected");
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn debug_output_never_shows_the_token() {
    let cfg = TransportConfig {
        token: Some(Arc::new(StaticToken::new("super-secret-token"))),
        default_headers: vec![("X-Api-Key".into(), "key-material".into())],
        ..TransportConfig::new("http://127.0.0.1:9")
    };
    let shown = format!("{cfg:?}");
    assert!(!shown.contains("super-secret-token"), "{shown}");
    assert!(!shown.contains("key-material"), "{shown}");
    assert!(shown.contains("[redacted]"), "{shown}");
    let t = transport(cfg);
    let shown = format!("{t:?}");
    assert!(!shown.contains("super-secret-token"), "{shown}");
    assert!(!shown.contains("key-material"), "{shown}");
    assert!(shown.contains("[redacted]"), "{shown}");
    let token = StaticToken::new("super-secret-token");
    assert!(!format!("{token:?}").contains("super"));
    let secret = Secret::new("super-secret-token");
    assert_eq!(format!("{secret:?} {secret}"), "[redacted] [redacted]");
}

struct NeedsName(Option<String>);

impl Validate for NeedsName {
    fn validate_into(&self, v: &mut Validator) {
        if self.0.is_none() {
            v.missing("name");
        }
    }
}

#[tokio::test]
async fn every_error_kind_is_reachable() {
    let mut seen = HashSet::new();
    let server = TestServer::start().await;
    let t = transport(TransportConfig {
        retry: RetryPolicy::none(),
        timeout: Some(Duration::from_millis(200)),
        ..config(&server.base)
    });
    for status in [400u16, 401, 403, 404, 409, 412, 429, 500, 418] {
        server.push([Reply::new(status, "")]);
        let err = call(&t, get("/x")).await.expect_err("error status");
        seen.insert(err.kind());
    }
    server.push([Reply::new(200, "").delay(Duration::from_secs(5))]);
    seen.insert(call(&t, get("/slow")).await.expect_err("timeout").kind());
    server.push([Reply::new(200, "not json")]);
    let resp = call(&t, get("/x")).await.expect("200");
    seen.insert(resp.json::<Thing>().expect_err("decode").kind());
    let refused = transport(TransportConfig {
        retry: RetryPolicy::none(),
        ..config(&format!("http://127.0.0.1:{}", closed_port()))
    });
    seen.insert(call(&refused, get("/x")).await.expect_err("refused").kind());
    seen.insert(Error::from(NeedsName(None).validate().expect_err("invalid")).kind());
    seen.insert(
        Transport::new(TransportConfig::new("nope"))
            .expect_err("bad url")
            .kind(),
    );
    // The token endpoint's refusals.
    let options = CredentialOptions::default().with_authority_host(server.base.clone());
    let request = TokenRequest::new("", "https://api.test/.default", "https://api.test/user");
    let secret =
        ClientSecretCredential::new("tenant", "app", "wrong", options.clone()).expect("credential");
    server.push([Reply::json(
        401,
        json!({"error": "invalid_client", "error_codes": [7000215]}),
    )]);
    let refused = secret.get(&request).await.expect_err("bad secret");
    assert_eq!(
        refused.auth().map(|a| a.error_codes.clone()),
        Some(vec![7000215])
    );
    seen.insert(refused.kind());
    let stored = RefreshTokenCredential::new("tenant", "app", "old-rt", None, None, options)
        .expect("credential");
    server.push([Reply::json(400, json!({"error": "invalid_grant"}))]);
    seen.insert(stored.get(&request).await.expect_err("expired").kind());
    let all: HashSet<_> = ErrorKind::ALL.into_iter().collect();
    assert_eq!(seen, all);
}
