//! The emulator's admin API (no auth, never throttled or faulted): reset, faults, health.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::errors::{ApiError, json_response};
use crate::faults;
use crate::state::App;
use crate::wire;

/// Empties the store (customers with their agreements, users, licences and
/// qualifications) and the partner's validation codes, returns the clock to real time and
/// clears faults and throttle counters: a clean emulator. Sign-in state (app registrations,
/// refresh tokens, device codes, settings, the token counter) is kept: it stands for the
/// directory, which outlives any test's customers.
pub async fn reset(State(app): State<Arc<App>>) -> Response {
    app.store.reset();
    app.validation_codes.replace(Vec::new());
    app.clock.reset();
    app.faults.clear();
    app.throttle.reset();
    app.in_flight.reset_peak();
    StatusCode::NO_CONTENT.into_response()
}

pub async fn faults_get(State(app): State<Arc<App>>) -> Response {
    json_response(StatusCode::OK, &app.faults.get())
}

/// Replaces the whole fault configuration (absent fields = off).
pub async fn faults_set(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let body = wire::read_json(&headers, body, app.config.max_body_bytes).await?;
    let cfg = faults::parse_config(&body).map_err(ApiError::bad_input)?;
    app.faults.set(cfg);
    Ok(json_response(StatusCode::OK, &app.faults.get()))
}

pub async fn faults_clear(State(app): State<Arc<App>>) -> Response {
    app.faults.clear();
    StatusCode::NO_CONTENT.into_response()
}

pub async fn health(State(app): State<Arc<App>>) -> Response {
    json_response(
        StatusCode::OK,
        &json!({
            "status": "ok",
            "customers": app.store.len(),
            "quota": app.config.quota,
            "tokenRequests": app.auth.token_requests.load(Ordering::Relaxed),
            "auth": app.config.auth.as_str(),
            "inFlightPeak": app.in_flight.peak(),
        }),
    )
}
