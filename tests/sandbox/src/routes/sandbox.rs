//! The emulator's admin API (no auth, never throttled or faulted): reset, faults, health,
//! throttle.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::admin_body;
use crate::errors::{ApiError, json_response};
use crate::faults;
use crate::state::App;
use crate::throttle;
use crate::wire;

/// Empties the store (customers with their agreements, users, licences and
/// qualifications) and the partner's validation codes, returns the clock to real time and
/// clears faults (and their counts), throttle counters and the `requests` count, and puts the
/// throttle back to its start configuration: a clean emulator. Sign-in state (app registrations,
/// refresh tokens, device codes, settings, the token counter) is kept: it stands for the
/// directory, which outlives any test's customers.
pub async fn reset(State(app): State<Arc<App>>) -> Response {
    app.store.reset();
    app.validation_codes.replace(Vec::new());
    app.clock.reset();
    app.faults.clear();
    app.throttle.reset();
    app.in_flight.reset();
    StatusCode::NO_CONTENT.into_response()
}

pub async fn faults_get(State(app): State<Arc<App>>) -> Response {
    json_response(StatusCode::OK, &app.faults.view())
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
    Ok(json_response(StatusCode::OK, &app.faults.view()))
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
            "inFlight": app.in_flight.now(),
            "connections": app.connections.open(),
            "requests": app.in_flight.requests(),
            "abandoned": app.in_flight.abandoned(),
        }),
    )
}

pub async fn throttle_get(State(app): State<Arc<App>>) -> Response {
    json_response(StatusCode::OK, &app.throttle.settings())
}

/// `{"limit": N, "windowMs": M}`: `limit` required (0 = off), `windowMs` 60000 when absent.
/// Every token's window starts afresh.
pub async fn throttle_set(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let v = admin_body::body(&app, &headers, body, &["limit", "windowms"]).await?;
    let limit = admin_body::seconds(&v, "limit", "limit", 0..=u64::from(u32::MAX))?
        .ok_or_else(|| ApiError::bad_input("limit is required"))?;
    let window_ms = admin_body::seconds(&v, "windowms", "windowMs", 1..=86_400_000)?
        .unwrap_or(throttle::DEFAULT_WINDOW_MS);
    app.throttle.configure(throttle::Settings {
        limit: u32::try_from(limit).unwrap_or(u32::MAX),
        window_ms,
    });
    Ok(json_response(StatusCode::OK, &app.throttle.settings()))
}
