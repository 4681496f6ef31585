//! Microsoft Entra ID's token-endpoint answers: AADSTS-shaped error bodies and the JSON
//! success body, with the headers Entra sends (`client-request-id`, `x-ms-request-id`,
//! `Cache-Control: no-store`).
//!
//! Error texts follow Entra's where they are known (auth.md §1.6); none of them ever contains
//! a secret, an assertion, a refresh token or a device code.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::errors::{json_response, truncate};

pub const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("client-request-id");
const X_MS_REQUEST_ID: HeaderName = HeaderName::from_static("x-ms-request-id");

#[derive(Debug)]
pub struct AadError {
    pub status: StatusCode,
    pub error: &'static str,
    pub code: u32,
    pub message: String,
}

impl AadError {
    pub fn new(
        status: StatusCode,
        error: &'static str,
        code: u32,
        message: impl Into<String>,
    ) -> Self {
        AadError {
            status,
            error,
            code,
            message: message.into(),
        }
    }

    fn bad_request(error: &'static str, code: u32, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, error, code, message)
    }

    fn invalid_client(code: u32, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_client", code, message)
    }

    /// 900144: a required form field is missing.
    pub fn missing(field: &str) -> Self {
        Self::bad_request(
            "invalid_request",
            900144,
            format!("The request body must contain the following parameter: '{field}'."),
        )
    }

    /// 9002313: the request is malformed (also Entra's answer to an unknown refresh token).
    pub fn malformed(detail: &str) -> Self {
        Self::bad_request(
            "invalid_request",
            9002313,
            format!("Invalid request. Request is malformed or invalid. {detail}"),
        )
    }

    pub fn unsupported_grant(grant: &str) -> Self {
        Self::bad_request(
            "unsupported_grant_type",
            70003,
            format!(
                "The app requested an unsupported grant type '{}'.",
                truncate(grant, 100)
            ),
        )
    }

    pub fn unknown_client(client_id: &str, tenant: &str) -> Self {
        Self::bad_request(
            "unauthorized_client",
            700016,
            format!(
                "Application with identifier '{}' was not found in the directory '{}'. This can happen if the \
                 application has not been installed by the administrator of the tenant or consented to by any \
                 user in the tenant. You may have sent your authentication request to the wrong tenant.",
                truncate(client_id, 100),
                truncate(tenant, 100)
            ),
        )
    }

    pub fn wrong_secret(client_id: &str) -> Self {
        Self::invalid_client(
            7000215,
            format!(
                "Invalid client secret provided. Ensure the secret being sent in the request is the client \
                 secret value, not the client secret ID, for a secret added to app '{}'.",
                truncate(client_id, 100)
            ),
        )
    }

    pub fn credential_required() -> Self {
        Self::invalid_client(
            7000218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        )
    }

    pub fn public_client_credential() -> Self {
        Self::invalid_client(
            700025,
            "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
        )
    }

    pub fn bad_assertion(reason: &str) -> Self {
        Self::invalid_client(
            700027,
            format!("Client assertion failed validation. {reason}"),
        )
    }

    pub fn invalid_scope(detail: &str) -> Self {
        Self::bad_request("invalid_scope", 70011, detail.to_string())
    }

    pub fn bad_refresh_token() -> Self {
        Self::bad_request(
            "invalid_grant",
            9002313,
            "Invalid request. Request is malformed or invalid. The refresh token is unknown or malformed.",
        )
    }

    pub fn expired_refresh_token() -> Self {
        Self::bad_request(
            "invalid_grant",
            700082,
            "The refresh token has expired due to inactivity. The token was issued on a date and was inactive \
             for longer than its lifetime. Sign in again to get a new refresh token.",
        )
    }

    pub fn grant_of_other_client(what: &str) -> Self {
        Self::bad_request(
            "invalid_grant",
            70000,
            format!(
                "Provided grant is invalid or malformed. The {what} was issued to a different client."
            ),
        )
    }

    pub fn authorization_pending() -> Self {
        Self::bad_request(
            "authorization_pending",
            70016,
            "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
        )
    }

    pub fn slow_down(interval: u64) -> Self {
        Self::bad_request(
            "slow_down",
            70016,
            format!(
                "OAuth 2.0 device flow error. Polling too fast: wait at least {interval} seconds between polls."
            ),
        )
    }

    pub fn expired_device_code() -> Self {
        Self::bad_request(
            "expired_token",
            70020,
            "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
        )
    }

    pub fn bad_device_code() -> Self {
        Self::bad_request(
            "bad_verification_code",
            70019,
            "The provided value for the input parameter 'device_code' is not valid.",
        )
    }

    pub fn device_code_redeemed() -> Self {
        Self::bad_request(
            "invalid_grant",
            54005,
            "OAuth2 device code was already redeemed, please retry with a new valid code or use an existing \
             refresh token.",
        )
    }

    pub fn into_response(self, correlation_id: &str) -> Response {
        let trace_id = Uuid::new_v4().to_string();
        let timestamp = timestamp(SystemTime::now());
        let description = format!(
            "AADSTS{}: {}\r\nTrace ID: {trace_id}\r\nCorrelation ID: {correlation_id}\r\nTimestamp: {timestamp}",
            self.code, self.message
        );
        let body = json!({
            "error": self.error,
            "error_description": description,
            "error_codes": [self.code],
            "timestamp": timestamp,
            "trace_id": trace_id,
            "correlation_id": correlation_id,
            "error_uri": format!("https://login.microsoftonline.com/error?code={}", self.code),
        });
        with_headers(json_response(self.status, &body), correlation_id, &trace_id)
    }
}

/// A 200 JSON body from the token or device-code endpoint.
pub fn success(body: &Value, correlation_id: &str) -> Response {
    let trace_id = Uuid::new_v4().to_string();
    with_headers(
        json_response(StatusCode::OK, body),
        correlation_id,
        &trace_id,
    )
}

fn with_headers(mut resp: Response, correlation_id: &str, trace_id: &str) -> Response {
    let h = resp.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, no-cache"),
    );
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    if let Ok(v) = HeaderValue::try_from(correlation_id) {
        h.insert(CLIENT_REQUEST_ID, v);
    }
    if let Ok(v) = HeaderValue::try_from(trace_id) {
        h.insert(X_MS_REQUEST_ID, v);
    }
    resp
}

/// The `client-request-id` header when it is a sensible id (≤ 100 visible characters),
/// else a new GUID.
pub fn correlation_id(headers: &HeaderMap) -> String {
    headers
        .get(&CLIENT_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty() && v.len() <= 100 && v.chars().all(|c| c.is_ascii_graphic()))
        .map(str::to_string)
        .unwrap_or_else(|| Uuid::new_v4().to_string())
}

impl IntoResponse for AadError {
    fn into_response(self) -> Response {
        let id = Uuid::new_v4().to_string();
        AadError::into_response(self, &id)
    }
}

/// Entra's error timestamp form: `2026-12-01 21:00:00Z` (UTC).
pub fn timestamp(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    crate::datetime::format_secs(i64::try_from(secs).unwrap_or(0)).replacen('T', " ", 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn timestamps_look_like_entra() {
        assert_eq!(timestamp(UNIX_EPOCH), "1970-01-01 00:00:00Z");
        // 2026-12-01 21:00:00 UTC
        let t = UNIX_EPOCH + Duration::from_secs(1_796_158_800);
        assert_eq!(timestamp(t), "2026-12-01 21:00:00Z");
        // a leap day
        let t = UNIX_EPOCH + Duration::from_secs(1_709_164_800 + 3_661);
        assert_eq!(timestamp(t), "2024-02-29 01:01:01Z");
    }
}
