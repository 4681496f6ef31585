//! Admin calls that drive the onboarding state (no auth, never throttled or faulted): what
//! the customer, Microsoft's vetting and the passing of time would do. Bodies follow the
//! admin conventions of `admin_body` (names in any case; unknown members, wrong types and
//! missing required members → 400 800002). Documented in tests/sandbox/README.md.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use crate::admin_body::{array, body, flag, integer, only_members, required_text, text};
use crate::clock::SECONDS_PER_DAY;
use crate::datetime;
use crate::errors::{ApiError, json_response};
use crate::onboarding::licenses;
use crate::onboarding::qualifications::{ValidationCode, Vetting, code_etag};
use crate::routes::customer_id;
use crate::state::App;

/// `POST /_sandbox/customers/{id}/direct-signed` `{"isSigned": bool}` → 200 `{"isSigned"}`:
/// the customer accepted the MCA in the admin center (or that is undone).
pub async fn direct_signed(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    raw: Body,
) -> Result<Response, ApiError> {
    let id = customer_id(path)?;
    let v = body(&app, &headers, raw, &["issigned"]).await?;
    let signed = flag(&v, "issigned", "isSigned")?
        .ok_or_else(|| ApiError::bad_input("isSigned is required"))?;
    app.store.update(&id, |c| {
        c.onboarding.direct_signed = signed;
        Ok(json_response(StatusCode::OK, &json!({"isSigned": signed})))
    })
}

/// `POST /_sandbox/customers/{id}/licenses` `{"items": [SubscribedSku…]}` → 200 with the
/// stored list (every group): replaces the customer's licences.
pub async fn licenses(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    raw: Body,
) -> Result<Response, ApiError> {
    let id = customer_id(path)?;
    let v = body(&app, &headers, raw, &["items"]).await?;
    let items =
        array(&v, "items", "items")?.ok_or_else(|| ApiError::bad_input("items is required"))?;
    let skus = licenses::parse_admin(items)?;
    app.store.update(&id, |c| {
        let resp = json_response(
            StatusCode::OK,
            &json!({"totalCount": skus.len(), "items": skus}),
        );
        c.onboarding.licenses = skus;
        Ok(resp)
    })
}

/// `POST /_sandbox/customers/{id}/qualification` `{"vettingStatus": "Approved"}` or
/// `{"vettingStatus": "Denied", "vettingReason": "…"}` → 200 with the qualification: the
/// outcome of vetting. A customer without a qualification → 404 1000.
pub async fn qualification(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    raw: Body,
) -> Result<Response, ApiError> {
    let id = customer_id(path)?;
    let v = body(&app, &headers, raw, &["vettingstatus", "vettingreason"]).await?;
    let status = required_text(&v, "vettingstatus", "vettingStatus")?;
    let reason = text(&v, "vettingreason", "vettingReason")?.map(str::to_string);
    let status = match status.trim().to_ascii_lowercase().as_str() {
        "approved" if reason.is_none() => Vetting::Approved,
        "approved" => {
            return Err(ApiError::bad_input(
                "vettingReason is only given with vettingStatus Denied",
            ));
        }
        "denied" if reason.is_some() => Vetting::Denied,
        "denied" => {
            return Err(ApiError::bad_input(
                "vettingReason is required with vettingStatus Denied",
            ));
        }
        _ => {
            return Err(ApiError::bad_input(
                "vettingStatus must be Approved or Denied",
            ));
        }
    };
    app.store.update(&id, |c| {
        let q = c.onboarding.qualification.as_mut().ok_or_else(|| {
            ApiError::not_found(format!(
                "customer {id} has no qualification to decide (POST /v1/customers/{id}/qualifications first)"
            ))
        })?;
        q.status = status;
        q.reason = reason;
        Ok(json_response(StatusCode::OK, &q.view()))
    })
}

fn validation_code(app: &App, v: &Value, path: &str, now: i64) -> Result<ValidationCode, ApiError> {
    only_members(
        v,
        &[
            "partnerid",
            "organizationname",
            "validationid",
            "maxcreates",
            "remainingcreates",
            "etag",
        ],
        path,
    )?;
    let creates = 0..=i64::from(i32::MAX);
    let max = integer(
        v,
        "maxcreates",
        &format!("{path}.maxCreates"),
        creates.clone(),
    )?;
    let remaining = integer(
        v,
        "remainingcreates",
        &format!("{path}.remainingCreates"),
        creates,
    )?
    .or(max);
    if remaining.is_none() {
        return Err(ApiError::bad_input(format!(
            "{path}: maxCreates or remainingCreates is required"
        )));
    }
    Ok(ValidationCode {
        partner_id: text(v, "partnerid", &format!("{path}.partnerId"))?
            .unwrap_or(&app.config.partner_id)
            .to_string(),
        organization_name: required_text(
            v,
            "organizationname",
            &format!("{path}.organizationName"),
        )?
        .to_string(),
        validation_id: required_text(v, "validationid", &format!("{path}.validationId"))?
            .trim()
            .to_string(),
        max_creates: max,
        remaining_creates: remaining,
        etag: text(v, "etag", &format!("{path}.eTag"))?
            .map_or_else(|| code_etag(now), str::to_string),
    })
}

/// `POST /_sandbox/validation-codes` `{"items": [ValidationCode…]}` → 200 with the codes
/// (as `GET /v1/customers/all/validations` shows them): replaces the partner's codes.
pub async fn validation_codes(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    raw: Body,
) -> Result<Response, ApiError> {
    let v = body(&app, &headers, raw, &["items"]).await?;
    let items =
        array(&v, "items", "items")?.ok_or_else(|| ApiError::bad_input("items is required"))?;
    let now = app.clock.now();
    let mut codes: Vec<ValidationCode> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let code = validation_code(&app, item, &format!("items[{i}]"), now)?;
        if codes.iter().any(|c| c.validation_id == code.validation_id) {
            return Err(ApiError::bad_input(format!(
                "items[{i}].validationId '{}' is given twice",
                code.validation_id
            )));
        }
        codes.push(code);
    }
    app.validation_codes.replace(codes);
    Ok(json_response(StatusCode::OK, &app.validation_codes.list()))
}

fn clock_view(app: &App) -> Response {
    json_response(
        StatusCode::OK,
        &json!({
            "now": datetime::format_secs(app.clock.now()),
            "offsetSeconds": app.clock.offset(),
        }),
    )
}

/// `GET /_sandbox/clock` → 200 `{"now", "offsetSeconds"}`.
pub async fn clock_get(State(app): State<Arc<App>>) -> Response {
    clock_view(&app)
}

/// `POST /_sandbox/clock` `{"advanceDays": N, "advanceSeconds": N}` (either or both) → 200
/// `{"now", "offsetSeconds"}`: the clock moves forward (never back; reset returns it to
/// real time).
pub async fn clock_advance(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    raw: Body,
) -> Result<Response, ApiError> {
    let v = body(&app, &headers, raw, &["advancedays", "advanceseconds"]).await?;
    let days = integer(&v, "advancedays", "advanceDays", 0..=36_500)?;
    let secs = integer(
        &v,
        "advanceseconds",
        "advanceSeconds",
        0..=36_500 * SECONDS_PER_DAY,
    )?;
    if days.is_none() && secs.is_none() {
        return Err(ApiError::bad_input(
            "advanceDays or advanceSeconds is required",
        ));
    }
    app.clock
        .advance(days.unwrap_or(0) * SECONDS_PER_DAY + secs.unwrap_or(0));
    Ok(clock_view(&app))
}
