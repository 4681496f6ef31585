//! Copied into the crate generated from generator/tests/specs/media.yaml as `tests/wire.rs` by
//! generator/tests/public_specs.rs: the generated client's calls, as a local HTTP server receives
//! them (request line, headers, body), and its answers decoded by status.

mod common;

use common::server;
use x_media::models::{
    RequestTokenBody, RequestTokenBodyFilter, RequestTokenBodyGrantType, RequestTokenBodyMeta,
    SearchFilter, UploadFileBody, UploadFileBodyAttributes,
};
use x_media::operations::{CreateNoteAnswer, DownloadFileAnswer};
use x_media::{Client, models};

fn client(url: &str) -> Client {
    Client::builder().base_url(url).token("t").build().unwrap()
}

#[tokio::test]
async fn a_form_body_is_sent_member_by_member_in_each_members_style() {
    let (url, seen) = server(vec![(
        200,
        "application/json",
        br#"{"access_token":"abc"}"#.to_vec(),
    )])
    .await;
    let body = RequestTokenBody {
        grant_type: RequestTokenBodyGrantType::ClientCredentials,
        scope: Some(vec!["a b".into(), "c".into()]),
        ids: Some(vec![1, 2]),
        filter: Some(RequestTokenBodyFilter {
            name: Some("x".into()),
            size: None,
        }),
        meta: Some(RequestTokenBodyMeta {
            a: Some("1".into()),
        }),
    };
    let answer = client(&url).auth().request_token(&body).await.unwrap();
    assert_eq!(answer.access_token.as_deref(), Some("abc"));
    let seen = seen.lock().unwrap()[0].clone();
    assert_eq!(seen.line, "POST /oauth2/token HTTP/1.1");
    assert_eq!(
        seen.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        seen.text(),
        "grant_type=client_credentials&scope=a+b&scope=c&ids=1%2C2&filter%5Bname%5D=x&meta=%7B%22a%22%3A%221%22%7D"
    );
}

