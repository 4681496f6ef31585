//! The device authorization grant (RFC 8628, auth.md §1.4): `POST
//! /{tenant}/oauth2/v2.0/devicecode` hands out a device code and a user code; the token
//! endpoint answers `authorization_pending` / `slow_down` / `expired_token` until
//! `POST /_sandbox/auth/device-codes/approve` (the user's browser sign-in) approves it.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::json;

use super::aadsts::{self, AadError};
use super::scopes::{self, Requested};
use super::store::{DeviceState, Store, client_key};
use super::token::{User, read_form};
use crate::state::App;

pub const VERIFICATION_URI: &str = "https://microsoft.com/devicelogin";

/// Polls closer together than `interval` minus this are too fast. A client that waits
/// exactly `interval` after each answer is never told to slow down, even if its timer
/// fires a few milliseconds early.
const POLL_GRACE: Duration = Duration::from_millis(100);

pub async fn devicecode(
    State(app): State<Arc<App>>,
    tenant: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let correlation = aadsts::correlation_id(&headers);
    let result = async {
        let Path(tenant) = tenant.map_err(|_| AadError::malformed("The tenant in the path is not valid."))?;
        let form = read_form(&app, body).await?;
        let client_id = form
            .get("client_id")
            .ok_or_else(|| AadError::missing("client_id"))?
            .trim()
            .to_string();
        let requested = scopes::user_scopes(form.get("scope"))?;
        let mut store = app.auth.store();
        let reg = store
            .app(&client_id)
            .cloned()
            .ok_or_else(|| AadError::unknown_client(&client_id, &tenant))?;
        let interval = app.auth.device_interval.load(Ordering::Relaxed);
        let lifetime = app.auth.device_lifetime.load(Ordering::Relaxed);
        let (device_code, user_code) = store.new_device_code(
            &reg.client_id,
            requested.resource,
            requested.names,
            requested.openid,
            lifetime,
        );
        Ok::<_, AadError>(json!({
            "device_code": device_code,
            "user_code": user_code,
            "verification_uri": VERIFICATION_URI,
            "expires_in": lifetime,
            "interval": interval,
            "message": format!(
                "To sign in, use a web browser to open the page {VERIFICATION_URI} and enter the code {user_code} to authenticate."
            ),
        }))
    }
    .await;
    match result {
        Ok(body) => aadsts::success(&body, &correlation),
        Err(e) => e.into_response(&correlation),
    }
}

/// One poll of the token endpoint with `device_code` by `client_id`. On approval the code
/// is consumed and the user and the scopes asked for at `/devicecode` are returned.
pub fn redeem(
    store: &mut Store,
    device_code: &str,
    client_id: &str,
    interval: u64,
) -> Result<(User, Requested), AadError> {
    let now = Instant::now();
    let d = store
        .device_mut(device_code)
        .ok_or_else(AadError::bad_device_code)?;
    if d.client != client_key(client_id) {
        return Err(AadError::grant_of_other_client("device code"));
    }
    if matches!(d.state, DeviceState::Redeemed) {
        return Err(AadError::device_code_redeemed());
    }
    if now >= d.expires_at {
        return Err(AadError::expired_device_code());
    }
    let previous = d.last_poll.replace(now);
    match std::mem::replace(&mut d.state, DeviceState::Redeemed) {
        DeviceState::Approved { upn, mfa } => Ok((
            User { upn, mfa },
            Requested {
                resource: d.resource.clone(),
                names: d.scopes.clone(),
                openid: d.openid,
            },
        )),
        other => {
            d.state = other;
            let too_fast = previous.is_some_and(|p| {
                now.duration_since(p) + POLL_GRACE < Duration::from_secs(interval)
            });
            if too_fast {
                Err(AadError::slow_down(interval))
            } else {
                Err(AadError::authorization_pending())
            }
        }
    }
}
