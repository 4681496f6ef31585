//! Partner Center's side of sign-in: what it does with the bearer token of a `/v1` request
//! (auth.md §1.7).
//!
//! * A token this emulator issued is checked: expired → 401 400; audience other than
//!   Partner Center → 401 900420; App+User without `mfa` in `amr` while enforcement is on
//!   → 401 900421; App-only on an operation the spec marks `x-pc-requires-app-user` →
//!   403 900150.
//! * Any other token (opaque, or another issuer's JWT) counts as App+User with MFA in
//!   lenient mode (the default) and is refused (401 400) in strict mode.

use axum::http::{HeaderMap, Method, header};
use serde_json::{Map, Value};

use super::PARTNER_CENTER_RESOURCE;
use super::ops;
use super::store::now_unix;
use crate::config::AuthMode;
use crate::errors::ApiError;
use crate::state::App;

pub fn check(app: &App, token: &str, method: &Method, path: &str) -> Result<(), ApiError> {
    let Some(claims) = app.auth.signer.verify(token) else {
        return match app.config.auth {
            AuthMode::Lenient => Ok(()),
            AuthMode::Strict => Err(ApiError::access_denied()),
        };
    };
    check_claims(app, &claims, method, path)
}

/// The object id (`oid`) of the signed-in user behind a request's bearer token, when the
/// token is one this emulator issued; `None` for any other token (the caller decides what
/// stands in for it). Call only after [`check`] let the request through.
pub fn object_id(app: &App, headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (_, token) = value.trim().split_once(' ')?;
    let claims = app.auth.signer.verify(token.trim())?;
    claims.get("oid")?.as_str().map(str::to_string)
}

fn check_claims(
    app: &App,
    claims: &Map<String, Value>,
    method: &Method,
    path: &str,
) -> Result<(), ApiError> {
    let exp = claims.get("exp").and_then(Value::as_u64).unwrap_or(0);
    if exp <= now_unix() {
        return Err(ApiError::token_expired());
    }
    let aud = claims
        .get("aud")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if aud != PARTNER_CENTER_RESOURCE {
        return Err(ApiError::invalid_audience(aud));
    }
    let app_only = claims.get("idtyp").and_then(Value::as_str) == Some("app");
    if app_only {
        if ops::operations().requires_app_user(method, path) {
            return Err(ApiError::app_only_forbidden());
        }
        return Ok(());
    }
    let mfa = claims
        .get("amr")
        .and_then(Value::as_array)
        .is_some_and(|amr| amr.iter().any(|m| m.as_str() == Some("mfa")));
    if !mfa && app.auth.mfa_enforced() {
        return Err(ApiError::mfa_required());
    }
    Ok(())
}
