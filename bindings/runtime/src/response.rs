//! What a call returns: the raw response (status, headers, bytes) and the typed one built from it.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, DECODE_EXCERPT_CAP, Error, excerpt};

/// A success answer whose body arrives as it is read (`send_stream()` of operations that answer
/// with octets): status and headers at once, then the body's chunks.
pub struct ByteStream {
    pub status: u16,
    pub headers: HeaderMap,
    pub request_id: String,
    pub correlation_id: Option<String>,
    pub attempts: u32,
    pub(crate) chunks: futures::stream::BoxStream<'static, Result<Bytes, Error>>,
}

impl ByteStream {
    /// Read the rest of the body into one buffer.
    pub async fn collect_bytes(mut self) -> Result<Bytes, Error> {
        use futures::StreamExt;
        let mut out = Vec::new();
        while let Some(chunk) = self.chunks.next().await {
            out.extend_from_slice(&chunk?);
        }
        Ok(Bytes::from(out))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl futures::Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.chunks.as_mut().poll_next(cx)
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .finish_non_exhaustive()
    }
}

/// A response as received, before decoding. Generated code turns it into a [`Response<T>`].
#[derive(Clone)]
pub struct RawResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// The request id echoed by the server, else the one sent.
    pub request_id: String,
    /// The correlation id echoed by the server, else the one sent (None when the transport sends none).
    pub correlation_id: Option<String>,
    /// How many attempts the call took (1 = no retry).
    pub attempts: u32,
}

impl RawResponse {
    /// Decodes the JSON body. An empty (or all-whitespace) body is read as JSON `null`, so `()`,
    /// `Option<T>` and `serde_json::Value` decode a 204 without special cases; a struct does not, and
    /// fails with a Decode error saying the body was empty.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        if self.is_empty() {
            return T::deserialize(serde_json::Value::Null)
                .map_err(|e| self.decode_error(format!("empty body: {e}")));
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| self.decode_error(describe_failure::<T>(&self.body, e)))
    }

    /// Like [`json`](Self::json) but an empty body gives `T::default()` (e.g. an empty list).
    pub fn json_or_default<T: DeserializeOwned + Default>(&self) -> Result<T, Error> {
        if self.is_empty() {
            Ok(T::default())
        } else {
            self.json()
        }
    }

    /// True when the body has no content (only whitespace counts as none).
    pub fn is_empty(&self) -> bool {
        self.body.iter().all(u8::is_ascii_whitespace)
    }

    /// The body as text; invalid UTF-8 is replaced.
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// A header value, if present and visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// This response as an [`Error::Api`], for a status the operation accepted but then treats as a failure.
    pub fn to_error(&self) -> Error {
        let mut api = ApiError::from_body(self.status, &self.body);
        api.request_id = Some(self.request_id.clone());
        api.correlation_id = self.correlation_id.clone();
        api.retry_after = self
            .header("retry-after")
            .and_then(|v| crate::retry::parse_retry_after(v, std::time::SystemTime::now()));
        Error::Api(Box::new(api))
    }

    /// A Decode error about this response, with the start of its body.
    pub fn decode_error(&self, message: impl Into<String>) -> Error {
        Error::Decode {
            status: self.status,
            message: message.into(),
            body_excerpt: excerpt(&self.body, DECODE_EXCERPT_CAP),
            request_id: Some(self.request_id.clone()),
        }
    }
}

/// serde's message, prefixed with the JSON path of the failing value when there is one. The path
/// costs a second parse, so it is only computed once decoding has already failed.
fn describe_failure<T: DeserializeOwned>(body: &[u8], first: serde_json::Error) -> String {
    let mut de = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) => {
            let path = e.path().to_string();
            if path.is_empty() || path == "." {
                first.to_string()
            } else {
                format!("{path}: {first}")
            }
        }
        // Cannot happen for a deterministic Deserialize, but a quirky one must not hide the error.
        Ok(_) => first.to_string(),
    }
}

impl fmt::Debug for RawResponse {
    // The body is left out: responses can carry secrets (e.g. generated credentials).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .field("request_id", &self.request_id)
            .field("correlation_id", &self.correlation_id)
            .field("attempts", &self.attempts)
            .finish()
    }
}

/// A decoded response with its metadata.
#[derive(Clone, Debug)]
pub struct Response<T> {
    pub status: u16,
    pub headers: HeaderMap,
    pub request_id: String,
    pub correlation_id: Option<String>,
    pub data: T,
}

