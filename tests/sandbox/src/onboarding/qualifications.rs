//! Customer qualifications with asynchronous vetting (reference-2 §4.2–§4.4) and the
//! partner's GCC validation codes (§5).

use std::sync::{Mutex, MutexGuard};

use serde::Serialize;
use serde_json::Value;

use crate::datetime;
use crate::errors::{ApiError, truncate};
use crate::wire::Reader;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Vetting {
    InReview,
    Approved,
    Denied,
}

/// The latest qualification asked for a customer.
#[derive(Clone, Debug)]
pub struct Qualification {
    /// Canonical PascalCase name.
    pub kind: &'static str,
    pub status: Vetting,
    pub reason: Option<String>,
    /// Unix seconds (emulator clock).
    pub created: i64,
    pub education_segment: Option<&'static str>,
    pub website: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QualificationView<'a> {
    qualification: &'static str,
    vetting_status: Vetting,
    #[serde(skip_serializing_if = "Option::is_none")]
    vetting_reason: Option<&'a str>,
    vetting_create_date: String,
}

impl Qualification {
    pub fn view(&self) -> QualificationView<'_> {
        QualificationView {
            qualification: self.kind,
            vetting_status: self.status,
            vetting_reason: self.reason.as_deref(),
            vetting_create_date: datetime::format_secs(self.created),
        }
    }

    /// In review or approved: it cannot be replaced (after a denial it can).
    pub fn blocks_new(&self) -> bool {
        self.status != Vetting::Denied
    }
}

pub const EDUCATION: &str = "Education";
pub const GCC: &str = "GovernmentCommunityCloud";
pub const SOE: &str = "StateOwnedEntity";

/// A create request after its field checks.
#[derive(Debug)]
pub struct QualificationRequest {
    pub kind: &'static str,
    pub education_segment: Option<&'static str>,
    pub website: Option<String>,
    /// GCC only: the body's `validationCode`, else the legacy `?code=`.
    pub validation_code: Option<String>,
}

fn canonical<'a>(value: &str, names: &[&'a str]) -> Option<&'a str> {
    names
        .iter()
        .find(|n| n.eq_ignore_ascii_case(value.trim()))
        .copied()
}

/// Reads `POST /v1/customers/{id}/qualifications`: `qualification` one of Education,
/// GovernmentCommunityCloud, StateOwnedEntity (any case); Education needs `educationSegment`
/// K12 or HigherEducation; GCC needs `validationCode` (or `query_code`).
pub fn parse(body: &Value, query_code: Option<&str>) -> Result<QualificationRequest, ApiError> {
    if !body.is_object() {
        return Err(ApiError::bad_input(
            "the body must be a JSON object (a CustomerQualificationRequest)",
        ));
    }
    let mut errors = Vec::new();
    let mut r = Reader {
        errors: &mut errors,
    };
    let kind = r.required(Some(body), "qualification", "qualification");
    let segment = r.string(body, "educationsegment", "educationSegment");
    let website = r.string(body, "website", "website");
    let code = r
        .string(body, "validationcode", "validationCode")
        .filter(|c| !c.trim().is_empty())
        .or_else(|| {
            query_code
                .map(str::to_string)
                .filter(|c| !c.trim().is_empty())
        });
    let kind = kind.and_then(|k| {
        let c = canonical(&k, &[EDUCATION, GCC, SOE]);
        if c.is_none() {
            r.errors.push(format!(
                "qualification must be Education, GovernmentCommunityCloud or StateOwnedEntity, got '{}'",
                truncate(&k, 50)
            ));
        }
        c
    });
    let mut education_segment = None;
    if kind == Some(EDUCATION) {
        education_segment = segment
            .as_deref()
            .and_then(|s| canonical(s, &["K12", "HigherEducation"]));
        if education_segment.is_none() {
            r.errors.push(
                "educationSegment must be K12 or HigherEducation for an Education qualification"
                    .into(),
            );
        }
    }
    if kind == Some(GCC) && code.is_none() {
        r.errors
            .push("validationCode is required for a GovernmentCommunityCloud qualification".into());
    }
    match kind {
        Some(kind) if errors.is_empty() => Ok(QualificationRequest {
            kind,
            education_segment,
            website,
            validation_code: code.filter(|_| kind == GCC),
        }),
        _ => Err(ApiError::bad_fields(errors)),
    }
}

