//! Customer qualifications (reference-2 §4, v2 only) and the partner's GCC validation codes
//! (§5). Both GETs answer bare JSON arrays and accept App-only tokens; the POST is App+User
//! only (from the spec).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use crate::errors::{ApiError, json_response, truncate};
use crate::onboarding::qualifications::{self, Qualification, Vetting};
use crate::paging;
use crate::routes::customer_id;
use crate::state::App;
use crate::wire;

/// `GET /v1/customers/{id}/qualifications` → `[the latest qualification]`, or `[]`.
pub async fn list(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let id = customer_id(path)?;
    app.store.with(&id, |c| {
        let items: Vec<_> = c
            .onboarding
            .qualification
            .iter()
            .map(Qualification::view)
            .collect();
        json_response(StatusCode::OK, &items)
    })
}

fn unusable_code(code: &str) -> ApiError {
    ApiError::bad_input(format!(
        "validationCode '{}' is not a validation code of the partner with creates remaining",
        truncate(code, 50)
    ))
}

/// `POST /v1/customers/{id}/qualifications[?code=]` → 201 `InReview`. Order: the body's
/// rules (400), the GCC validation code (400), an existing qualification in review or
/// approved (409); then the code is used once.
pub async fn create(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Body,
) -> Result<Response, ApiError> {
    let id = customer_id(path)?;
    app.store.with(&id, |_| ())?;
    let body = wire::read_json(&headers, body, app.config.max_body_bytes).await?;
    let params = paging::parse_query(query.as_deref());
    let request = qualifications::parse(&body, paging::query_param(&params, "code"))?;
    let now = app.clock.now();
    app.store.update(&id, |c| {
        if let Some(code) = &request.validation_code
            && !app.validation_codes.usable(code)
        {
            return Err(unusable_code(code));
        }
        if c.onboarding
            .qualification
            .as_ref()
            .is_some_and(Qualification::blocks_new)
        {
            return Err(ApiError::qualification_exists());
        }
        if let Some(code) = &request.validation_code
            && !app.validation_codes.consume(code, now)
        {
            return Err(unusable_code(code));
        }
        let q = Qualification {
            kind: request.kind,
            status: Vetting::InReview,
            reason: None,
            created: now,
            education_segment: request.education_segment,
            website: request.website,
        };
        let resp = json_response(StatusCode::CREATED, &q.view());
        c.onboarding.qualification = Some(q);
        Ok(resp)
    })
}

/// `GET /v1/customers/all/validations` → the partner's validation codes (bare array).
pub async fn validation_codes(State(app): State<Arc<App>>) -> Response {
    json_response(StatusCode::OK, &app.validation_codes.list())
}
