//! One error type for every way a call can fail, with the service's error body parsed when there is one.

use std::fmt;
use std::time::Duration;

use serde_json::Value;

use crate::retry::is_retryable_status;

/// Cap on [`ApiError::body`]: enough for any structured error, bounded for HTML error pages.
pub const API_BODY_CAP: usize = 4 * 1024;
/// Cap on [`Error::Decode`]'s `body_excerpt`.
pub const DECODE_EXCERPT_CAP: usize = 1024;

#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Any non-success status (including 429: kind Throttled, `retry_after` set).
    #[error(transparent)]
    Api(Box<ApiError>),
    /// Client-side validation failed, before any request.
    #[error("validation failed: {0}")]
    Validation(ValidationError),
    /// The request did not get a response: connection refused or reset, DNS, TLS, body read error.
    #[error("transport error: {message}{}", RequestIdSuffix(request_id.as_deref()))]
    Transport {
        message: String,
        request_id: Option<String>,
    },
    /// One attempt took longer than the per-attempt timeout.
    #[error("timed out after {after:?}{}", RequestIdSuffix(request_id.as_deref()))]
    Timeout {
        after: Duration,
        request_id: Option<String>,
    },
    /// A response arrived but its body was not what the operation expects.
    #[error("could not decode the {status} response: {message}{}", RequestIdSuffix(request_id.as_deref()))]
    Decode {
        status: u16,
        message: String,
        /// The start of the body, capped at [`DECODE_EXCERPT_CAP`] bytes.
        body_excerpt: String,
        request_id: Option<String>,
    },
    /// Bad builder input (no token, bad URL, bad header value...).
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The sign-in service (an OAuth2 token endpoint) refused to issue a token.
    #[error(transparent)]
    Auth(Box<AuthError>),
}

/// A token endpoint's refusal, with the fields of its OAuth2 / Microsoft Entra error body.
///
/// React to [`AuthError::error`] (the OAuth2 code); `error_codes` and `error_description` are for
/// people and may change wording over time.
#[derive(Debug, Clone, Default)]
pub struct AuthError {
    /// The HTTP status of the token endpoint's answer (0 when the flow itself gave up, e.g. a
    /// device code that expired while waiting for the user).
    pub status: u16,
    /// The OAuth2 `error`: `invalid_client`, `invalid_grant`, `interaction_required`, …
    pub error: String,
    pub error_description: Option<String>,
    /// Microsoft Entra's AADSTS numbers.
    pub error_codes: Vec<i64>,
    pub trace_id: Option<String>,
    pub correlation_id: Option<String>,
    pub timestamp: Option<String>,
}