/// A validation code of the partner (reference-2 §5), in its wire form.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidationCode {
    pub partner_id: String,
    pub organization_name: String,
    pub validation_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_creates: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remaining_creates: Option<i64>,
    #[serde(rename = "eTag")]
    pub etag: String,
}

/// An etag in the documented form, `W/"datetime'2018-10-10T18%3A49%3A58.727348Z'"`.
pub fn code_etag(now: i64) -> String {
    format!(
        "W/\"datetime'{}'\"",
        datetime::format_secs(now).replace(':', "%3A")
    )
}

/// The partner's validation codes (set by `POST /_sandbox/validation-codes`). Lock order:
/// the customer store first, then this.
#[derive(Debug, Default)]
pub struct ValidationCodes {
    codes: Mutex<Vec<ValidationCode>>,
}

impl ValidationCodes {
    fn lock(&self) -> MutexGuard<'_, Vec<ValidationCode>> {
        self.codes.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn list(&self) -> Vec<ValidationCode> {
        self.lock().clone()
    }

    pub fn replace(&self, codes: Vec<ValidationCode>) {
        *self.lock() = codes;
    }

    /// Whether `code` names a validation code that can still qualify a customer.
    pub fn usable(&self, code: &str) -> bool {
        self.lock()
            .iter()
            .any(|c| c.validation_id == code.trim() && c.remaining_creates.unwrap_or(0) > 0)
    }

    /// Uses `code` once (remainingCreates − 1, new etag); false when it cannot be used.
    pub fn consume(&self, code: &str, now: i64) -> bool {
        let mut codes = self.lock();
        match codes
            .iter_mut()
            .find(|c| c.validation_id == code.trim() && c.remaining_creates.unwrap_or(0) > 0)
        {
            Some(c) => {
                c.remaining_creates = c.remaining_creates.map(|n| n - 1);
                c.etag = code_etag(now);
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse_json(v: Value, code: Option<&str>) -> Result<QualificationRequest, ApiError> {
        parse(&crate::wire::normalize(v), code)
    }

    #[test]
    fn requests() {
        let r = parse_json(
            json!({"Qualification": "education", "EducationSegment": "k12"}),
            None,
        )
        .unwrap();
        assert_eq!((r.kind, r.education_segment), (EDUCATION, Some("K12")));
        assert!(parse_json(json!({"qualification": "Education"}), None).is_err());
        assert!(parse_json(json!({"qualification": "Nonprofit"}), None).is_err());
        assert!(parse_json(json!({"qualification": "None"}), None).is_err());
        assert!(parse_json(json!({"qualification": "GovernmentCommunityCloud"}), None).is_err());
        let r = parse_json(
            json!({"qualification": "GovernmentCommunityCloud"}),
            Some("77"),
        )
        .unwrap();
        assert_eq!(r.validation_code.as_deref(), Some("77"));
        let r = parse_json(
            json!({"qualification": "GovernmentCommunityCloud", "validationCode": "12"}),
            Some("77"),
        )
        .unwrap();
        assert_eq!(r.validation_code.as_deref(), Some("12"), "the body wins");
        assert_eq!(
            parse_json(json!({"qualification": "stateownedentity"}), None)
                .unwrap()
                .kind,
            SOE
        );
    }

    #[test]
    fn codes_are_used_up() {
        let codes = ValidationCodes::default();
        codes.replace(vec![ValidationCode {
            partner_id: "p".into(),
            organization_name: "o".into(),
            validation_id: "12345".into(),
            max_creates: Some(1),
            remaining_creates: Some(1),
            etag: code_etag(0),
        }]);
        assert!(codes.usable("12345"));
        assert!(!codes.usable("54321"));
        assert!(codes.consume("12345", 60));
        assert!(!codes.consume("12345", 60));
        assert_eq!(codes.list()[0].remaining_creates, Some(0));
        assert_eq!(
            codes.list()[0].etag,
            "W/\"datetime'1970-01-01T00%3A01%3A00Z'\""
        );
    }
}
