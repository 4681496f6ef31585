//! Hostile answers (script faults that answer in place of the request): what a client must
//! survive from a broken service or a gateway in front of it. Nothing is committed.
//!
//! The streamed ones (`truncated`, `huge_body`, `slow_body`, `stall_after_headers`) are
//! `Body::from_stream` streams with explicit `Content-Length` where they need one (hyper
//! trusts the header when the body's size is unknown). They hold `keep` (the in-flight guard)
//! until the stream ends or is dropped, and hyper drops it as soon as the client goes away:
//! a write fails, or, while the stream is waiting, hyper's read side sees the client's EOF
//! (it watches for it on a busy HTTP/1 connection). Waits are tokio sleeps, so a stalled
//! answer costs a timer, never a thread.

use std::io;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::{Bytes, BytesMut};
use futures::{Stream, StreamExt, stream};

use crate::errors::JSON_CONTENT_TYPE;

/// One hostile answer, with its parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    MalformedJson,
    WrongTypes,
    Truncated,
    Html502,
    InvalidUtf8,
    HugeBody { bytes: u64, chunked: bool },
    SlowBody { interval: Duration },
    StallAfterHeaders { stall: Duration },
}

/// `malformed_json`: the object is never closed.
pub const MALFORMED_JSON: &[u8] = br#"{"id": "abc", "companyProfile": {"#;

/// `wrong_types`: JSON, but every member that models have is of the wrong type.
pub const WRONG_TYPES: &[u8] =
    br#"{"id": 42, "companyProfile": "x", "items": "nope", "totalCount": "many"}"#;

/// `invalid_utf8`: valid JSON syntax whose strings hold bytes that are not UTF-8 (0xFF 0xFE,
/// and a Latin-1 é).
pub const INVALID_UTF8: &[u8] =
    b"{\"id\": \"\xff\xfe\", \"companyProfile\": {\"companyName\": \"Caf\xe9\"}}";

/// `truncated`: `Content-Length` is this document's length; only its first half is sent.
pub const TRUNCATED_FULL: &[u8] = br#"{"id":"4a8d1c2e-6f3b-4e9a-8c7d-0b1e2f3a4b5c","companyProfile":{"tenantId":"4a8d1c2e-6f3b-4e9a-8c7d-0b1e2f3a4b5c","domain":"truncated.onmicrosoft.com","companyName":"Truncated Ltd"},"billingProfile":{"email":"someone@example.com","culture":"en-US","language":"en","companyName":"Truncated Ltd"},"relationshipToPartner":"none","attributes":{"objectType":"Customer"}}"#;

/// How many bytes of [`TRUNCATED_FULL`] are sent.
pub const TRUNCATED_SENT: usize = TRUNCATED_FULL.len() / 2;

/// `slow_body`: the whole (valid) document, one byte at a time.
pub const SLOW_BODY: &[u8] = br#"{"id":"5c0e7d1a-2b3f-4c5d-8e9f-a0b1c2d3e4f5","companyProfile":{"domain":"slow.onmicrosoft.com"},"attributes":{"objectType":"Customer"}}"#;

/// How long hyper gets to flush the part of a truncated body before the connection is
/// closed (an error straight after the part would discard it with the buffered headers).
const TRUNCATE_AFTER: Duration = Duration::from_millis(100);

/// `huge_body` chunk size.
const CHUNK: usize = 64 * 1024;