impl AuthError {
    /// Parses a token endpoint's error body; anything that is not the OAuth2 shape still gives an
    /// error naming the status.
    pub fn from_body(status: u16, body: &[u8]) -> Self {
        let mut err = AuthError {
            status,
            ..AuthError::default()
        };
        if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) {
            let text = |k: &str| map.get(k).and_then(scalar_text);
            err.error = text("error").unwrap_or_default();
            err.error_description = text("error_description");
            err.error_codes = match map.get("error_codes") {
                Some(Value::Array(codes)) => codes.iter().filter_map(Value::as_i64).collect(),
                _ => Vec::new(),
            };
            err.trace_id = text("trace_id");
            err.correlation_id = text("correlation_id");
            err.timestamp = text("timestamp");
        }
        if err.error.is_empty() {
            err.error = "unexpected_response".into();
            err.error_description = Some(format!(
                "the token endpoint answered {status}: {}",
                excerpt(body, 200)
            ));
        }
        err
    }

    /// The stored sign-in is dead (expired or revoked refresh token, consent or MFA needed again):
    /// only a person signing in again can fix it.
    pub fn needs_reauthentication(&self) -> bool {
        matches!(
            self.error.as_str(),
            "invalid_grant" | "interaction_required" | "consent_required" | "login_required"
        )
    }

    /// Whether asking again later may succeed.
    pub fn is_transient(&self) -> bool {
        self.error == "temporarily_unavailable" || is_retryable_status(self.status)
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sign-in failed: {}", self.error)?;
        if let Some(d) = &self.error_description {
            // Entra's description is one line in practice; keep a log line a line.
            let line: String = d
                .chars()
                .take(400)
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            write!(f, ": {}", line.trim())?;
        }
        if self.needs_reauthentication() {
            f.write_str(
                " (sign in again: the stored refresh token or consent is no longer valid)",
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for AuthError {}

/// A non-success answer from the service, with whatever its body told us.
#[derive(Debug, Clone, Default)]
pub struct ApiError {
    pub status: u16,
    /// `code` (int or string on the wire, kept as its text).
    pub code: Option<String>,
    /// `description`, else `message`.
    pub description: Option<String>,
    pub data: Vec<Value>,
    pub source: Option<String>,
    /// `errorName`.
    pub error_name: Option<String>,
    /// `isRetryable`.
    pub retryable_hint: Option<bool>,
    /// What the client knows that the body does not say, e.g. that the operation needs a
    /// delegated (App+User) token; shown after the description.
    pub hint: Option<String>,
    pub request_id: Option<String>,
    pub correlation_id: Option<String>,
    /// The server's Retry-After, uncapped (the retry loop applies its own cap).
    pub retry_after: Option<Duration>,
    /// The raw body, capped at [`API_BODY_CAP`] bytes.
    pub body: String,
}

impl ApiError {
    /// Parses an error body leniently: any JSON object is mined for the usual fields, anything else
    /// (HTML, text, empty) leaves them `None` and only `body` keeps an excerpt.
    pub fn from_body(status: u16, body: &[u8]) -> Self {
        let mut err = ApiError {
            status,
            body: excerpt(body, API_BODY_CAP),
            ..ApiError::default()
        };
        let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
            return err;
        };
        err.code = map.get("code").and_then(scalar_text);
        err.description = map
            .get("description")
            .and_then(scalar_text)
            .or_else(|| map.get("message").and_then(scalar_text));
        err.data = match map.get("data") {
            Some(Value::Array(items)) => items.clone(),
            _ => Vec::new(),
        };
        err.source = map.get("source").and_then(scalar_text);
        err.error_name = map.get("errorName").and_then(scalar_text);
        err.retryable_hint = match map.get("isRetryable") {
            Some(Value::Bool(b)) => Some(*b),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Some(true),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        };
        err
    }

    pub fn kind(&self) -> ErrorKind {
        ErrorKind::from_status(self.status)
    }
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.status)?;
        if let Some(reason) = reqwest::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
        {
            write!(f, " {reason}")?;
        }
        if let Some(code) = &self.code {
            write!(f, " (code {code})")?;
        }
        match &self.description {
            Some(d) => write!(f, ": {d}")?,
            None if !self.body.is_empty() => {
                // No structured message: a short, single-line taste of the body beats nothing.
                let line: String = self
                    .body
                    .chars()
                    .take(200)
                    .map(|c| if c.is_control() { ' ' } else { c })
                    .collect();
                write!(f, ": {}", line.trim())?;
            }
            None => {}
        }
        if let Some(hint) = &self.hint {
            write!(f, " ({hint})")?;
        }
        if let Some(after) = self.retry_after {
            write!(f, " (retry after {after:?})")?;
        }
        RequestIdSuffix(self.request_id.as_deref()).fmt(f)
    }
}

impl std::error::Error for ApiError {}

struct RequestIdSuffix<'a>(Option<&'a str>);

impl fmt::Display for RequestIdSuffix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(id) => write!(f, " [request id {id}]"),
            None => Ok(()),
        }
    }
}

/// A coarse classification, stable across bindings (`as_str` is what Python/Node see).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    PreconditionFailed,
    Throttled,
    Server,
    OtherStatus,
    Validation,
    Transport,
    Timeout,
    Decode,
    Config,
    /// The token endpoint refused (bad secret or certificate, unknown client, bad scope, …).
    Authentication,
    /// The token endpoint refused a stored sign-in that only a person can renew.
    ReauthenticationRequired,
}

