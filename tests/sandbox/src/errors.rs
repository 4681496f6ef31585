//! Partner Center error bodies. The statuses and codes are fixed by docs/contract.md §2;
//! the constructors below are the only place they are spelled out.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

pub const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// Serialises `value` as the response body with Partner Center's content type.
pub fn json_response<T: Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => json_bytes(status, bytes.into()),
        // Our own view types always serialise; this is only a guard so nothing panics.
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

pub fn json_bytes(status: StatusCode, bytes: bytes::Bytes) -> Response {
    let mut resp = (status, bytes).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(JSON_CONTENT_TYPE),
    );
    resp
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub kind: ErrorKind,
}

#[derive(Debug)]
pub enum ErrorKind {
    /// The usual `{code, description, data, source}` body.
    Partner {
        code: i64,
        description: String,
        data: Vec<String>,
        error_name: Option<&'static str>,
        is_retryable: Option<bool>,
    },
    /// The 429 body, which has a different shape (reference §7).
    Throttled { retry_after: u64 },
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PartnerBody<'a> {
    code: i64,
    description: &'a str,
    data: &'a [String],
    source: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_name: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_retryable: Option<bool>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ThrottleBody {
    status_code: u16,
    message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: i64, description: impl Into<String>) -> Self {
        ApiError {
            status,
            kind: ErrorKind::Partner {
                code,
                description: description.into(),
                data: Vec::new(),
                error_name: None,
                is_retryable: None,
            },
        }
    }

    fn named(mut self, name: &'static str) -> Self {
        if let ErrorKind::Partner { error_name, .. } = &mut self.kind {
            *error_name = Some(name);
        }
        self
    }

    fn with_data(mut self, items: Vec<String>) -> Self {
        if let ErrorKind::Partner { data, .. } = &mut self.kind {
            *data = items;
        }
        self
    }

    pub fn code(&self) -> Option<i64> {
        match &self.kind {
            ErrorKind::Partner { code, .. } => Some(*code),
            ErrorKind::Throttled { .. } => None,
        }
    }

    // ---- contract §2, row by row ----

