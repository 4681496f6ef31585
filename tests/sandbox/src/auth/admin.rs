//! `/_sandbox/auth/*`: what the Entra portal and the user's browser would do — register
//! apps, store the refresh token of a one-time consent, approve a device code — and the
//! sign-in settings. No auth, never throttled or faulted; member names match
//! case-insensitively, unknown members are refused (400 800002) so a typo cannot pass
//! silently.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use serde_json::{Value, json};

use super::store::{AppRegistration, Certificate, DEFAULT_REFRESH_LIFETIME_SECS};
use crate::admin_body::{body, flag, required_text, seconds, text};
use crate::errors::{ApiError, json_response};
use crate::state::App;

/// Entra's default access-token lifetime.
pub const DEFAULT_ACCESS_TOKEN_LIFETIME_SECS: u64 = 3600;
const MAX_LIFETIME_SECS: u64 = 366 * 24 * 3600;

/// `POST /_sandbox/auth/apps` → 201 with the registration (never the secret).
pub async fn register_app(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    raw: Body,
) -> Result<Response, ApiError> {
    let v = body(
        &app,
        &headers,
        raw,
        &[
            "clientid",
            "clientsecret",
            "certificate",
            "accesstokenlifetimeseconds",
        ],
    )
    .await?;
    let client_id = required_text(&v, "clientid", "clientId")?
        .trim()
        .to_string();
    let secret = text(&v, "clientsecret", "clientSecret")?.map(str::to_string);
    let certificate = match text(&v, "certificate", "certificate")? {
        None => None,
        Some(pem) => Some(parse_certificate(pem)?),
    };
    let lifetime = seconds(
        &v,
        "accesstokenlifetimeseconds",
        "accessTokenLifetimeSeconds",
        0..=MAX_LIFETIME_SECS,
    )?
    .unwrap_or(DEFAULT_ACCESS_TOKEN_LIFETIME_SECS);
    let reg = AppRegistration {
        client_id,
        secret,
        certificate,
        access_token_lifetime: lifetime,
    };
    let view = json!({
        "clientId": reg.client_id,
        "publicClient": !reg.is_confidential(),
        "hasClientSecret": reg.secret.is_some(),
        "certificateThumbprint": reg.certificate.as_ref().map(Certificate::thumbprint_hex),
        "accessTokenLifetimeSeconds": reg.access_token_lifetime,
    });
    app.auth.store().register(reg);
    let view = strip_nulls(view);
    Ok(json_response(StatusCode::CREATED, &view))
}

fn strip_nulls(mut v: Value) -> Value {
    if let Value::Object(m) = &mut v {
        m.retain(|_, x| !x.is_null());
    }
    v
}

/// The first `CERTIFICATE` block of `pem`, which must be an X.509 certificate webpki can read.
fn parse_certificate(pem: &str) -> Result<Certificate, ApiError> {
    let der = CertificateDer::from_pem_slice(pem.as_bytes())
        .map_err(|_| ApiError::bad_input("certificate must be a PEM 'CERTIFICATE' block"))?;
    webpki::EndEntityCert::try_from(&der)
        .map_err(|e| ApiError::bad_input(format!("certificate cannot be read: {e}")))?;
    Ok(Certificate::new(der.as_ref().to_vec()))
}

/// `POST /_sandbox/auth/refresh-tokens` → 201 `{"refreshToken"}`: what the one-time
/// interactive consent would have stored.
pub async fn refresh_token(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    raw: Body,
) -> Result<Response, ApiError> {
    let v = body(
        &app,
        &headers,
        raw,
        &["clientid", "userprincipalname", "mfa", "expiresinseconds"],
    )
    .await?;
    let client_id = required_text(&v, "clientid", "clientId")?;
    let upn = required_text(&v, "userprincipalname", "userPrincipalName")?.trim();
    let mfa = flag(&v, "mfa", "mfa")?.ok_or_else(|| ApiError::bad_input("mfa is required"))?;
    let lifetime = seconds(
        &v,
        "expiresinseconds",
        "expiresInSeconds",
        0..=10 * MAX_LIFETIME_SECS,
    )?
    .unwrap_or(DEFAULT_REFRESH_LIFETIME_SECS);
    let mut store = app.auth.store();
    let client = store
        .app(client_id)
        .map(|a| a.client_id.clone())
        .ok_or_else(|| {
            ApiError::bad_input("clientId is not a registered app (POST /_sandbox/auth/apps first)")
        })?;
    let token = store.issue_refresh(&client, upn, mfa, lifetime);
    Ok(json_response(
        StatusCode::CREATED,
        &json!({"refreshToken": token}),
    ))
}

/// `POST /_sandbox/auth/device-codes/approve` → 204, or 404 when no pending code has that
/// user code.
pub async fn approve(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    raw: Body,
) -> Result<Response, ApiError> {
    let v = body(
        &app,
        &headers,
        raw,
        &["usercode", "userprincipalname", "mfa"],
    )
    .await?;
    let user_code = required_text(&v, "usercode", "userCode")?;
    let upn = required_text(&v, "userprincipalname", "userPrincipalName")?.trim();
    let mfa = flag(&v, "mfa", "mfa")?.ok_or_else(|| ApiError::bad_input("mfa is required"))?;
    if app.auth.store().approve(user_code, upn, mfa) {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(ApiError::not_found(format!(
            "no pending device code with user code {}",
            crate::errors::truncate(user_code, 20)
        )))
    }
}

fn settings(app: &App) -> Value {
    json!({
        "mfaEnforced": app.auth.mfa_enforced(),
        "deviceCodeIntervalSeconds": app.auth.device_interval.load(Ordering::Relaxed),
        "deviceCodeLifetimeSeconds": app.auth.device_lifetime.load(Ordering::Relaxed),
    })
}

pub async fn settings_get(State(app): State<Arc<App>>) -> Response {
    json_response(StatusCode::OK, &settings(&app))
}

/// `POST /_sandbox/auth/settings`: changes the members given, keeps the others.
pub async fn settings_set(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    raw: Body,
) -> Result<Response, ApiError> {
    let v = body(
        &app,
        &headers,
        raw,
        &[
            "mfaenforced",
            "devicecodeintervalseconds",
            "devicecodelifetimeseconds",
        ],
    )
    .await?;
    let mfa = flag(&v, "mfaenforced", "mfaEnforced")?;
    let interval = seconds(
        &v,
        "devicecodeintervalseconds",
        "deviceCodeIntervalSeconds",
        1..=300,
    )?;
    let lifetime = seconds(
        &v,
        "devicecodelifetimeseconds",
        "deviceCodeLifetimeSeconds",
        1..=3600,
    )?;
    if let Some(m) = mfa {
        app.auth.mfa_enforced.store(m, Ordering::Relaxed);
    }
    if let Some(i) = interval {
        app.auth.device_interval.store(i, Ordering::Relaxed);
    }
    if let Some(l) = lifetime {
        app.auth.device_lifetime.store(l, Ordering::Relaxed);
    }
    Ok(json_response(StatusCode::OK, &settings(&app)))
}
