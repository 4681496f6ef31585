//! /v1/customers: list (paging, filter), create (validation, idempotency, quota,
//! resellers), get, delete and PATCH (remove the reseller relationship).

use std::ops::Bound;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::errors::{ApiError, json_bytes, json_response};
use crate::middleware::{Committed, MS_REQUEST_ID};
use crate::model::{Attributes, Form, Links};
use crate::paging::{self, Cursor};
use crate::routes::customer_id;
use crate::state::{App, Replay};
use crate::validation;
use crate::wire::{self, Reader};

/// A (seek-based) resource collection, reference §4.8.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Collection<T> {
    pub total_count: usize,
    pub items: Vec<T>,
    pub links: Links,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub continuation_token: Option<String>,
    pub attributes: Attributes,
}

const NEXT_URI: &str = "/v1/customers?seekOperation=Next";

pub async fn list(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = paging::parse_query(query.as_deref());
    let (cursor, self_uri) = match paging::next_cursor(&params, &headers, app.token_secret, "")? {
        Some(cursor) => (cursor, NEXT_URI.to_string()),
        None => {
            let size = paging::parse_size(paging::query_param(&params, "size"))?;
            let filter = paging::query_param(&params, "filter")
                .filter(|f| !f.trim().is_empty())
                .map(paging::parse_filter)
                .transpose()?;
            let self_uri = match query.as_deref() {
                Some(q) if !q.is_empty() => format!("/v1/customers?{q}"),
                _ => "/v1/customers".to_string(),
            };
            (
                Cursor {
                    scope: String::new(),
                    after: None,
                    size,
                    filter,
                },
                self_uri,
            )
        }
    };

    let inner = app.store.read();
    let start = match cursor.after {
        Some(after) => Bound::Excluded(after),
        None => Bound::Unbounded,
    };
    let entries = inner
        .order
        .range((start, Bound::Unbounded))
        .filter_map(|(seq, id)| inner.customers.get(id).map(|c| (*seq, c)))
        .filter(|(_, c)| {
            cursor.filter.as_ref().is_none_or(|f| {
                f.matches(
                    &c.company_name,
                    &c.domain,
                    c.associated_partner_id.as_deref(),
                )
            })
        })
        .map(|(seq, c)| (seq, c.view(Form::List, None)));
    let page = paging::page(entries, &cursor, app.token_secret);
    let collection = Collection {
        total_count: page.items.len(),
        links: paging::links(self_uri, NEXT_URI, page.token.as_deref()),
        items: page.items,
        continuation_token: page.token,
        attributes: Attributes::of("Collection"),
    };
    Ok(json_response(StatusCode::OK, &collection))
}

pub async fn create(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let body = wire::read_json(&headers, body, app.config.max_body_bytes).await?;
    // The request id is the idempotency key (reference §2.3); without one (the service
    // would generate one) a create is never a replay.
    let request_id = headers
        .get(&MS_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty());
    if let Some(rid) = request_id {
        match app.store.replay(rid, &body) {
            Some(Replay::Same(bytes)) => return Ok(created(bytes)),
            Some(Replay::Different) => return Err(ApiError::idempotency_mismatch(rid)),
            None => {}
        }
    }
    let new = validation::parse_create(&body)?;
    let reseller = match new.associated_partner_id.as_deref() {
        Some(id) if app.is_known_reseller(id) => Some(id.trim().to_ascii_lowercase()),
        Some(id) => return Err(ApiError::unknown_reseller(id)),
        None => None,
    };
    let bytes = app.store.create(
        new,
        reseller,
        app.config.quota,
        request_id.map(|rid| (rid, body)),
    )?;
    Ok(created(bytes))
}

fn created(bytes: bytes::Bytes) -> Response {
    let mut resp = json_bytes(StatusCode::CREATED, bytes);
    resp.extensions_mut().insert(Committed);
    resp
}

pub async fn get(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let id = customer_id(path)?;
    app.store.with(&id, |c| {
        json_response(StatusCode::OK, &c.view(Form::Full, None))
    })
}

pub async fn delete(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let id = customer_id(path)?;
    if app.store.delete(&id) {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(ApiError::customer_not_found(&id.to_string()))
    }
}

/// PATCH: the only documented use is removing the reseller relationship
/// (`relationshipToPartner: "none"`, reference §5.8); everything else is ignored.
pub async fn patch(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let id = customer_id(path)?;
    let body = wire::read_json(&headers, body, app.config.max_body_bytes).await?;
    if !body.is_object() {
        return Err(ApiError::bad_input(
            "the body must be a JSON object (a Customer)",
        ));
    }
    let mut errors = Vec::new();
    let relationship = Reader {
        errors: &mut errors,
    }
    .string(&body, "relationshiptopartner", "relationshipToPartner");
    if let Some(e) = errors.pop() {
        return Err(ApiError::invalid_property(e));
    }
    match relationship.as_deref() {
        Some(r) if r.trim().eq_ignore_ascii_case("none") => {}
        Some(r) => {
            return Err(ApiError::invalid_property(format!(
                "relationshipToPartner '{}' cannot be set; only 'none' (remove the reseller relationship) is supported",
                crate::errors::truncate(r, 50)
            )));
        }
        None => {
            return Err(ApiError::invalid_property(
                "relationshipToPartner is required and must be 'none'",
            ));
        }
    }
    app.store.update(&id, |c| {
        c.relationship = "none";
        c.associated_partner_id = None;
        c.allow_delegated_access = None;
        Ok(json_response(StatusCode::OK, &c.view(Form::Full, None)))
    })
}
