//! Agreements (reference-2 §2): template metadata, attestations of a customer's acceptance
//! of the Microsoft Customer Agreement, the agreement document links and the customer's
//! own (direct) signing status. All App+User only (the spec says so; `auth::enforce`
//! applies it).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Serialize;

use crate::auth::enforce;
use crate::errors::{ApiError, json_response};
use crate::model::{Attributes, Links};
use crate::onboarding::agreements::{self, DEFAULT_USER_ID, TypeQuery};
use crate::paging;
use crate::routes::customers::Collection;
use crate::routes::{customer_id, segment};
use crate::state::App;
use crate::wire;

fn self_uri(path: String, query: Option<&str>) -> String {
    match query {
        Some(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path,
    }
}

fn collection<T: Serialize>(uri: String, items: Vec<T>) -> Response {
    json_response(
        StatusCode::OK,
        &Collection {
            total_count: items.len(),
            items,
            links: Links::me(uri),
            continuation_token: None,
            attributes: Attributes::of("Collection"),
        },
    )
}

/// `GET /v1/agreements?agreementType=`: the templates of a type (default Microsoft Cloud
/// Agreement, `*` all).
pub async fn metadata(RawQuery(query): RawQuery) -> Response {
    let params = paging::parse_query(query.as_deref());
    let items = agreements::metadata(&TypeQuery::from_query(&params));
    collection(self_uri("/v1/agreements".into(), query.as_deref()), items)
}

/// `POST /v1/customers/{id}/agreements` → 201 with the attestation; `userId` is the
/// signed-in user of the token (a fixed id for tokens the emulator did not issue).
pub async fn create(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let id = customer_id(path)?;
    app.store.with(&id, |_| ())?;
    let body = wire::read_json(&headers, body, app.config.max_body_bytes).await?;
    let user_id = enforce::object_id(&app, &headers).unwrap_or_else(|| DEFAULT_USER_ID.to_string());
    let agreement = agreements::parse(&body)?.accept(user_id, app.clock.now())?;
    app.store.update(&id, |c| {
        let list = &mut c.onboarding.agreements;
        if list.iter().any(|a| a.same_as(&agreement)) {
            return Err(ApiError::agreement_exists());
        }
        let resp = json_response(StatusCode::CREATED, &agreement.view(false));
        list.push(agreement);
        Ok(resp)
    })
}

/// `GET /v1/customers/{id}/agreements?agreementType=`: the attestations of a type (default
/// Microsoft Cloud Agreement, so MCA attestations need `agreementType`), in creation order.
pub async fn list(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let id = customer_id(path)?;
    let params = paging::parse_query(query.as_deref());
    let wanted = TypeQuery::from_query(&params);
    let uri = self_uri(format!("/v1/customers/{id}/agreements"), query.as_deref());
    app.store.with(&id, |c| {
        let items: Vec<_> = c
            .onboarding
            .agreements
            .iter()
            .filter(|a| wanted.matches(a.template.agreement_type))
            .map(|a| a.view(true))
            .collect();
        collection(uri, items)
    })
}

/// `GET /v1/agreementtemplates/{id}/document?country=&language=`.
pub async fn document(
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let template = segment(path)?;
    let params = paging::parse_query(query.as_deref());
    let doc = agreements::document(
        &template,
        paging::query_param(&params, "country"),
        paging::query_param(&params, "language"),
    )?;
    Ok(json_response(StatusCode::OK, &doc))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DirectSigned {
    is_signed: bool,
}

/// `GET /v1/customers/{id}/directSignedMicrosoftCustomerAgreementStatus`.
pub async fn direct_signed(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let id = customer_id(path)?;
    app.store.with(&id, |c| {
        json_response(
            StatusCode::OK,
            &DirectSigned {
                is_signed: c.onboarding.direct_signed,
            },
        )
    })
}