#[tokio::test]
async fn a_multipart_body_sends_json_text_and_file_parts_in_order() {
    let (url, seen) = server(vec![(201, "application/json", br#"{"id":"9"}"#.to_vec())]).await;
    let body = UploadFileBody {
        attributes: UploadFileBodyAttributes {
            name: Some("r.pdf".into()),
            parent_id: Some("0".into()),
        },
        file: x_media::FilePart::new(vec![0u8, 1, 2])
            .file_name("r.pdf")
            .content_type("application/pdf"),
        extra: None,
        note: Some("*hi*".into()),
    };
    let file = client(&url).files().upload_file(&body).await.unwrap();
    assert_eq!(file.id.as_deref(), Some("9"));
    let seen = seen.lock().unwrap()[0].clone();
    let media = seen.header("content-type").unwrap().to_string();
    let boundary = media
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap();
    let text = seen.text();
    let parts: Vec<&str> = text.split(&format!("--{boundary}")).collect();
    assert_eq!(
        parts.len(),
        5,
        "three parts and the closing delimiter: {text}"
    );
    assert!(parts[1].contains("name=\"attributes\"\r\nContent-Type: application/json\r\n\r\n{\"name\":\"r.pdf\",\"parent_id\":\"0\"}"), "{}", parts[1]);
    assert!(parts[2].contains("name=\"file\"; filename=\"r.pdf\"\r\nContent-Type: application/pdf\r\n\r\n\u{0}\u{1}\u{2}"), "{}", parts[2]);
    assert!(
        parts[3].contains("name=\"note\"\r\nContent-Type: text/markdown\r\n\r\n*hi*"),
        "{}",
        parts[3]
    );
    assert_eq!(parts[4], "--\r\n");
}

#[tokio::test]
async fn answers_are_decoded_by_status_and_cookies_join() {
    let (url, seen) = server(vec![
        (202, "application/json", Vec::new()),
        (200, "application/octet-stream", vec![7u8, 8, 9]),
    ])
    .await;
    let c = client(&url);
    let first = c
        .files()
        .download_file("f 1")
        .session("s")
        .theme("dark")
        .await
        .unwrap();
    assert_eq!(first, DownloadFileAnswer::Accepted);
    let second = c
        .files()
        .download_file("f1")
        .range("bytes=0-2")
        .await
        .unwrap();
    assert_eq!(second, DownloadFileAnswer::Ok(vec![7u8, 8, 9].into()));
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen[0].line, "GET /files/f%201/content HTTP/1.1");
    assert_eq!(seen[0].header("cookie"), Some("session=s; theme=dark"));
    assert_eq!(seen[1].header("range"), Some("bytes=0-2"));
}

#[tokio::test]
async fn raw_and_vendor_json_bodies_carry_their_media_type_and_a_choice_is_honoured() {
    let note = br#"{"text":"n"}"#.to_vec();
    let (url, seen) = server(vec![
        (204, "application/json", Vec::new()),
        (200, "application/json", br#"{"id":"1"}"#.to_vec()),
        (201, "application/json", br#"{"id":"2"}"#.to_vec()),
        (200, "application/json", note),
    ])
    .await;
    let c = client(&url);
    c.files()
        .replace_file("f", vec![1u8, 2])
        .media_type("image/png")
        .await
        .unwrap();
    let op = models::PatchFileBodyItem {
        op: models::PatchFileBodyItemOp::Replace,
        path: "/name".into(),
        value: Some(serde_json::json!("b")),
    };
    c.files().patch_file("f", &vec![op]).await.unwrap();
    let text = models::Note { text: "n".into() };
    let created = c
        .notes()
        .create_note()
        .body(&text)
        .media_type("application/x-www-form-urlencoded")
        .await
        .unwrap();
    assert!(
        matches!(created, CreateNoteAnswer::Created(ref f) if f.id.as_deref() == Some("2")),
        "{created:?}"
    );
    let stored = c.notes().create_note().body(&text).await.unwrap();
    assert_eq!(stored, CreateNoteAnswer::Ok(text.clone()));
    let wrong = c
        .notes()
        .create_note()
        .body(&text)
        .media_type("text/csv")
        .await;
    assert!(format!("{:?}", wrong.unwrap_err()).contains("text/csv"));
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 4, "the refused media type sent nothing");
    assert_eq!(seen[0].header("content-type"), Some("image/png"));
    assert_eq!(seen[0].body, vec![1u8, 2]);
    assert_eq!(
        seen[1].header("content-type"),
        Some("application/json-patch+json")
    );
    assert_eq!(
        seen[1].text(),
        r#"[{"op":"replace","path":"/name","value":"b"}]"#
    );
    assert_eq!(
        seen[2].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(seen[2].text(), "text=n");
    assert_eq!(seen[3].header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn styled_parameters_arrive_as_the_openapi_table_says() {
    let (url, seen) = server(vec![(200, "text/html", b"<p>ok</p>".to_vec())]).await;
    let html = client(&url)
        .search()
        .search(vec!["a".into(), "b c".into()])
        .filter(SearchFilter {
            name: Some("n".into()),
            created_after: None,
        })
        .ids(vec![1, 2])
        .words(vec!["x".into(), "y".into()])
        .fields(vec!["f".into(), "g".into()])
        .x_trace(vec!["t1".into(), "t2".into()])
        .prefs(vec!["p".into(), "q".into()])
        .await
        .unwrap();
    assert_eq!(html, "<p>ok</p>");
    let seen = seen.lock().unwrap()[0].clone();
    assert_eq!(
        seen.line,
        "GET /search/.a.b%20c?filter%5Bname%5D=n&ids=1%7C2&words=x+y&fields=f%2Cg HTTP/1.1"
    );
    assert_eq!(seen.header("x-trace"), Some("t1,t2"));
    assert_eq!(seen.header("cookie"), Some("prefs=p,q"));
}

#[tokio::test]
async fn a_download_can_be_streamed() {
    let payload: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let (url, _) = server(vec![(200, "application/octet-stream", payload.clone())]).await;
    let mut stream = client(&url)
        .files()
        .download_file("f")
        .send_stream()
        .await
        .unwrap();
    assert_eq!(stream.status, 200);
    let mut received = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = futures::StreamExt::next(&mut stream).await {
        received.extend_from_slice(&chunk.unwrap());
        chunks += 1;
    }
    assert!(chunks > 1, "read whole, not streamed");
    assert_eq!(received, payload);
}