impl ErrorKind {
    pub const ALL: [ErrorKind; 16] = [
        ErrorKind::BadRequest,
        ErrorKind::Unauthorized,
        ErrorKind::Forbidden,
        ErrorKind::NotFound,
        ErrorKind::Conflict,
        ErrorKind::PreconditionFailed,
        ErrorKind::Throttled,
        ErrorKind::Server,
        ErrorKind::OtherStatus,
        ErrorKind::Validation,
        ErrorKind::Transport,
        ErrorKind::Timeout,
        ErrorKind::Decode,
        ErrorKind::Config,
        ErrorKind::Authentication,
        ErrorKind::ReauthenticationRequired,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            ErrorKind::BadRequest => "bad_request",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::PreconditionFailed => "precondition_failed",
            ErrorKind::Throttled => "throttled",
            ErrorKind::Server => "server",
            ErrorKind::OtherStatus => "other_status",
            ErrorKind::Validation => "validation",
            ErrorKind::Transport => "transport",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Decode => "decode",
            ErrorKind::Config => "config",
            ErrorKind::Authentication => "authentication",
            ErrorKind::ReauthenticationRequired => "reauthentication_required",
        }
    }

    /// The kind of an error status.
    pub fn from_status(status: u16) -> Self {
        match status {
            400 => ErrorKind::BadRequest,
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::Conflict,
            412 => ErrorKind::PreconditionFailed,
            429 => ErrorKind::Throttled,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::OtherStatus,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Api(api) => api.kind(),
            Error::Validation(_) => ErrorKind::Validation,
            Error::Transport { .. } => ErrorKind::Transport,
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::Decode { .. } => ErrorKind::Decode,
            Error::Config(_) => ErrorKind::Config,
            Error::Auth(a) if a.needs_reauthentication() => ErrorKind::ReauthenticationRequired,
            Error::Auth(_) => ErrorKind::Authentication,
        }
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether trying the same call again may succeed: what the retry loop uses.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(api) => is_retryable_status(api.status),
            Error::Transport { .. } | Error::Timeout { .. } => true,
            Error::Validation(_) | Error::Decode { .. } | Error::Config(_) => false,
            // The token endpoint already had its own retries.
            Error::Auth(_) => false,
        }
    }

    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.request_id.as_deref(),
            Error::Transport { request_id, .. }
            | Error::Timeout { request_id, .. }
            | Error::Decode { request_id, .. } => request_id.as_deref(),
            Error::Validation(_) | Error::Config(_) | Error::Auth(_) => None,
        }
    }

    pub fn auth(&self) -> Option<&AuthError> {
        match self {
            Error::Auth(a) => Some(a),
            _ => None,
        }
    }

    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    pub fn validation(&self) -> Option<&ValidationError> {
        match self {
            Error::Validation(v) => Some(v),
            _ => None,
        }
    }

    /// How long the server asked us to wait, if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api().and_then(|a| a.retry_after)
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

impl From<AuthError> for Error {
    fn from(e: AuthError) -> Self {
        Error::Auth(Box::new(e))
    }
}

impl From<ValidationError> for Error {
    fn from(e: ValidationError) -> Self {
        Error::Validation(e)
    }
}

/// One client-side validation failure. `path` uses wire names: `billingProfile.defaultAddress.city`, `items[2].id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Every field error found, not just the first: users fix a request in one go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    pub errors: Vec<FieldError>,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.errors.is_empty() {
            return f.write_str("invalid value");
        }
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            e.fmt(f)?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationError {}

