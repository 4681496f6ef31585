//! paginate() driving real HTTP calls, the way generated list operations use it.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{Reply, TestServer};
use futures::StreamExt;
use sdk_runtime::reqwest::Method;
use sdk_runtime::{
    Error, Page, Request, RequestOptions, RetryPolicy, StaticToken, Transport, TransportConfig,
    paginate,
};
use serde_json::json;

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Wire {
    items: Vec<u32>,
    continuation_token: Option<String>,
    total_count: Option<i64>,
}

/// Mirrors the generated list call: first page plain, next pages send the token in a header.
async fn fetch(t: Transport, token: Option<String>) -> Result<Page<u32>, Error> {
    let mut req = Request::new("listThings", Method::GET, "/v1/things");
    match token {
        None => req = req.query("size", "2"),
        Some(tok) => {
            req = req
                .query("seek", "Next")
                .header("X-Continuation-Token", tok)
        }
    }
    let raw = t.execute(req, &RequestOptions::default()).await?;
    let wire: Wire = raw.json()?;
    Ok(Page {
        items: wire.items,
        continuation_token: wire.continuation_token,
        total_count: wire.total_count,
        status: raw.status,
        headers: raw.headers,
        request_id: raw.request_id,
    })
}

fn transport(server: &TestServer) -> Transport {
    Transport::new(TransportConfig {
        token: Some(Arc::new(StaticToken::new("t"))),
        retry: RetryPolicy::default()
            .with_initial_backoff(Duration::from_millis(1))
            .with_max_backoff(Duration::from_millis(1)),
        ..TransportConfig::new(&server.base)
    })
    .expect("transport")
}

#[tokio::test]
async fn paginates_to_the_end() {
    let server = TestServer::start().await;
    server.push([
        Reply::json(
            200,
            json!({"items": [1, 2], "continuationToken": "t1", "totalCount": 5}),
        ),
        Reply::json(
            200,
            json!({"items": [3, 4], "continuationToken": "t2", "totalCount": 5}),
        ),
        Reply::new(503, ""), // retried inside the page fetch, invisible to the stream
        Reply::json(200, json!({"items": [5], "totalCount": 5})),
    ]);
    let t = transport(&server);
    let items: Vec<u32> = paginate(move |tok| fetch(t.clone(), tok))
        .map(|r| r.expect("item"))
        .collect()
        .await;
    assert_eq!(items, [1, 2, 3, 4, 5]);

    let reqs = server.requests();
    let seen: Vec<(String, Option<String>)> = reqs
        .iter()
        .map(|r| (r.uri.clone(), r.header("x-continuation-token")))
        .collect();
    assert_eq!(
        seen,
        [
            ("/v1/things?size=2".to_string(), None),
            ("/v1/things?seek=Next".to_string(), Some("t1".to_string())),
            ("/v1/things?seek=Next".to_string(), Some("t2".to_string())),
            ("/v1/things?seek=Next".to_string(), Some("t2".to_string())),
        ]
    );
}

#[tokio::test]
async fn repeated_token_stops_the_stream() {
    let server = TestServer::start().await;
    server.push([
        Reply::json(200, json!({"items": [1], "continuationToken": "same"})),
        Reply::json(200, json!({"items": [2], "continuationToken": "same"})),
        Reply::json(200, json!({"items": [3], "continuationToken": "same"})),
    ]);
    let t = transport(&server);
    let out: Vec<Result<u32, Error>> = paginate(move |tok| fetch(t.clone(), tok)).collect().await;
    assert_eq!(out.len(), 3, "{out:?}");
    assert!(matches!(out[0], Ok(1)));
    assert!(matches!(out[1], Ok(2)));
    match &out[2] {
        Err(Error::Decode {
            status, request_id, ..
        }) => {
            assert_eq!(*status, 200);
            assert!(request_id.is_some());
        }
        other => panic!("expected decode error, got {other:?}"),
    }
    assert_eq!(
        server.requests().len(),
        2,
        "must not fetch the repeated token"
    );
}

#[tokio::test]
async fn page_error_ends_the_stream() {
    let server = TestServer::start().await;
    server.push([
        Reply::json(200, json!({"items": [1], "continuationToken": "a"})),
        Reply::json(
            400,
            json!({"code": 800002, "description": "bad continuation token"}),
        ),
    ]);
    let t = transport(&server);
    let out: Vec<Result<u32, Error>> = paginate(move |tok| fetch(t.clone(), tok)).collect().await;
    assert_eq!(out.len(), 2);
    let err = out[1].as_ref().expect_err("error");
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.api().and_then(|a| a.code.as_deref()), Some("800002"));
}