/// The answer; `keep` lives until its body has been sent or the client has gone away.
pub fn respond<G: Send + 'static>(answer: Answer, keep: G) -> Response {
    match answer {
        Answer::MalformedJson => full(StatusCode::OK, JSON_CONTENT_TYPE, MALFORMED_JSON),
        Answer::WrongTypes => full(StatusCode::OK, JSON_CONTENT_TYPE, WRONG_TYPES),
        Answer::InvalidUtf8 => full(StatusCode::OK, JSON_CONTENT_TYPE, INVALID_UTF8),
        Answer::Html502 => {
            let page = html_502_page();
            let mut resp = (StatusCode::BAD_GATEWAY, page).into_response();
            resp.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
            resp
        }
        Answer::Truncated => {
            let part = Bytes::from_static(&TRUNCATED_FULL[..TRUNCATED_SENT]);
            let body = stream::iter([Ok(part)]).chain(stream::once(async {
                tokio::time::sleep(TRUNCATE_AFTER).await;
                Err(aborted(
                    "truncated: the connection closes before Content-Length bytes",
                ))
            }));
            streamed(body, Some(TRUNCATED_FULL.len() as u64), keep)
        }
        Answer::HugeBody { bytes, chunked } => {
            let length = (!chunked).then_some(bytes);
            streamed(huge_body(bytes), length, keep)
        }
        Answer::SlowBody { interval } => {
            let body = stream::unfold(0usize, move |i| async move {
                if i >= SLOW_BODY.len() {
                    return None;
                }
                tokio::time::sleep(interval).await;
                Some((Ok(Bytes::from_static(&SLOW_BODY[i..=i])), i + 1))
            });
            streamed(body, Some(SLOW_BODY.len() as u64), keep)
        }
        Answer::StallAfterHeaders { stall } => {
            let body = stream::once(async move {
                tokio::time::sleep(stall).await;
                Err(aborted("stall_after_headers: stallSeconds passed"))
            });
            streamed(body, None, keep)
        }
    }
}

fn full(status: StatusCode, content_type: &'static str, body: &'static [u8]) -> Response {
    let mut resp = (status, Bytes::from_static(body)).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

fn aborted(why: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::ConnectionAborted, why)
}

/// A 200 JSON answer from `body`, with `Content-Length: length` when given (else chunked),
/// holding `keep` as long as hyper holds the body.
fn streamed<S, G>(body: S, length: Option<u64>, keep: G) -> Response
where
    S: Stream<Item = io::Result<Bytes>> + Send + 'static,
    G: Send + 'static,
{
    let body = body.map(move |item| {
        let _held = &keep;
        item
    });
    let mut resp = Response::new(Body::from_stream(body));
    let headers = resp.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(JSON_CONTENT_TYPE),
    );
    if let Some(length) = length {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    resp
}

/// `[` then `0,` repeated, `total` bytes in all, in chunks of 64 KiB (the first one byte
/// more) that share one buffer: the body is never in memory whole.
fn huge_body(total: u64) -> impl Stream<Item = io::Result<Bytes>> + Send + 'static {
    let pattern = Bytes::from("0,".repeat(CHUNK / 2));
    stream::unfold(0u64, move |sent| {
        let pattern = pattern.clone();
        async move {
            let left = total.checked_sub(sent).filter(|n| *n > 0)?;
            let n = usize::try_from(left).unwrap_or(usize::MAX).min(CHUNK);
            let chunk = if sent == 0 {
                // The opening bracket, then a whole chunk of the pattern (an even count) so
                // the next chunk continues "0," in step.
                let m = n.min(usize::try_from(left - 1).unwrap_or(usize::MAX));
                let mut first = BytesMut::with_capacity(1 + m);
                first.extend_from_slice(b"[");
                first.extend_from_slice(&pattern[..m]);
                first.freeze()
            } else {
                pattern.slice(..n)
            };
            let n = chunk.len();
            Some((Ok(chunk), sent + n as u64))
        }
    })
}

