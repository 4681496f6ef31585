//! The answer size cap, client-side pacing and raw bodies, against real local HTTP servers.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::http::header::CONTENT_LENGTH;
use axum::response::Response;
use axum::routing::get;
use common::{Reply, TestServer};
use sdk_runtime::{
    Error, RateLimit, Request, RequestOptions, RetryPolicy, StaticToken, Transport,
    TransportConfig, reqwest,
};

/// A server of endless answers: `/declared` says `Content-Length: 1 GB`, `/chunked` says nothing;
/// both then send 64 KiB chunks of `0,` until the client hangs up. Counts the chunks it sent.
async fn endless_server() -> (String, Arc<AtomicUsize>) {
    let sent = Arc::new(AtomicUsize::new(0));
    let endless = |declared: bool, sent: Arc<AtomicUsize>| async move {
        let chunk = axum::body::Bytes::from("0,".repeat(32 * 1024));
        let stream = futures::stream::repeat_with(move || {
            sent.fetch_add(1, Ordering::Relaxed);
            Ok::<_, std::io::Error>(chunk.clone())
        });
        let mut response = Response::new(Body::from_stream(stream));
        if declared {
            response
                .headers_mut()
                .insert(CONTENT_LENGTH, "1000000000".parse().unwrap());
        }
        response
    };
    let (a, b) = (sent.clone(), sent.clone());
    let app = axum::Router::new()
        .route("/declared", get(move || endless(true, a.clone())))
        .route("/chunked", get(move || endless(false, b.clone())));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (base, sent)
}

fn transport(base: &str, max_response_bytes: Option<usize>) -> Transport {
    Transport::new(TransportConfig {
        token: Some(Arc::new(StaticToken::new("tok"))),
        retry: RetryPolicy::none(),
        max_response_bytes,
        ..TransportConfig::new(base)
    })
    .unwrap()
}

fn get_request(path: &str) -> Request {
    Request::new("op", reqwest::Method::GET, path)
}

#[tokio::test]
async fn answers_over_the_cap_are_refused_without_reading_them_whole() {
    let (base, sent) = endless_server().await;
    let t = transport(&base, Some(1024 * 1024));
    for path in ["/declared", "/chunked"] {
        let before = sent.load(Ordering::Relaxed);
        match t.execute(get_request(path), &RequestOptions::new()).await {
            Err(Error::Decode {
                status,
                message,
                body_excerpt,
                ..
            }) => {
                assert_eq!(status, 200);
                assert!(
                    message.contains("larger than this client's limit of 1048576 bytes"),
                    "{message}"
                );
                assert!(body_excerpt.len() <= 1024, "{}", body_excerpt.len());
            }
            other => panic!("{path}: expected a decode error, got {other:?}"),
        }
        // The client stopped reading: the server got nowhere near the 1 GB it offered (a
        // declared length is refused before the body; an undeclared one at the cap, give or
        // take what the socket buffers held).
        let chunks = sent.load(Ordering::Relaxed) - before;
        assert!(
            chunks < 200,
            "{path}: the server sent {chunks} chunks of 64 KiB"
        );
    }
}

#[tokio::test]
async fn answers_under_the_cap_are_read_and_the_cap_can_be_raised() {
    let server = TestServer::start().await;
    let body = format!("\"{}\"", "x".repeat(4000));
    server.push([Reply::new(200, body.clone()), Reply::new(200, body.clone())]);
    let small = transport(&server.base, Some(4096));
    let ok = small
        .execute(get_request("/a"), &RequestOptions::new())
        .await
        .unwrap();
    assert_eq!(ok.body.len(), body.len());
    let tiny = transport(&server.base, Some(100));
    assert!(matches!(
        tiny.execute(get_request("/a"), &RequestOptions::new())
            .await,
        Err(Error::Decode { .. })
    ));
}

#[tokio::test]
async fn a_zero_cap_is_a_configuration_error() {
    let built = Transport::new(TransportConfig {
        max_response_bytes: Some(0),
        ..TransportConfig::new("http://127.0.0.1:9")
    });
    assert!(matches!(built, Err(Error::Config(_))));
}

#[tokio::test]
async fn paced_calls_are_spaced_even_when_sent_at_once() {
    let server = TestServer::start().await;
    let limit = RateLimit::per_minute(1200).unwrap(); // one every 50 ms
    let t = Transport::new(TransportConfig {
        rate_limit: Some(limit),
        ..TransportConfig::new(server.base.as_str())
    })
    .unwrap();
    let options = RequestOptions::new();
    let calls = (0..8).map(|_| t.execute(get_request("/p"), &options));
    for result in futures::future::join_all(calls).await {
        result.unwrap();
    }
    let mut at: Vec<_> = server.requests().iter().map(|r| r.at).collect();
    at.sort();
    // A lower bound only: a slow machine spaces them more, never less.
    for pair in at.windows(2) {
        let gap = pair[1].duration_since(pair[0]);
        assert!(gap >= Duration::from_millis(45), "gaps: {at:?}");
    }
}

#[tokio::test]
async fn a_raw_body_replaces_the_encoded_one() {
    let server = TestServer::start().await;
    let t = transport(&server.base, None);
    let request = Request::new("op", reqwest::Method::POST, "/r")
        .json(&serde_json::json!({"known": 1}))
        .unwrap();
    let options = RequestOptions {
        raw_body: Some(br#"{"known":1,"Unknown":2}"#.to_vec().into()),
        ..RequestOptions::new()
    };
    t.execute(request, &options).await.unwrap();
    let sent = &server.requests()[0];
    assert_eq!(&sent.body[..], br#"{"known":1,"Unknown":2}"#);
    assert_eq!(
        sent.header("content-type").as_deref(),
        Some("application/json")
    );
}
