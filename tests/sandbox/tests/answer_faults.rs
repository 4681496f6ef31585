//! Answer faults (hostile answers in the fault script), seen from raw clients: a plain TCP
//! stream speaking HTTP/1.1 by hand where the bytes on the wire matter (lengths, when the
//! connection closes, how the body arrives), reqwest where a client's view matters.

mod common;

use std::time::{Duration, Instant};

use common::*;
use reqwest::Method;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const JSON: &str = "application/json; charset=utf-8";

/// The connections open now (the health call's own included).
async fn connections(env: &Env) -> u64 {
    env.health().await["connections"].as_u64().unwrap()
}

/// Closes the client's connection, then waits until the emulator has ended the call and
/// closed its side (`baseline`: the connections open before the call).
async fn hang_up(env: &Env, tcp: TcpStream, baseline: u64, what: &str) {
    drop(tcp);
    env.wait_health(what, |h| {
        h["inFlight"] == 0 && h["connections"].as_u64() <= Some(baseline)
    })
    .await;
}

/// A response head read off a raw connection, and the body bytes that came with it.
struct Head {
    status: u16,
    headers: Vec<(String, String)>,
    rest: Vec<u8>,
}

impl Head {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn content_length(&self) -> Option<u64> {
        self.header("content-length").map(|v| v.parse().unwrap())
    }
}

/// Opens a connection and sends `method path` (with the test token and, for POST, a
/// customer body).
async fn raw_send(env: &Env, method: &str, path: &str) -> TcpStream {
    let mut tcp = TcpStream::connect(env.server.addr).await.unwrap();
    let body = if method == "POST" {
        customer("raw.onmicrosoft.com", "Raw").to_string()
    } else {
        String::new()
    };
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {TOKEN}\r\n\
         Accept: application/json\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        env.server.addr,
        body.len()
    );
    tcp.write_all(req.as_bytes()).await.unwrap();
    tcp
}

/// Reads up to the end of the response head (5 s at most).
async fn read_head(tcp: &mut TcpStream) -> Head {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = tokio::time::timeout(Duration::from_secs(5), tcp.read(&mut chunk))
            .await
            .expect("the head arrives")
            .unwrap();
        assert!(
            n > 0,
            "closed before the head: {:?}",
            String::from_utf8_lossy(&buf)
        );
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buf[..end].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap();
            (n.trim().to_string(), v.trim().to_string())
        })
        .collect();
    Head {
        status,
        headers,
        rest: buf[end + 4..].to_vec(),
    }
}

/// Reads until the server closes the connection (`limit` at most); the bytes, and how many
/// reads returned data.
async fn read_until_closed(tcp: &mut TcpStream, limit: Duration) -> (Vec<u8>, usize) {
    let mut all = Vec::new();
    let mut reads = 0;
    let mut chunk = [0u8; 65536];
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let n = tokio::time::timeout(left, tcp.read(&mut chunk))
            .await
            .expect("the server closes the connection")
            .unwrap_or(0);
        if n == 0 {
            return (all, reads);
        }
        reads += 1;
        all.extend_from_slice(&chunk[..n]);
    }
}

/// Reads the next `n` body bytes; how many reads it took.
async fn read_exact_counting(tcp: &mut TcpStream, n: usize, out: &mut Vec<u8>) -> usize {
    let mut reads = 0;
    let mut chunk = vec![0u8; 65536];
    let target = out.len() + n;
    while out.len() < target {
        let want = (target - out.len()).min(chunk.len());
        let got = tokio::time::timeout(Duration::from_secs(10), tcp.read(&mut chunk[..want]))
            .await
            .expect("body bytes keep coming")
            .unwrap();
        assert!(got > 0, "closed after {} bytes", out.len());
        reads += 1;
        out.extend_from_slice(&chunk[..got]);
    }
    reads
}