/// The first `cap` bytes of `body` as text, cut on a character boundary; invalid UTF-8 is replaced.
pub(crate) fn excerpt(body: &[u8], cap: usize) -> String {
    let slice = &body[..body.len().min(cap)];
    match std::str::from_utf8(slice) {
        Ok(s) => s.to_owned(),
        // Only the cut split a character: drop the partial tail instead of showing U+FFFD.
        Err(e) if e.error_len().is_none() => {
            String::from_utf8_lossy(&slice[..e.valid_up_to()]).into_owned()
        }
        Err(_) => {
            let mut s = String::from_utf8_lossy(slice).into_owned();
            // Replacement characters are 3 bytes where the original may have been 1: keep the cap.
            while s.len() > cap {
                s.pop();
            }
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_partner_center_style_body() {
        let body = br#"{"code": 60003, "description": "Tenant not found", "data": [1, "x"], "source": "PartnerFD", "errorName": "TenantNotFound", "isRetryable": false}"#;
        let e = ApiError::from_body(404, body);
        assert_eq!(e.code.as_deref(), Some("60003"));
        assert_eq!(e.description.as_deref(), Some("Tenant not found"));
        assert_eq!(e.data.len(), 2);
        assert_eq!(e.source.as_deref(), Some("PartnerFD"));
        assert_eq!(e.error_name.as_deref(), Some("TenantNotFound"));
        assert_eq!(e.retryable_hint, Some(false));
        assert_eq!(e.kind(), ErrorKind::NotFound);
        assert_eq!(e.body.as_bytes(), body);
    }

    #[test]
    fn parses_message_and_string_code() {
        let e = ApiError::from_body(
            429,
            br#"{"statusCode": 429, "code": "TooMany", "message": "Rate limit is exceeded.", "data": {"not": "array"}}"#,
        );
        assert_eq!(e.code.as_deref(), Some("TooMany"));
        assert_eq!(e.description.as_deref(), Some("Rate limit is exceeded."));
        assert!(e.data.is_empty());
        assert_eq!(e.retryable_hint, None);
    }

    #[test]
    fn description_wins_over_message() {
        let e = ApiError::from_body(400, br#"{"message": "m", "description": "d"}"#);
        assert_eq!(e.description.as_deref(), Some("d"));
    }

    #[test]
    fn non_json_body_is_kept_capped() {
        let html = format!("<html>{}</html>", "x".repeat(10_000));
        let e = ApiError::from_body(502, html.as_bytes());
        assert_eq!(e.code, None);
        assert_eq!(e.description, None);
        assert_eq!(e.body.len(), API_BODY_CAP);
        assert!(e.body.starts_with("<html>xxx"));
        let shown = Error::from(e).to_string();
        assert!(shown.starts_with("502 Bad Gateway: <html>xxx"), "{shown}");
        assert!(shown.len() < 300, "display must stay one short line");
    }

    #[test]
    fn json_array_or_scalar_bodies_are_tolerated() {
        for body in [
            &b"[1,2]"[..],
            b"42",
            b"null",
            b"",
            b"{\"code\": {\"nested\": 1}}",
        ] {
            let e = ApiError::from_body(500, body);
            assert_eq!(e.code, None);
            assert_eq!(e.description, None);
        }
    }

    #[test]
    fn display_is_one_clear_line() {
        let mut e = ApiError::from_body(
            404,
            br#"{"code": 60003, "description": "Tenant not found"}"#,
        );
        e.request_id = Some("rid-1".into());
        assert_eq!(
            Error::from(e).to_string(),
            "404 Not Found (code 60003): Tenant not found [request id rid-1]"
        );
        let mut t = ApiError::from_body(429, br#"{"message": "slow down"}"#);
        t.retry_after = Some(Duration::from_secs(5));
        assert_eq!(
            Error::from(t).to_string(),
            "429 Too Many Requests: slow down (retry after 5s)"
        );
        let odd = ApiError::from_body(599, b"");
        assert_eq!(odd.to_string(), "599");
    }

    #[test]
    fn kinds_from_status() {
        let cases = [
            (400, ErrorKind::BadRequest),
            (401, ErrorKind::Unauthorized),
            (403, ErrorKind::Forbidden),
            (404, ErrorKind::NotFound),
            (409, ErrorKind::Conflict),
            (412, ErrorKind::PreconditionFailed),
            (429, ErrorKind::Throttled),
            (500, ErrorKind::Server),
            (503, ErrorKind::Server),
            (418, ErrorKind::OtherStatus),
            (302, ErrorKind::OtherStatus),
        ];
        for (status, kind) in cases {
            let e = Error::from(ApiError::from_body(status, b""));
            assert_eq!(e.kind(), kind, "{status}");
            assert_eq!(e.status(), Some(status));
        }
    }

    #[test]
    fn kind_names_are_distinct_snake_case() {
        let names: std::collections::HashSet<_> =
            ErrorKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names.len(), ErrorKind::ALL.len());
        assert_eq!(
            ErrorKind::PreconditionFailed.as_str(),
            "precondition_failed"
        );
        assert_eq!(ErrorKind::OtherStatus.to_string(), "other_status");
    }

    #[test]
    fn validation_display_lists_every_error() {
        let v = ValidationError {
            errors: vec![
                FieldError {
                    path: "billingProfile.email".into(),
                    message: "is required".into(),
                },
                FieldError {
                    path: "items[2].id".into(),
                    message: "must be at most 3 characters".into(),
                },
            ],
        };
        assert_eq!(
            v.to_string(),
            "billingProfile.email: is required; items[2].id: must be at most 3 characters"
        );
        let e = Error::from(v);
        assert_eq!(e.kind(), ErrorKind::Validation);
        assert!(!e.is_retryable());
        assert!(
            e.to_string()
                .contains("items[2].id: must be at most 3 characters")
        );
    }

    #[test]
    fn excerpt_respects_cap_and_char_boundaries() {
        assert_eq!(excerpt(b"hello", 3), "hel");
        assert_eq!(excerpt("héllo".as_bytes(), 2), "h");
        assert_eq!(excerpt(b"", 10), "");
        let bad = [0xffu8; 10];
        assert!(excerpt(&bad, 4).len() <= 4);
    }

    #[test]
    fn retryability() {
        assert!(
            Error::Transport {
                message: "x".into(),
                request_id: None
            }
            .is_retryable()
        );
        assert!(
            Error::Timeout {
                after: Duration::from_secs(1),
                request_id: None
            }
            .is_retryable()
        );
        assert!(!Error::Config("x".into()).is_retryable());
        assert!(Error::from(ApiError::from_body(503, b"")).is_retryable());
        assert!(!Error::from(ApiError::from_body(404, b"")).is_retryable());
    }
}
