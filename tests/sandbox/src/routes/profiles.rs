//! Company profile (read-only) and billing profile (GET/PUT with ETag concurrency,
//! reference §5.4–§5.6).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

use crate::countries;
use crate::errors::{ApiError, json_response};
use crate::model::Customer;
use crate::routes::customer_id;
use crate::state::{App, new_etag};
use crate::validation;
use crate::wire;

pub async fn company(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let id = customer_id(path)?;
    app.store.with(&id, |c| {
        json_response(StatusCode::OK, &c.company_view(true))
    })
}

fn billing_response(c: &Customer) -> Response {
    let mut resp = json_response(StatusCode::OK, &c.billing_view());
    if let Ok(v) = HeaderValue::try_from(format!("\"{}\"", c.billing.etag)) {
        resp.headers_mut().insert(header::ETAG, v);
    }
    resp
}

pub async fn billing_get(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let id = customer_id(path)?;
    app.store.with(&id, billing_response)
}

/// The etag from `If-Match` (quoted or not, `W/` ignored; the docs require it), else from
/// the body's `attributes.etag` (what the .NET SDK sends, reference §5.6).
fn if_match(headers: &HeaderMap) -> Option<String> {
    let raw = headers.get(header::IF_MATCH)?.to_str().ok()?.trim();
    let raw = raw.strip_prefix("W/").unwrap_or(raw);
    let raw = raw.trim_matches('"').trim();
    (!raw.is_empty()).then(|| raw.to_string())
}

pub async fn billing_put(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let id = customer_id(path)?;
    let body = wire::read_json(&headers, body, app.config.max_body_bytes).await?;
    let update = validation::parse_billing_update(&body)?;
    let etag = if_match(&headers)
        .or_else(|| {
            update
                .etag
                .clone()
                .map(|e| e.trim().trim_matches('"').to_string())
        })
        .filter(|e| !e.is_empty())
        .ok_or_else(|| {
            ApiError::invalid_property(
                "an etag is required: send If-Match or attributes.etag from the last GET",
            )
        })?;
    app.store.update(&id, |c| {
        if etag != "*" && etag != c.billing.etag {
            return Err(ApiError::etag_stale());
        }
        let mut address = update
            .default_address
            .clone()
            .unwrap_or_else(|| c.billing.default_address.clone());
        let country = address.country.clone().unwrap_or_default();
        if countries::requires_registration(&country)
            && address
                .phone_number
                .as_deref()
                .is_none_or(|p| p.trim().is_empty())
        {
            return Err(ApiError::phone_missing());
        }
        if address.phone_number.is_none() {
            address.phone_number = Some(String::new());
        }
        let b = &mut c.billing;
        if let Some(v) = &update.first_name {
            b.first_name = Some(v.clone());
        }
        if let Some(v) = &update.last_name {
            b.last_name = Some(v.clone());
        }
        if let Some(v) = &update.email {
            b.email = v.clone();
        }
        if let Some(v) = &update.culture {
            b.culture = v.clone();
        }
        if let Some(v) = &update.language {
            b.language = v.clone();
        }
        if let Some(v) = &update.company_name {
            b.company_name = v.clone();
        }
        b.default_address = address;
        b.etag = new_etag(Some(&b.etag));
        Ok(billing_response(c))
    })
}