#[tokio::test]
async fn broken_json_answers_are_200_json_and_run_nothing() {
    let env = env().await;
    let cases: [(&str, &[u8]); 3] = [
        ("malformed_json", br#"{"id": "abc", "companyProfile": {"#),
        (
            "wrong_types",
            br#"{"id": 42, "companyProfile": "x", "items": "nope", "totalCount": "many"}"#,
        ),
        (
            "invalid_utf8",
            b"{\"id\": \"\xff\xfe\", \"companyProfile\": {\"companyName\": \"Caf\xe9\"}}",
        ),
    ];
    for (fault, expected) in cases {
        env.set_faults(
            json!({"script": [{"method": "POST", "path": "/v1/customers", "fault": fault}]}),
        )
        .await;
        let r = env
            .create(&customer("answer.onmicrosoft.com", "Answer"))
            .await;
        assert_eq!(r.status().as_u16(), 200, "{fault}");
        assert_eq!(r.headers()["content-type"], JSON, "{fault}");
        assert!(r.headers().contains_key("ms-requestid"), "{fault}");
        let body = r.bytes().await.unwrap();
        assert_eq!(&body[..], expected, "{fault}");
        assert_eq!(
            env.customer_count().await,
            0,
            "{fault}: nothing is committed"
        );
    }
    // What a client makes of them.
    assert!(serde_json::from_slice::<Value>(cases[0].1).is_err());
    let wrong: Value = serde_json::from_slice(cases[1].1).unwrap();
    assert!(wrong["id"].is_number() && wrong["items"].is_string());
    assert!(String::from_utf8(cases[2].1.to_vec()).is_err());
    assert!(serde_json::from_slice::<Value>(cases[2].1).is_err());
    // The entries were used up: the create runs now.
    env.create_ok(&customer("answer.onmicrosoft.com", "Answer"))
        .await;
}

#[tokio::test]
async fn answer_faults_select_by_method_path_and_times() {
    let env = env().await;
    env.set_faults(
        json!({"script": [{"method": "get", "path": "/v1/customers/", "fault": "malformed_json", "times": 2}]}),
    )
    .await;
    // GET /v1/customers does not start with "/v1/customers/".
    assert_eq!(env.get_status("/v1/customers").await, 200);
    let id = "/v1/customers/6b8d4f2c-1f4e-4f8e-9a51-3c2d1e0f9a87";
    for _ in 0..2 {
        let r = env.get(id).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        assert!(serde_json::from_slice::<Value>(&r.bytes().await.unwrap()).is_err());
    }
    // Used up: the real answer (no such customer).
    expect_error(env.get(id).send().await.unwrap(), 404, 60003).await;
}

#[tokio::test]
async fn html_502_is_a_gateway_page_over_4_kb() {
    let env = env().await;
    env.set_faults(json!({"script": [{"fault": "html_502"}]}))
        .await;
    let r = env.get("/v1/customers").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 502);
    assert_eq!(r.headers()["content-type"], "text/html");
    let page = r.text().await.unwrap();
    assert!(page.len() > 4096 && page.len() < 8192, "{}", page.len());
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(page.contains("<title>502 Bad Gateway</title>"));
    assert!(page.ends_with("</html>\n"));
    let state = env.fault_state().await;
    assert_eq!(state["injected"]["html_502"], 1);
    assert_eq!(
        state["injected"]["502"],
        json!(null),
        "counted by its name, not its status"
    );
}

#[tokio::test]
async fn truncated_sends_less_than_content_length_then_closes() {
    let env = env().await;
    let baseline = connections(&env).await;
    env.set_faults(json!({"script": [{"fault": "truncated", "times": 2}]}))
        .await;

    let mut tcp = raw_send(&env, "GET", "/v1/customers").await;
    let head = read_head(&mut tcp).await;
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-type"), Some(JSON));
    let promised = head.content_length().expect("Content-Length") as usize;
    let (more, _) = read_until_closed(&mut tcp, Duration::from_secs(5)).await;
    let got = [head.rest, more].concat();
    assert!(
        !got.is_empty() && got.len() < promised,
        "{} of {promised} bytes",
        got.len()
    );
    let text = String::from_utf8(got).unwrap();
    assert!(
        text.starts_with(r#"{"id":"#),
        "part of a JSON document: {text}"
    );
    assert!(serde_json::from_str::<Value>(&text).is_err());
    // The emulator closed its side too.
    env.wait_health("truncated connection closed", |h| {
        h["connections"].as_u64() <= Some(baseline)
    })
    .await;

    // reqwest (hyper) sees the headers, then an error reading the body.
    let r = env.get("/v1/customers").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let err = r.bytes().await.expect_err("an incomplete body");
    assert!(err.is_body() || err.is_decode(), "{err:?}");
    let chain = format!("{:?}", std::error::Error::source(&err));
    assert!(
        chain.contains("IncompleteBody") || chain.contains("UnexpectedEof"),
        "{chain}"
    );
    // The client recovers on a new connection.
    assert_eq!(env.get_status("/v1/customers").await, 200);
}

#[tokio::test]
async fn huge_body_arrives_in_pieces_with_or_without_content_length() {
    let env = env().await;
    env.set_faults(json!({"script": [
        {"fault": "huge_body", "bytes": 1_000_000},
        {"fault": "huge_body", "bytes": 300_001, "chunked": true}
    ]}))
    .await;
    let mut r = env.get("/v1/customers").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], JSON);
    assert_eq!(r.headers()["content-length"], "1000000");
    let (mut total, mut pieces, mut first) = (0usize, 0usize, None);
    while let Some(chunk) = r.chunk().await.unwrap() {
        first.get_or_insert(chunk[0]);
        assert!(chunk.iter().all(|b| b"[0,".contains(b)));
        total += chunk.len();
        pieces += 1;
    }
    assert_eq!((total, first), (1_000_000, Some(b'[')));
    assert!(pieces >= 4, "1 MB streamed arrives in pieces: {pieces}");

    let mut tcp = raw_send(&env, "GET", "/v1/customers").await;
    let head = read_head(&mut tcp).await;
    assert_eq!(head.status, 200);
    assert_eq!(head.header("transfer-encoding"), Some("chunked"));
    assert_eq!(head.content_length(), None);
    // The chunked body ends (0-length chunk) after 300001 data bytes.
    let mut wire = head.rest;
    while !wire.ends_with(b"\r\n0\r\n\r\n") {
        let mut chunk = [0u8; 65536];
        let n = tcp.read(&mut chunk).await.unwrap();
        assert!(n > 0, "closed mid-body");
        wire.extend_from_slice(&chunk[..n]);
    }
    let data = dechunk(&wire);
    assert_eq!(data.len(), 300_001);
    assert!(data.starts_with(b"[0,0,") && data.ends_with(b",0,0,"));
}

