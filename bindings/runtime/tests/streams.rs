//! Octet answers read as they arrive (`Transport::execute_stream`), over real HTTP.

mod common;

use common::{Reply, TestServer};
use futures::StreamExt;
use sdk_runtime::reqwest::Method;
use sdk_runtime::{Error, Request, RequestOptions, Transport};

fn transport(base: &str) -> Transport {
    common::quick_transport(base, 3)
}

#[tokio::test]
async fn a_large_answer_streams_in_chunks_after_retries_up_to_its_headers() {
    let server = TestServer::start().await;
    let payload: String = (0..2_000_000)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    server.push([Reply::new(503, ""), Reply::new(200, payload.clone())]);
    let request = Request::new("download", Method::GET, "/files/1/content");
    let mut stream = transport(&server.base)
        .execute_stream(request, &RequestOptions::default())
        .await
        .unwrap();
    assert_eq!((stream.status, stream.attempts), (200, 2));
    let mut chunks = 0;
    let mut received = Vec::new();
    while let Some(chunk) = stream.next().await {
        received.extend_from_slice(&chunk.unwrap());
        chunks += 1;
    }
    assert!(chunks > 1, "the body arrived in one piece: not streamed");
    assert_eq!(received, payload.as_bytes());
}

#[tokio::test]
async fn an_error_answer_is_read_and_becomes_an_api_error() {
    let server = TestServer::start().await;
    server.push([Reply::json(
        404,
        serde_json::json!({"code": 600, "description": "no such file"}),
    )]);
    let request = Request::new("download", Method::GET, "/files/1/content");
    let err = transport(&server.base)
        .execute_stream(request, &RequestOptions::default())
        .await
        .unwrap_err();
    let Error::Api(api) = err else {
        panic!("{err:?}")
    };
    assert_eq!(api.status, 404);
    assert!(format!("{api:?}").contains("no such file"), "{api:?}");
}
