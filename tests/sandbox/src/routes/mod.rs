//! The route table. Every /v1 route is a documented Partner Center operation
//! (reference §5); /_sandbox is the emulator's own admin API.

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::rejection::PathRejection;
use axum::extract::{OriginalUri, Path};
use axum::middleware::from_fn_with_state;
use axum::routing::{get, head, post};
use uuid::Uuid;

use crate::auth;
use crate::errors::ApiError;
use crate::middleware;
use crate::state::App;

pub mod country_rules;
pub mod customers;
pub mod domains;
pub mod profiles;
pub mod relationships;
pub mod sandbox;
pub mod validations;

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route(
            "/v1/customers",
            get(customers::list).post(customers::create),
        )
        .route(
            "/v1/customers/relationshiprequests",
            get(relationships::relationship_request),
        )
        .route(
            "/v1/customers/{id}",
            get(customers::get)
                .delete(customers::delete)
                .patch(customers::patch),
        )
        .route(
            "/v1/customers/{id}/profiles/company",
            get(profiles::company),
        )
        .route(
            "/v1/customers/{id}/profiles/billing",
            get(profiles::billing_get).put(profiles::billing_put),
        )
        .route(
            "/v1/customers/{id}/relationships",
            get(relationships::customer_relationships),
        )
        .route(
            "/v1/relationships",
            get(relationships::partner_relationships),
        )
        .route("/v1/domains/{domain}", head(domains::exists))
        .route("/v1/validations/address", post(validations::address))
        .route(
            "/v1/countryvalidationrules/{country}",
            get(country_rules::get),
        )
        .route("/_sandbox/reset", post(sandbox::reset))
        .route(
            "/_sandbox/faults",
            get(sandbox::faults_get)
                .post(sandbox::faults_set)
                .delete(sandbox::faults_clear),
        )
        .route("/_sandbox/health", get(sandbox::health))
        .merge(auth::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        // Bodies are size-checked by `wire::read_json` so the error is a Partner Center
        // 400, not axum's plain-text 413.
        .layer(DefaultBodyLimit::disable())
        .layer(from_fn_with_state(app.clone(), middleware::handle))
        .with_state(app)
}

async fn not_found(OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::not_found(format!("no resource at {}", uri.path()))
}

async fn method_not_allowed() -> ApiError {
    ApiError::method_not_allowed()
}

/// A single path segment, with axum's plain-text rejection turned into a PC error.
pub fn segment(path: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    path.map(|Path(s)| s)
        .map_err(|_| ApiError::bad_input("the path is not valid"))
}

/// The customer id path segment: a GUID, else 400 900118.
pub fn customer_id(path: Result<Path<String>, PathRejection>) -> Result<Uuid, ApiError> {
    let raw = segment(path)?;
    Uuid::try_parse(raw.trim()).map_err(|_| ApiError::invalid_customer_id(&raw))
}
