//! One logical call as generated code describes it ([`Request`]) and a caller's per-call overrides
//! ([`RequestOptions`]).

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;

use crate::error::Error;
use crate::retry::RetryPolicy;

/// One logical call, as generated code describes it.
#[derive(Clone)]
pub struct Request {
    /// operationId, for tracing.
    pub operation: &'static str,
    pub method: reqwest::Method,
    /// Already encoded, e.g. "/v1/customers/abc", or a server-given relative/absolute link.
    pub path: String,
    pub query: Vec<(Cow<'static, str>, String)>,
    pub headers: Vec<(String, String)>,
    /// Sent with Content-Type: application/json unless a `Content-Type` header says otherwise
    /// (`form`, `multipart` and `content_type` set one); reused as-is on retries.
    pub body: Option<Bytes>,
    /// Non-2xx statuses that are answers, not errors (404 for "exists").
    pub accept_statuses: &'static [u16],
    /// The operation accepts only delegated (user) tokens; a 403 then says so.
    pub requires_user: bool,
}

impl Request {
    pub fn new(operation: &'static str, method: reqwest::Method, path: impl Into<String>) -> Self {
        Self {
            operation,
            method,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            accept_statuses: &[],
            requires_user: false,
        }
    }

    pub fn query(mut self, name: impl Into<Cow<'static, str>>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Several query pairs at once (a styled array or object, see [`crate::styles`]).
    pub fn query_pairs(mut self, pairs: Vec<(String, String)>) -> Self {
        self.query
            .extend(pairs.into_iter().map(|(k, v)| (Cow::Owned(k), v)));
        self
    }

    /// A cookie; several join into one `Cookie` header.
    pub fn cookie(mut self, name: &str, value: &str) -> Self {
        let pair = format!("{name}={value}");
        match self
            .headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case("cookie"))
        {
            Some((_, existing)) => {
                existing.push_str("; ");
                existing.push_str(&pair);
            }
            None => self.headers.push(("Cookie".to_string(), pair)),
        }
        self
    }

    /// The body's media type, when it is not JSON.
    pub fn content_type(self, media: impl Into<String>) -> Self {
        self.header("Content-Type", media)
    }

    /// An `application/x-www-form-urlencoded` body.
    pub fn form(self, form: crate::body::FormBody) -> Self {
        self.content_type("application/x-www-form-urlencoded")
            .body(form.into_bytes())
    }

    /// A `multipart/form-data` body.
    pub fn multipart(self, parts: crate::body::MultipartBody) -> Self {
        let media = parts.content_type();
        self.content_type(media).body(parts.into_bytes())
    }

    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Serializes `value` as the JSON body.
    pub fn json<T: serde::Serialize + ?Sized>(mut self, value: &T) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(value)
            .map_err(|e| Error::Config(format!("cannot serialize the request body: {e}")))?;
        self.body = Some(Bytes::from(bytes));
        Ok(self)
    }

    pub fn accept_statuses(mut self, statuses: &'static [u16]) -> Self {
        self.accept_statuses = statuses;
        self
    }

    /// Marks the operation as one that only delegated (user) tokens may call.
    pub fn requires_user(mut self) -> Self {
        self.requires_user = true;
        self
    }
}

impl fmt::Debug for Request {
    // Bodies and header values can hold secrets: only their shape is shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self.headers.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("Request")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &header_names)
            .field("body_len", &self.body.as_ref().map(Bytes::len))
            .field("accept_statuses", &self.accept_statuses)
            .field("requires_user", &self.requires_user)
            .finish()
    }
}

/// Per-call overrides.
#[derive(Clone, Default)]
pub struct RequestOptions {
    /// Reuse a request id, e.g. to replay an idempotent create after a crash.
    pub request_id: Option<String>,
    pub timeout: Option<Duration>,
    pub retry: Option<RetryPolicy>,
    /// Win over default and operation headers; an explicit `Authorization` here replaces the token provider.
    pub headers: Vec<(String, String)>,
    /// Sent instead of the body the operation encoded itself: a binding with validation off sends
    /// the caller's JSON as given (members the model does not know included).
    pub raw_body: Option<Bytes>,
}

impl RequestOptions {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_request_id(mut self, id: impl Into<String>) -> Self {
        self.request_id = Some(id.into());
        self
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }

    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self.headers.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("RequestOptions")
            .field("request_id", &self.request_id)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("headers", &header_names)
            .field("raw_body_len", &self.raw_body.as_ref().map(Bytes::len))
            .finish()
    }
}
