//! What a binding tells its caller about a failed call, whatever language it speaks.

use sdk_runtime::Error;
use serde_json::Value;

/// The facts of one error, as every binding exposes them (Python keyword arguments, properties
/// of a JS `Error`): computed once here so the bindings only spell them.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorFields {
    /// `sdk_runtime::ErrorKind::as_str`: "not_found", "throttled", "validation", …
    pub kind: &'static str,
    pub message: String,
    pub status: Option<u16>,
    /// The Partner Center error code (`code` of the error body).
    pub code: Option<String>,
    pub description: Option<String>,
    pub data: Vec<Value>,
    pub source: Option<String>,
    pub request_id: Option<String>,
    pub correlation_id: Option<String>,
    /// Seconds, from `Retry-After`.
    pub retry_after: Option<f64>,
    /// Client-side validation errors: `(path, message)`.
    pub errors: Vec<(String, String)>,
    /// The response body (capped), or the excerpt that failed to decode.
    pub body: Option<String>,
}

impl ErrorFields {
    /// The fields of `err`. `client_correlation_id` is reported for failures that reached (or
    /// tried to reach) the network when the answer carried none; never for validation or
    /// configuration errors, which happen before any request.
    pub fn of(err: &Error, client_correlation_id: Option<&str>) -> ErrorFields {
        let mut fields = ErrorFields {
            kind: err.kind().as_str(),
            message: err.to_string(),
            status: err.status(),
            code: None,
            description: None,
            data: Vec::new(),
            source: None,
            request_id: err.request_id().map(str::to_string),
            correlation_id: match err {
                Error::Validation(_) | Error::Config(_) => None,
                _ => client_correlation_id.map(str::to_string),
            },
            retry_after: None,
            errors: Vec::new(),
            body: None,
        };
        match err {
            Error::Api(api) => {
                fields.code = api.code.clone();
                fields.description = api.description.clone();
                fields.source = api.source.clone();
                fields.body = Some(api.body.clone());
                fields.retry_after = api.retry_after.map(|d| d.as_secs_f64());
                fields.data = api.data.clone();
                if api.correlation_id.is_some() {
                    fields.correlation_id = api.correlation_id.clone();
                }
            }
            Error::Validation(v) => {
                fields.errors = v
                    .errors
                    .iter()
                    .map(|e| (e.path.clone(), e.message.clone()))
                    .collect();
            }
            Error::Decode { body_excerpt, .. } => fields.body = Some(body_excerpt.clone()),
            _ => {}
        }
        fields
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sdk_runtime::{FieldError, ValidationError};

    #[test]
    fn validation_errors_carry_paths_and_no_correlation_id() {
        let err = Error::Validation(ValidationError {
            errors: vec![FieldError {
                path: "billingProfile.email".into(),
                message: "is required".into(),
            }],
        });
        let f = ErrorFields::of(&err, Some("c1"));
        assert_eq!(f.kind, "validation");
        assert_eq!(
            f.errors,
            vec![(
                "billingProfile.email".to_string(),
                "is required".to_string()
            )]
        );
        assert_eq!(f.correlation_id, None, "nothing was sent");
        assert_eq!(f.status, None);
    }

    #[test]
    fn transport_errors_report_the_clients_correlation_id() {
        let err = Error::Transport {
            message: "connection refused".into(),
            request_id: Some("r1".into()),
        };
        let f = ErrorFields::of(&err, Some("c1"));
        assert_eq!(
            (f.kind, f.correlation_id.as_deref(), f.request_id.as_deref()),
            ("transport", Some("c1"), Some("r1"))
        );
    }
}
