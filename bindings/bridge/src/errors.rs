//! What a binding tells its caller about a failed call, whatever language it speaks.

use sdk_runtime::Error;
use serde_json::Value;

/// The facts of one error, as every binding exposes them (Python keyword arguments, properties
/// of a JS `Error`): computed once here so the bindings only spell them.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorFields {
    /// `sdk_runtime::ErrorKind::as_str` ("not_found", "throttled", "validation",
    /// "authentication", …), or [`MFA_REQUIRED`] for Partner Center's 401 / 900421.
    pub kind: &'static str,
    pub message: String,
    pub status: Option<u16>,
    /// The Partner Center error code (`code` of the error body); for a token endpoint's refusal,
    /// its OAuth2 `error` (`invalid_client`, `invalid_grant`, …).
    pub code: Option<String>,
    /// A token endpoint's AADSTS numbers.
    pub error_codes: Vec<i64>,
    /// A token endpoint's trace id.
    pub trace_id: Option<String>,
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

/// Partner Center's answer to an App+User token without multi-factor authentication: 401 with
/// code 900421 (enforced for every App+User call since April 2026).
pub const MFA_REQUIRED: &str = "mfa_required";
const MFA_REQUIRED_CODE: &str = "900421";

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
            error_codes: Vec::new(),
            trace_id: None,
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
                if api.status == 401 && api.code.as_deref() == Some(MFA_REQUIRED_CODE) {
                    fields.kind = MFA_REQUIRED;
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
            Error::Auth(auth) => {
                fields.code = Some(auth.error.clone());
                fields.description = auth.error_description.clone();
                fields.error_codes = auth.error_codes.clone();
                fields.trace_id = auth.trace_id.clone();
                // The sign-in service's correlation id, not the client's: that is the one its
                // support asks for.
                fields.correlation_id = auth.correlation_id.clone();
            }
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
    fn mfa_and_sign_in_refusals_have_their_own_kinds_and_fields() {
        let mfa = Error::Api(Box::new(sdk_runtime::ApiError {
            status: 401,
            code: Some("900421".into()),
            ..Default::default()
        }));
        assert_eq!(ErrorFields::of(&mfa, None).kind, MFA_REQUIRED);
        let other = Error::Api(Box::new(sdk_runtime::ApiError {
            status: 401,
            code: Some("900420".into()),
            ..Default::default()
        }));
        assert_eq!(ErrorFields::of(&other, None).kind, "unauthorized");
        let refused = Error::Auth(Box::new(sdk_runtime::AuthError {
            status: 400,
            error: "invalid_grant".into(),
            error_codes: vec![700082],
            trace_id: Some("t1".into()),
            correlation_id: Some("c2".into()),
            ..Default::default()
        }));
        let f = ErrorFields::of(&refused, Some("c1"));
        assert_eq!(f.kind, "reauthentication_required");
        assert_eq!(f.code.as_deref(), Some("invalid_grant"));
        assert_eq!(f.error_codes, vec![700082]);
        assert_eq!(
            (f.trace_id.as_deref(), f.correlation_id.as_deref()),
            (Some("t1"), Some("c2"))
        );
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