/// The data of a complete chunked body.
fn dechunk(mut wire: &[u8]) -> Vec<u8> {
    let mut data = Vec::new();
    loop {
        let eol = wire.windows(2).position(|w| w == b"\r\n").unwrap();
        let size = usize::from_str_radix(std::str::from_utf8(&wire[..eol]).unwrap(), 16).unwrap();
        wire = &wire[eol + 2..];
        if size == 0 {
            return data;
        }
        data.extend_from_slice(&wire[..size]);
        wire = &wire[size + 2..];
    }
}

#[tokio::test]
async fn a_client_leaving_a_huge_body_stops_the_stream() {
    let env = env().await;
    let baseline = connections(&env).await;
    env.set_faults(json!({"script": [{"fault": "huge_body"}]}))
        .await;
    let mut tcp = raw_send(&env, "GET", "/v1/customers").await;
    let head = read_head(&mut tcp).await;
    assert_eq!(head.status, 200);
    assert_eq!(head.content_length(), Some(300_000_000), "the default size");
    let mut body = head.rest;
    read_exact_counting(&mut tcp, 1_000_000, &mut body).await;
    assert!(body.starts_with(b"[0,0,0,"));
    let h = env.health().await;
    assert_eq!(h["inFlight"], 1, "still streaming: {h}");
    assert_eq!(h["connections"].as_u64(), Some(baseline + 1), "{h}");
    hang_up(&env, tcp, baseline, "the huge body stops").await;
}

#[tokio::test]
async fn slow_body_trickles_without_blocking_other_calls() {
    let env = env().await;
    env.set_faults(
        json!({"script": [{"path": "/v1/customers", "fault": "slow_body", "intervalMs": 10}]}),
    )
    .await;
    let start = Instant::now();
    let mut tcp = raw_send(&env, "GET", "/v1/customers").await;
    let head = read_head(&mut tcp).await;
    let head_after = start.elapsed();
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-type"), Some(JSON));
    let length = head.content_length().expect("Content-Length") as usize;
    assert!(
        head_after < Duration::from_millis(500),
        "headers at once: {head_after:?}"
    );
    assert!(head.rest.len() <= 1, "{:?}", head.rest);

    // Meanwhile the emulator answers other calls at once.
    let other = Instant::now();
    assert_eq!(env.get_status("/v1/countryvalidationrules/US").await, 200);
    assert!(other.elapsed() < Duration::from_millis(500));

    let mut body = head.rest;
    let reads = read_exact_counting(&mut tcp, length - body.len(), &mut body).await;
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(10 * length as u64),
        "{length} bytes, one every 10 ms, took {took:?}"
    );
    assert!(reads >= length / 2, "{reads} reads for {length} bytes");
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["companyProfile"]["domain"], "slow.onmicrosoft.com");

    // A client with a timeout shorter than the trickle gives up.
    env.set_faults(json!({"script": [{"fault": "slow_body", "intervalMs": 50}]}))
        .await;
    let r = env
        .get("/v1/customers")
        .timeout(Duration::from_millis(400))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "headers come at once");
    let err = r.bytes().await.expect_err("the body is too slow");
    assert!(err.is_timeout(), "{err:?}");
    // The client closed its connection: the emulator stops trickling.
    env.wait_health("the slow body stops with its client", |h| {
        h["inFlight"] == 0
    })
    .await;
}