impl<T> Response<T> {
    pub fn into_data(self) -> T {
        self.data
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn from_raw(raw: &RawResponse, data: T) -> Self {
        Response {
            status: raw.status,
            headers: raw.headers.clone(),
            request_id: raw.request_id.clone(),
            correlation_id: raw.correlation_id.clone(),
            data,
        }
    }

    /// Like [`from_raw`](Self::from_raw) without cloning the headers.
    pub fn from_raw_owned(raw: RawResponse, data: T) -> Self {
        Response {
            status: raw.status,
            headers: raw.headers,
            request_id: raw.request_id,
            correlation_id: raw.correlation_id,
            data,
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            status: self.status,
            headers: self.headers,
            request_id: self.request_id,
            correlation_id: self.correlation_id,
            data: f(self.data),
        }
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.data
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(status: u16, body: &'static [u8]) -> RawResponse {
        RawResponse {
            status,
            headers: HeaderMap::new(),
            body: Bytes::from_static(body),
            request_id: "rid".into(),
            correlation_id: None,
            attempts: 1,
        }
    }

    #[derive(serde::Deserialize, Debug, Default, PartialEq)]
    struct Thing {
        id: String,
        n: u32,
    }

    #[test]
    fn decodes_json() {
        let t: Thing = raw(200, br#"{"id":"a","n":3}"#).json().unwrap_or_default();
        assert_eq!(
            t,
            Thing {
                id: "a".into(),
                n: 3
            }
        );
    }

    #[test]
    fn decode_error_has_message_and_excerpt() {
        let r = raw(200, br#"{"id": 5, "n": 1}"#);
        match r.json::<Thing>() {
            Err(Error::Decode {
                status,
                message,
                body_excerpt,
                request_id,
            }) => {
                assert_eq!(status, 200);
                assert!(message.starts_with("id: invalid type"), "{message}");
                assert!(message.contains("column"), "{message}");
                assert_eq!(body_excerpt, r#"{"id": 5, "n": 1}"#);
                assert_eq!(request_id.as_deref(), Some("rid"));
            }
            other => panic!("expected decode error, got {other:?}"),
        }
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Outer {
        inner: Vec<Thing>,
    }

    #[test]
    fn decode_error_names_the_json_path() {
        let r = raw(
            200,
            br#"{"inner": [{"id": "a", "n": 1}, {"id": "b", "n": "x"}]}"#,
        );
        let msg = match r.json::<Outer>() {
            Err(Error::Decode { message, .. }) => message,
            other => panic!("expected decode error, got {other:?}"),
        };
        assert!(msg.starts_with("inner[1].n: invalid type: string"), "{msg}");
        // Syntax errors have no path: serde's own message with line and column stays.
        let msg = match raw(200, b"{\"inner\": [").json::<Outer>() {
            Err(Error::Decode { message, .. }) => message,
            other => panic!("expected decode error, got {other:?}"),
        };
        assert!(msg.contains("line 1"), "{msg}");
    }

    #[test]
    fn empty_body_for_unit_value_and_option() {
        let r = raw(204, b"");
        assert!(r.is_empty());
        assert!(r.json::<()>().is_ok());
        assert_eq!(
            r.json::<serde_json::Value>().ok(),
            Some(serde_json::Value::Null)
        );
        assert_eq!(r.json::<Option<Thing>>().ok(), Some(None));
        assert!(matches!(
            r.json::<Thing>(),
            Err(Error::Decode { status: 204, .. })
        ));
        assert_eq!(r.json_or_default::<Vec<u8>>().ok(), Some(Vec::new()));
        assert!(!raw(200, b"{}").is_empty());
    }

    #[test]
    fn debug_omits_body() {
        let r = raw(200, br#"{"password":"hunter2"}"#);
        let shown = format!("{r:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("body_len"));
    }

    #[test]
    fn response_from_raw_and_map() {
        let mut r = raw(201, b"{}");
        r.headers
            .insert("etag", reqwest::header::HeaderValue::from_static("\"v1\""));
        let resp = Response::from_raw(&r, 7u32);
        assert_eq!(resp.header("ETag"), Some("\"v1\""));
        assert_eq!(*resp, 7);
        let mapped = resp.map(|n| n * 2);
        assert_eq!(mapped.status, 201);
        assert_eq!(mapped.into_data(), 14);
        let e = raw(404, br#"{"code": 1, "description": "gone"}"#).to_error();
        assert_eq!(e.status(), Some(404));
        assert_eq!(e.request_id(), Some("rid"));
    }
}
