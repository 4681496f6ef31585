//! Form and multipart bodies, cookies and styled parameters over real HTTP: what a local server
//! receives, read back with independent parsers (url's form parser, multer), and resent
//! unchanged when the call is retried.

mod common;

use common::{Reply, TestServer};
use sdk_runtime::reqwest::Method;
use sdk_runtime::{FilePart, FormBody, MultipartBody, Request, RequestOptions, Style, Transport};
use serde_json::json;

fn transport(base: &str) -> Transport {
    common::quick_transport(base, 2)
}

#[tokio::test]
async fn a_form_body_arrives_as_fields_and_is_resent_unchanged_on_retry() {
    let server = TestServer::start().await;
    server.push([Reply::new(503, ""), Reply::json(200, json!({}))]);
    let mut form = FormBody::new();
    form.add("grant_type", "client_credentials", Style::Form, true, false)
        .unwrap();
    form.add("scope", &json!(["a b", "c&d"]), Style::Form, true, false)
        .unwrap();
    form.add(
        "filter",
        &json!({"name": "x"}),
        Style::DeepObject,
        true,
        false,
    )
    .unwrap();
    let request = Request::new("token", Method::POST, "/oauth2/token").form(form);
    transport(&server.base)
        .execute(request, &RequestOptions::default())
        .await
        .unwrap();
    let seen = server.requests();
    assert_eq!(seen.len(), 2, "retried once");
    assert_eq!(seen[0].body, seen[1].body, "the retry sends the same body");
    assert_eq!(
        seen[1].header("content-type").as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(&seen[1].body)
        .into_owned()
        .collect();
    let expected = [
        ("grant_type", "client_credentials"),
        ("scope", "a b"),
        ("scope", "c&d"),
        ("filter[name]", "x"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(fields, expected);
}

#[tokio::test]
async fn a_multipart_body_arrives_as_parts_with_names_types_and_files() {
    let server = TestServer::start().await;
    server.push([Reply::new(503, ""), Reply::json(201, json!({}))]);
    let mut parts = MultipartBody::new();
    parts
        .add(
            "attributes",
            &json!({"name": "report.pdf", "parent": {"id": "0"}}),
            None,
        )
        .unwrap();
    parts.add("note", "hello", Some("text/markdown")).unwrap();
    parts.file(
        "file",
        &FilePart::new(vec![0u8, 159, 146, 150])
            .file_name("report.pdf")
            .content_type("application/pdf"),
    );
    let request = Request::new("upload", Method::POST, "/files/content").multipart(parts);
    transport(&server.base)
        .execute(request, &RequestOptions::default())
        .await
        .unwrap();
    let seen = server.requests();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].body, seen[1].body, "the retry sends the same body");
    let content_type = seen[1].header("content-type").unwrap();
    let boundary = multer::parse_boundary(&content_type).unwrap();
    let body = seen[1].body.clone();
    let stream = futures::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut got = Vec::new();
    while let Some(field) = multipart.next_field().await.unwrap() {
        let name = field.name().map(str::to_string);
        let file = field.file_name().map(str::to_string);
        let media = field.content_type().map(|m| m.to_string());
        let data = field.bytes().await.unwrap();
        got.push((name, file, media, data));
    }
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[0].0.as_deref(), Some("attributes"));
    assert_eq!(got[0].2.as_deref(), Some("application/json"));
    let attributes: serde_json::Value = serde_json::from_slice(&got[0].3).unwrap();
    assert_eq!(
        attributes,
        json!({"name": "report.pdf", "parent": {"id": "0"}})
    );
    assert_eq!(got[1].0.as_deref(), Some("note"));
    assert_eq!(got[1].2.as_deref(), Some("text/markdown"));
    assert_eq!(&got[1].3[..], b"hello");
    assert_eq!(got[2].0.as_deref(), Some("file"));
    assert_eq!(got[2].1.as_deref(), Some("report.pdf"));
    assert_eq!(got[2].2.as_deref(), Some("application/pdf"));
    assert_eq!(&got[2].3[..], &[0u8, 159, 146, 150]);
}

#[tokio::test]
async fn cookies_join_and_styled_query_pairs_arrive_encoded() {
    let server = TestServer::start().await;
    server.push([Reply::json(200, json!({}))]);
    let pairs = sdk_runtime::styles::query_pairs(
        "filter",
        &json!({"name": "a b", "kind": "x"}),
        Style::DeepObject,
        true,
    )
    .unwrap();
    let request = Request::new("search", Method::GET, "/search")
        .query_pairs(pairs)
        .query("ids", "1|2")
        .cookie("session", "s1")
        .cookie("theme", "dark");
    transport(&server.base)
        .execute(request, &RequestOptions::default())
        .await
        .unwrap();
    let seen = server.requests();
    assert_eq!(
        seen[0].uri,
        "/search?filter%5Bname%5D=a+b&filter%5Bkind%5D=x&ids=1%7C2"
    );
    assert_eq!(
        seen[0].header("cookie").as_deref(),
        Some("session=s1; theme=dark")
    );
}
