//! `GET /v1/customers/{id}/subscribedskus[?licenseGroupIds=…]` (reference-2 §10): the
//! customer's licences of the asked groups (default Group1). App+User only.

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;

use crate::errors::{ApiError, json_response};
use crate::model::{Attributes, Links};
use crate::onboarding::licenses;
use crate::paging;
use crate::routes::customer_id;
use crate::routes::customers::Collection;
use crate::state::App;

pub async fn list(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let id = customer_id(path)?;
    app.store.with(&id, |_| ())?;
    let groups = licenses::groups_from_query(&paging::parse_query(query.as_deref()))?;
    let uri = match query.as_deref() {
        Some(q) if !q.is_empty() => format!("/v1/customers/{id}/subscribedskus?{q}"),
        _ => format!("/v1/customers/{id}/subscribedskus"),
    };
    app.store.with(&id, |c| {
        let items: Vec<_> = c
            .onboarding
            .licenses
            .iter()
            .filter(|s| groups.contains(&s.product_sku.license_group_id))
            .collect();
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
    })
}