    pub fn token_missing() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            800001,
            "Partner Token missing in request context",
        )
        .named("PartnerTokenMissing")
    }

    pub fn access_denied() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, 400, "Access denied").named("AccessDenied")
    }

    /// An emulator-issued token whose `exp` has passed.
    pub fn token_expired() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            400,
            "Access denied: the token has expired",
        )
        .named("AccessDenied")
    }

    /// A token for another audience (typically the retired Azure AD Graph), auth.md §1.2.2.
    pub fn invalid_audience(aud: &str) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            900420,
            format!(
                "Invalid Token: The audience '{}' in the token is invalid and is no longer supported in Partner Center API.",
                truncate(aud, 200)
            ),
        )
        .named("InvalidToken")
    }

    /// An App+User token without `mfa` in `amr` while MFA enforcement is on (auth.md §1.3.1).
    pub fn mfa_required() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            900421,
            "Multi-factor authentication is required: App+User calls to the Partner Center API need a token \
             whose sign-in used MFA (the token's 'amr' claim does not contain 'mfa').",
        )
        .named("MfaRequired")
    }

    /// An App-only token on an operation that only accepts App+User (auth.md §1.7).
    pub fn app_only_forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            900150,
            "This resource can't be accessed by application credentials.",
        )
        .named("Forbidden")
    }

    pub fn bad_input(detail: impl AsRef<str>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            800002,
            format!("Invalid request input: {}", detail.as_ref()),
        )
        .named("InvalidRequestInput")
    }

    /// 800002 for several field problems at once (the onboarding operations, contract of
    /// issue 14): each in `data`, all in `description`, each prefixed with its wire path.
    pub fn bad_fields(errors: Vec<String>) -> Self {
        let description = format!("Invalid request input: {}", errors.join("; "));
        Self::new(
            StatusCode::BAD_REQUEST,
            800002,
            truncate(&description, 1024).to_string(),
        )
        .named("InvalidRequestInput")
        .with_data(errors)
    }

    pub fn invalid_customer_id(id: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            900118,
            format!("Invalid Customer Id: '{}' is not a GUID", truncate(id, 100)),
        )
        .named("InvalidCustomerId")
    }

    /// 3000 "Invalid property": every field problem is listed in `data`, the first in
    /// `description`, each prefixed with its wire path.
    pub fn invalid_properties(errors: Vec<String>) -> Self {
        let description = format!("Invalid property: {}", errors.join("; "));
        Self::new(
            StatusCode::BAD_REQUEST,
            3000,
            truncate(&description, 1024).to_string(),
        )
        .named("InvalidProperty")
        .with_data(errors)
    }

    pub fn invalid_property(error: impl Into<String>) -> Self {
        Self::invalid_properties(vec![error.into()])
    }

    pub fn registration_number_missing() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            600049,
            "Organization registration id information is missing",
        )
        .named("OrganizationRegistrationIdMissing")
    }

    pub fn registration_number_invalid(regex: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            600050,
            format!("Organization registration id information is invalid and should be of the format {regex}"),
        )
        .named("OrganizationRegistrationIdInvalid")
    }

    pub fn phone_missing() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            600051,
            "Customer phone number is missing",
        )
        .named("CustomerPhoneNumberMissing")
    }

    pub fn unknown_reseller(id: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            800016,
            format!(
                "MPN Id is not a valid Indirect Reseller: '{}'",
                truncate(id, 100)
            ),
        )
        .named("InvalidIndirectReseller")
    }

    pub fn quota_reached(quota: usize) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            800018,
            format!("The sandbox limit has been met ({quota} customers)"),
        )
        .named("SandboxLimitReached")
    }

    pub fn domain_exists(domain: &str) -> Self {
        Self::new(
            StatusCode::CONFLICT,
            3000,
            format!(
                "The domain {} already exists. Please modify the domain value and try again.",
                truncate(domain, 300)
            ),
        )
        .named("DomainAlreadyExists")
    }

    pub fn idempotency_mismatch(request_id: &str) -> Self {
        Self::new(
            StatusCode::CONFLICT,
            800002,
            format!(
                "Invalid request input: MS-RequestId '{}' was already used with a different request body",
                truncate(request_id, 100)
            ),
        )
        .named("RequestIdReused")
    }

    pub fn customer_not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            60003,
            format!("Tenant not found: {}", truncate(id, 100)),
        )
        .named("TenantNotFound")
    }

    /// A user that does not exist, was deleted (soft) or purged (reference-2 §9.2).
    pub fn user_not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, 60002, "User object Id is not found").named("UserNotFound")
    }

    /// Emulator convention, like the taken domain: 409 3000.
    pub fn user_exists(upn: &str) -> Self {
        Self::new(
            StatusCode::CONFLICT,
            3000,
            format!(
                "A user with the user principal name {} already exists.",
                truncate(upn, 300)
            ),
        )
        .named("UserAlreadyExists")
    }

    /// The same contact attested the same template for the customer before (reference-2 §2.3).
    pub fn agreement_exists() -> Self {
        let mut e = Self::new(
            StatusCode::BAD_REQUEST,
            600061,
            "A partner confirmed agreement already exists for the customer.",
        )
        .named("PartnerConfirmedAgreementAlreadyExists");
        if let ErrorKind::Partner { is_retryable, .. } = &mut e.kind {
            *is_retryable = Some(false);
        }
        e
    }

    /// A qualification in review or approved cannot be replaced (emulator decision).
    pub fn qualification_exists() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            3000,
            "The customer already has a qualification",
        )
        .named("QualificationAlreadyExists")
    }

    pub fn not_found(what: impl AsRef<str>) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            1000,
            format!("Not found: {}", truncate(what.as_ref(), 300)),
        )
        .named("NotFound")
    }

    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            800002,
            "Invalid request input: method not allowed on this resource",
        )
        .named("MethodNotAllowed")
    }

    pub fn etag_stale() -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            2055,
            "Etag is no longer valid",
        )
        .named("EtagNoLongerValid")
    }

    pub fn throttled(retry_after: u64) -> Self {
        ApiError {
            status: StatusCode::TOO_MANY_REQUESTS,
            kind: ErrorKind::Throttled { retry_after },
        }
    }

    pub fn injected(status: StatusCode) -> Self {
        let mut e = Self::new(
            status,
            i64::from(status.as_u16()),
            format!(
                "Injected fault: {} (sandbox fault injection)",
                status.canonical_reason().unwrap_or("error")
            ),
        )
        .named("InjectedFault");
        if let ErrorKind::Partner { is_retryable, .. } = &mut e.kind {
            *is_retryable = Some(true);
        }
        e
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self.kind {
            ErrorKind::Partner {
                code,
                description,
                data,
                error_name,
                is_retryable,
            } => {
                let mut resp = json_response(
                    self.status,
                    &PartnerBody {
                        code,
                        description: &description,
                        data: &data,
                        source: "PartnerFD",
                        error_name,
                        is_retryable,
                    },
                );
                if self.status == StatusCode::UNAUTHORIZED {
                    // Partner Center's challenge (auth.md §1.7): scheme OAuth, not Bearer.
                    let realm = format!("OAuth realm=urn:cpsvc:cpid:{}", uuid::Uuid::new_v4());
                    if let Ok(v) = HeaderValue::try_from(realm) {
                        resp.headers_mut().insert(header::WWW_AUTHENTICATE, v);
                    }
                }
                resp
            }
            ErrorKind::Throttled { retry_after } => {
                let mut resp = json_response(
                    self.status,
                    &ThrottleBody {
                        status_code: 429,
                        message: format!(
                            "Rate limit is exceeded. Try again in {retry_after} seconds."
                        ),
                    },
                );
                resp.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
                resp
            }
        }
    }
}

/// Cuts user-supplied text echoed in messages so descriptions stay under the documented
/// 1024 characters; cuts on a char boundary so it never panics.
pub fn truncate(s: &str, max_chars: usize) -> &str {
    match s.char_indices().nth(max_chars) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}