#[tokio::test]
async fn stall_after_headers_holds_until_the_client_hangs_up() {
    let env = env().await;
    let baseline = connections(&env).await;
    env.set_faults(json!({"script": [{"method": "POST", "fault": "stall_after_headers"}]}))
        .await;
    let mut tcp = raw_send(&env, "POST", "/v1/customers").await;
    let head = read_head(&mut tcp).await;
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-type"), Some(JSON));
    assert!(head.rest.is_empty(), "{:?}", head.rest);
    let mut byte = [0u8; 1];
    assert!(
        tokio::time::timeout(Duration::from_millis(700), tcp.read(&mut byte))
            .await
            .is_err(),
        "nothing after the headers"
    );
    let h = env.health().await;
    assert_eq!(h["inFlight"], 1, "{h}");
    assert_eq!(h["connections"].as_u64(), Some(baseline + 1), "{h}");
    assert_eq!(env.customer_count().await, 0, "nothing is committed");

    hang_up(&env, tcp, baseline, "the stalled call ends with its client").await;
}

#[tokio::test]
async fn a_stall_notices_the_client_leaving_after_a_slow_request_body() {
    let env = env().await;
    let baseline = connections(&env).await;
    env.set_faults(json!({"script": [{"fault": "stall_after_headers"}]}))
        .await;
    // The request body arrives in two parts: the answer waits for the whole body (else hyper
    // stops reading the connection and never sees the client go away).
    let body = customer("slow-request.onmicrosoft.com", "Slow").to_string();
    let (first, second) = body.split_at(body.len() / 2);
    let mut tcp = TcpStream::connect(env.server.addr).await.unwrap();
    let head = format!(
        "POST /v1/customers HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        env.server.addr,
        body.len()
    );
    tcp.write_all(format!("{head}{first}").as_bytes())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    tcp.write_all(second.as_bytes()).await.unwrap();
    let head = read_head(&mut tcp).await;
    assert_eq!(head.status, 200);
    assert_eq!(env.health().await["inFlight"], 1);
    hang_up(&env, tcp, baseline, "the stalled call ends with its client").await;
}

#[tokio::test]
async fn stall_seconds_ends_the_stall_by_closing_the_connection() {
    let env = env().await;
    env.set_faults(json!({"script": [{"fault": "stall_after_headers", "stallSeconds": 1}]}))
        .await;
    let start = Instant::now();
    let mut tcp = raw_send(&env, "GET", "/v1/customers").await;
    let head = read_head(&mut tcp).await;
    assert_eq!(head.status, 200);
    let (rest, _) = read_until_closed(&mut tcp, Duration::from_secs(5)).await;
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(950), "{took:?}");
    // No body data, and no end of the chunked body: an incomplete answer.
    let wire = [head.rest, rest].concat();
    assert!(!wire.ends_with(b"0\r\n\r\n"), "{wire:?}");
    assert_eq!(env.health().await["inFlight"], 0);
}

#[tokio::test]
async fn answer_fault_members_are_checked() {
    let env = env().await;
    for bad in [
        json!({"script": [{"fault": "slow_body", "bytes": 10}]}),
        json!({"script": [{"fault": "huge_body", "intervalMs": 10}]}),
        json!({"script": [{"fault": "status", "stallSeconds": 10}]}),
        json!({"script": [{"fault": "huge_body", "bytes": 0}]}),
        json!({"script": [{"fault": "huge_body", "chunked": "yes"}]}),
        json!({"script": [{"fault": "slow_body", "intervalMs": 0}]}),
        json!({"script": [{"fault": "stall_after_headers", "stallSeconds": -1}]}),
        json!({"script": [{"fault": "huge_body", "byte": 10}]}),
        json!({"script": [{"fault": "html_503"}]}),
    ] {
        let r = env
            .admin(Method::POST, "/_sandbox/faults", Some(bad.clone()))
            .await;
        expect_error(r, 400, 800002).await;
    }
    // Defaults are shown.
    let state = env
        .set_faults(json!({"script": [
            {"fault": "huge_body"}, {"fault": "slow_body"}, {"fault": "STALL_AFTER_HEADERS"},
            {"fault": "Html502"}
        ]}))
        .await;
    let script = &state["script"];
    assert_eq!(script[0]["bytes"], 300_000_000);
    assert_eq!(script[0]["chunked"], false);
    assert_eq!(script[1]["intervalMs"], 1000);
    assert_eq!(script[2]["stallSeconds"], 3600);
    assert_eq!(script[2]["fault"], "stall_after_headers");
    assert_eq!(script[3]["fault"], "html_502");
    assert_eq!(script[3].get("bytes"), None);
}