/// `html_502`: what a gateway in front of the service answers when the service is down: an
/// HTML page of a little over 5 KB (so a client's 4 KB excerpt is visibly cut), ending in
/// `</html>`.
pub fn html_502_page() -> String {
    let mut page = String::from(concat!(
        "<!DOCTYPE html>\n",
        "<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<title>502 Bad Gateway</title>\n",
        "<style>\n",
        "  body { font-family: \"Segoe UI\", Helvetica, Arial, sans-serif; margin: 0; background: #f3f2f1; color: #323130; }\n",
        "  header { background: #0078d4; color: #ffffff; padding: 24px 48px; }\n",
        "  main { max-width: 720px; margin: 32px auto; background: #ffffff; padding: 32px 48px; box-shadow: 0 1px 3px rgba(0,0,0,0.2); }\n",
        "  h1 { font-size: 28px; font-weight: 600; margin: 0 0 16px 0; }\n",
        "  p { line-height: 1.5; }\n",
        "  dl { display: grid; grid-template-columns: max-content auto; gap: 4px 16px; font-family: Consolas, monospace; font-size: 13px; }\n",
        "  footer { text-align: center; font-size: 12px; color: #605e5c; margin-bottom: 32px; }\n",
        "</style>\n</head>\n<body>\n",
        "<header>Microsoft Partner Center</header>\n",
        "<main>\n<h1>502 Bad Gateway</h1>\n",
        "<p>The gateway did not receive a valid response from the upstream server while ",
        "handling your request. The service may be restarting or temporarily overloaded. ",
        "Please wait a few moments and try again.</p>\n",
        "<p>If the problem persists, contact support and quote the reference below.</p>\n",
        "<dl>\n<dt>Error</dt><dd>BadGateway</dd>\n",
        "<dt>Upstream</dt><dd>api-partnercenter-backend (connection reset by peer)</dd>\n",
        "<dt>Reference</dt><dd>Ref A: 7C1D0E3F4A5B4C6D8E9F0A1B2C3D4E5F Ref B: AMS231000109037 ",
        "Ref C: 2026-12-02T10:00:00Z</dd>\n</dl>\n</main>\n",
        "<footer>Microsoft-Azure-Application-Gateway/v2</footer>\n",
        "</body>\n",
    ));
    // Like nginx's error pages, padded so browsers show this page rather than their own.
    while page.len() < 5200 {
        page.push_str("<!-- a padding to disable MSIE and Chrome friendly error page -->\n");
    }
    page.push_str("</html>\n");
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_bodies_are_what_they_claim() {
        assert!(serde_json::from_slice::<serde_json::Value>(MALFORMED_JSON).is_err());
        let wrong: serde_json::Value = serde_json::from_slice(WRONG_TYPES).unwrap();
        assert_eq!(wrong["totalCount"], "many");
        assert!(serde_json::from_slice::<serde_json::Value>(INVALID_UTF8).is_err());
        assert!(INVALID_UTF8.utf8_chunks().any(|c| !c.invalid().is_empty()));
        let full: serde_json::Value = serde_json::from_slice(TRUNCATED_FULL).unwrap();
        assert_eq!(full["attributes"]["objectType"], "Customer");
        assert!(
            serde_json::from_slice::<serde_json::Value>(&TRUNCATED_FULL[..TRUNCATED_SENT]).is_err()
        );
        let slow: serde_json::Value = serde_json::from_slice(SLOW_BODY).unwrap();
        assert_eq!(slow["companyProfile"]["domain"], "slow.onmicrosoft.com");
        let page = html_502_page();
        assert!(page.len() > 4096 && page.len() < 6000, "{}", page.len());
        assert!(page.starts_with("<!DOCTYPE html>") && page.ends_with("</html>\n"));
    }

    #[tokio::test]
    async fn the_huge_body_is_the_pattern_in_chunks_of_bounded_size() {
        for total in [
            1u64,
            2,
            3,
            CHUNK as u64,
            CHUNK as u64 + 1,
            3 * CHUNK as u64 + 7,
        ] {
            let chunks: Vec<Bytes> = huge_body(total).map(|c| c.unwrap()).collect().await;
            assert!(chunks.iter().all(|c| !c.is_empty() && c.len() <= CHUNK + 1));
            let all: Vec<u8> = chunks.concat();
            assert_eq!(all.len() as u64, total);
            assert_eq!(all[0], b'[');
            for (i, b) in all[1..].iter().enumerate() {
                assert_eq!(
                    *b,
                    if i % 2 == 0 { b'0' } else { b',' },
                    "total {total} at {i}"
                );
            }
        }
    }
}
