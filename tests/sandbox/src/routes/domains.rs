//! HEAD /v1/domains/{domain}: 200 when a customer already has the domain, 404 when it is
//! free, both with an empty body (reference §5.9).

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::errors::ApiError;
use crate::routes::segment;
use crate::state::App;
use crate::validation::domain_valid;

pub async fn exists(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let domain = segment(path)?;
    let domain = domain.trim();
    // Emulator convention: a string that cannot be a domain is a 400 (HEAD: no body).
    if !domain_valid(domain) {
        return Err(ApiError::invalid_property(format!(
            "domain '{}' is not a valid domain name",
            crate::errors::truncate(domain, 100)
        )));
    }
    Ok(if app.store.domain_taken(domain) {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    })
}
