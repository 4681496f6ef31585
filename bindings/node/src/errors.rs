//! `sdk_runtime::Error` → the JS `Error` a failed call rejects with (docs/contract.md §5).
//!
//! The fields are computed in pure Rust ([`error_fields`], unit-tested); [`js_error`] only copies
//! them onto a JS `Error` object on the JS thread. `lib/errors.js` turns that object into a
//! `PartnerCenterError`. Nothing here ever sees the token.

use bridge::ErrorFields;
use napi::bindgen_prelude::*;
use sdk_runtime::Error as PcError;
use serde_json::{Map, Value, json};

/// The properties of the JS error for `err`: `kind`, `status`, `partnerCenterCode`,
/// `description`, `data`, `source`, `requestId`, `correlationId`, `retryAfter` (seconds),
/// `errors` (`[{path, message}]`), `body`, and for a sign-in refused by the token endpoint
/// `error` (the OAuth2 error), `errorDescription`, `errorCodes` (AADSTS numbers) and `traceId`
/// (`correlationId` is then the token endpoint's). `correlation_id` is the client's, reported for
/// failures that reached (or tried to reach) the network when the answer carried none.
pub fn error_fields(err: &PcError, correlation_id: Option<&str>) -> Map<String, Value> {
    let f = ErrorFields::of(err, correlation_id);
    let signin = matches!(err, PcError::Auth(_));
    let errors: Vec<Value> = f
        .errors
        .iter()
        .map(|(path, message)| json!({"path": path, "message": message}))
        .collect();
    let mut m = Map::new();
    m.insert("kind".into(), json!(f.kind));
    m.insert("status".into(), json!(f.status));
    // A token endpoint's `error` is not a Partner Center code: it goes to `error`.
    m.insert(
        "partnerCenterCode".into(),
        if signin { Value::Null } else { json!(f.code) },
    );
    m.insert("description".into(), json!(f.description));
    m.insert("data".into(), Value::Array(f.data));
    m.insert("source".into(), json!(f.source));
    m.insert("requestId".into(), json!(f.request_id));
    m.insert("correlationId".into(), json!(f.correlation_id));
    m.insert("retryAfter".into(), json!(f.retry_after));
    m.insert("errors".into(), Value::Array(errors));
    m.insert("body".into(), json!(f.body));
    m.insert(
        "error".into(),
        if signin { json!(f.code) } else { Value::Null },
    );
    m.insert(
        "errorDescription".into(),
        if signin {
            json!(f.description)
        } else {
            Value::Null
        },
    );
    m.insert("errorCodes".into(), json!(f.error_codes));
    m.insert("traceId".into(), json!(f.trace_id));
    m
}

/// A real JS `Error` (message: the Rust error's text) carrying [`error_fields`], wrapped in a
/// `napi::Error` that references it, so a Promise rejects with exactly this object.
pub fn js_error(env: &Env, err: &PcError, correlation_id: Option<&str>) -> napi::Error {
    error_object(env, &err.to_string(), error_fields(err, correlation_id))
}

/// The message of a call stopped by its `AbortSignal` (or by the end of its JS environment).
pub const ABORTED_MESSAGE: &str = "the call was aborted";

/// The fields of a call stopped before it ended: `kind: "aborted"`, the client's correlation id,
/// everything else empty (no answer was read; `lib/runtime.js` adds the signal's reason).
pub fn aborted_fields(correlation_id: Option<&str>) -> Map<String, Value> {
    let mut m = error_fields(
        &PcError::Transport {
            message: String::new(),
            request_id: None,
        },
        correlation_id,
    );
    m.insert("kind".into(), json!("aborted"));
    m
}

/// The JS error a stopped call rejects with ([`aborted_fields`]).
pub fn aborted_error(env: &Env, correlation_id: Option<&str>) -> napi::Error {
    error_object(env, ABORTED_MESSAGE, aborted_fields(correlation_id))
}

fn error_object(env: &Env, message: &str, fields: Map<String, Value>) -> napi::Error {
    let build = || -> Result<napi::Error> {
        let mut obj = env.create_error(napi::Error::new(Status::GenericFailure, message))?;
        for (name, value) in fields {
            obj.set_named_property(&name, value)?;
        }
        Ok(napi::Error::from(obj.to_unknown()))
    };
    build().unwrap_or_else(|e| e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sdk_runtime::{ApiError, FieldError, ValidationError};
    use std::time::Duration;

    #[test]
    fn api_error_fields() {
        let api = ApiError {
            status: 429,
            code: Some("429".into()),
            description: Some("Rate limit".into()),
            data: vec![json!("x")],
            source: Some("PartnerFD".into()),
            error_name: None,
            retryable_hint: None,
            hint: None,
            request_id: Some("r1".into()),
            correlation_id: None,
            retry_after: Some(Duration::from_millis(1500)),
            body: "{}".into(),
        };
        let m = error_fields(&PcError::Api(Box::new(api)), Some("c1"));
        assert_eq!(m["kind"], "throttled");
        assert_eq!(m["status"], 429);
        assert_eq!(m["partnerCenterCode"], "429");
        assert_eq!(m["retryAfter"], 1.5);
        assert_eq!(m["requestId"], "r1");
        assert_eq!(m["correlationId"], "c1");
        assert_eq!(m["data"], json!(["x"]));
        assert_eq!(m["errors"], json!([]));
    }

    #[test]
    fn validation_and_transport_fields() {
        let v = PcError::Validation(ValidationError {
            errors: vec![FieldError {
                path: "billingProfile.email".into(),
                message: "is required".into(),
            }],
        });
        let m = error_fields(&v, Some("c1"));
        assert_eq!(m["kind"], "validation");
        assert_eq!(m["status"], Value::Null);
        assert_eq!(m["correlationId"], Value::Null);
        assert_eq!(
            m["errors"],
            json!([{"path": "billingProfile.email", "message": "is required"}])
        );
        let t = PcError::Transport {
            message: "refused".into(),
            request_id: Some("r2".into()),
        };
        let m = error_fields(&t, Some("c1"));
        assert_eq!(m["kind"], "transport");
        assert_eq!(m["requestId"], "r2");
        assert_eq!(m["correlationId"], "c1");
        assert_eq!(m.len(), 15);
        assert_eq!(m["errorCodes"], json!([]));
        assert_eq!(m["error"], Value::Null);
    }

    #[test]
    fn aborted_fields_name_the_kind_only() {
        let m = aborted_fields(Some("c1"));
        assert_eq!(m["kind"], "aborted");
        assert_eq!(m["correlationId"], "c1");
        assert_eq!(m["status"], Value::Null);
        assert_eq!(m["requestId"], Value::Null);
        assert_eq!(m.len(), 15);
    }

    #[test]
    fn sign_in_fields() {
        let auth = sdk_runtime::AuthError {
            status: 400,
            error: "invalid_grant".into(),
            error_description: Some("AADSTS700082: The refresh token has expired".into()),
            error_codes: vec![700082],
            trace_id: Some("t1".into()),
            correlation_id: Some("c-endpoint".into()),
            timestamp: None,
        };
        let m = error_fields(&PcError::Auth(Box::new(auth)), Some("c-client"));
        assert_eq!(m["kind"], "reauthentication_required");
        assert_eq!(m["error"], "invalid_grant");
        assert_eq!(
            m["errorDescription"],
            "AADSTS700082: The refresh token has expired"
        );
        assert_eq!(m["errorCodes"], json!([700082]));
        assert_eq!(m["traceId"], "t1");
        assert_eq!(m["correlationId"], "c-endpoint");
        assert_eq!(m["partnerCenterCode"], Value::Null);
    }
}
