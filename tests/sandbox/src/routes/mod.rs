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

pub mod agreements;
pub mod country_rules;
pub mod customers;
pub mod domains;
pub mod licenses;
pub mod managed_services;
pub mod profiles;
pub mod qualifications;
pub mod relationships;
pub mod sandbox;
pub mod sandbox_onboarding;
pub mod users;
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
        .route("/v1/agreements", get(agreements::metadata))
        .route(
            "/v1/customers/{id}/agreements",
            get(agreements::list).post(agreements::create),
        )
        // The docs and SDK spell it in lower case, the swagger in camel case.
        .route(
            "/v1/agreementtemplates/{template}/document",
            get(agreements::document),
        )
        .route(
            "/v1/agreementTemplates/{template}/document",
            get(agreements::document),
        )
        .route(
            "/v1/customers/{id}/directSignedMicrosoftCustomerAgreementStatus",
            get(agreements::direct_signed),
        )
        // The .NET SDK posts to `users/` with a trailing slash.
        .route(
            "/v1/customers/{id}/users",
            get(users::list).post(users::create),
        )
        .route(
            "/v1/customers/{id}/users/",
            get(users::list).post(users::create),
        )
        .route(
            "/v1/customers/{id}/users/{user}",
            get(users::get).patch(users::update).delete(users::delete),
        )
        .route("/v1/customers/{id}/subscribedskus", get(licenses::list))
        .route(
            "/v1/customers/{id}/qualifications",
            get(qualifications::list).post(qualifications::create),
        )
        .route(
            "/v1/customers/all/validations",
            get(qualifications::validation_codes),
        )
        .route(
            "/v1/customers/{id}/managedservices",
            get(managed_services::list),
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
        .route(
            "/_sandbox/throttle",
            get(sandbox::throttle_get).post(sandbox::throttle_set),
        )
        .route(
            "/_sandbox/customers/{id}/direct-signed",
            post(sandbox_onboarding::direct_signed),
        )
        .route(
            "/_sandbox/customers/{id}/licenses",
            post(sandbox_onboarding::licenses),
        )
        .route(
            "/_sandbox/customers/{id}/qualification",
            post(sandbox_onboarding::qualification),
        )
        .route(
            "/_sandbox/validation-codes",
            post(sandbox_onboarding::validation_codes),
        )
        .route(
            "/_sandbox/clock",
            get(sandbox_onboarding::clock_get).post(sandbox_onboarding::clock_advance),
        )
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
