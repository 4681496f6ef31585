//! A customer's users (reference-2 §9): create (200, not 201), list (paged like customers,
//! deleted users only through the `UserState` filter), get, update (also password reset and
//! restore) and soft delete. All App+User only (from the spec). Soft-deleted users are
//! purged 30 days after deletion by the emulator's clock.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use uuid::Uuid;

use crate::errors::{ApiError, json_response};
use crate::model::Attributes;
use crate::onboarding::users;
use crate::paging::{self, Cursor};
use crate::routes::customer_id;
use crate::routes::customers::Collection;
use crate::state::App;
use crate::wire;

/// Users pages: 100 by default, at most 500 (reference-2 §9.3), 0 = everything.
const DEFAULT_PAGE_SIZE: usize = 100;
const MAX_PAGE_SIZE: usize = 500;

/// The customer and user path segments: GUIDs, else 400 900118 (customer) or 400 800002
/// (user).
fn ids(path: Result<Path<(String, String)>, PathRejection>) -> Result<(Uuid, Uuid), ApiError> {
    let Path((customer, user)) = path.map_err(|_| ApiError::bad_input("the path is not valid"))?;
    let customer =
        Uuid::try_parse(customer.trim()).map_err(|_| ApiError::invalid_customer_id(&customer))?;
    let user = Uuid::try_parse(user.trim()).map_err(|_| {
        ApiError::bad_input(format!(
            "user-id must be a GUID, got '{}'",
            crate::errors::truncate(&user, 100)
        ))
    })?;
    Ok((customer, user))
}

fn domain_of(app: &App, id: &Uuid) -> Result<String, ApiError> {
    app.store.with(id, |c| c.domain.clone())
}

/// `POST /v1/customers/{id}/users` → 200 with the user and its password profile echoed.
pub async fn create(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let id = customer_id(path)?;
    let domain = domain_of(&app, &id)?;
    let body = wire::read_json(&headers, body, app.config.max_body_bytes).await?;
    let new = users::parse_new(&body, &domain)?;
    let now = app.clock.now();
    app.store.update(&id, |c| {
        let list = &mut c.onboarding.users;
        list.purge(now);
        if list.upn_taken(&new.user.upn, None, now) {
            return Err(ApiError::user_exists(&new.user.upn));
        }
        let resp = json_response(StatusCode::OK, &new.user.view(&id, Some(&new.password)));
        list.insert(new.user);
        Ok(resp)
    })
}

/// `GET /v1/customers/{id}/users[?size=&filter=]`, then `?seekOperation=Next` with
/// `MS-ContinuationToken`: creation order; active users, or with
/// `{"Field":"UserState","Value":"Inactive","Operator":"equals"}` only the soft-deleted ones.
pub async fn list(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let id = customer_id(path)?;
    app.store.with(&id, |_| ())?;
    let params = paging::parse_query(query.as_deref());
    let scope = id.to_string();
    let next_uri = format!("/v1/customers/{id}/users?seekOperation=Next");
    let (cursor, self_uri) = match paging::next_cursor(&params, &headers, app.token_secret, &scope)?
    {
        Some(cursor) => (cursor, next_uri.clone()),
        None => {
            let size = paging::parse_size_within(
                paging::query_param(&params, "size"),
                DEFAULT_PAGE_SIZE,
                Some(MAX_PAGE_SIZE),
            )?;
            let filter = paging::query_param(&params, "filter")
                .filter(|f| !f.trim().is_empty())
                .map(paging::parse_user_filter)
                .transpose()?;
            let self_uri = match query.as_deref() {
                Some(q) if !q.is_empty() => format!("/v1/customers/{id}/users?{q}"),
                _ => format!("/v1/customers/{id}/users"),
            };
            (
                Cursor {
                    scope,
                    after: None,
                    size,
                    filter,
                },
                self_uri,
            )
        }
    };
    let deleted = cursor
        .filter
        .as_ref()
        .is_some_and(|f| f.value == "inactive");
    let now = app.clock.now();
    app.store.with(&id, |c| {
        let entries = c
            .onboarding
            .users
            .live(now)
            .filter(|(_, u)| u.is_deleted() == deleted)
            .map(|(seq, u)| (seq, u.view(&id, None)));
        let page = paging::page(entries, &cursor, app.token_secret);
        json_response(
            StatusCode::OK,
            &Collection {
                total_count: page.items.len(),
                links: paging::links(self_uri, &next_uri, page.token.as_deref()),
                items: page.items,
                continuation_token: page.token,
                attributes: Attributes::of("Collection"),
            },
        )
    })
}

/// `GET /v1/customers/{id}/users/{user-id}`: an active user; deleted or purged → 404 60002.
pub async fn get(
    State(app): State<Arc<App>>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, ApiError> {
    let (id, uid) = ids(path)?;
    let now = app.clock.now();
    app.store.with(&id, |c| {
        c.onboarding
            .users
            .active(&uid, now)
            .map(|u| json_response(StatusCode::OK, &u.view(&id, None)))
            .ok_or_else(ApiError::user_not_found)
    })?
}

/// `PATCH /v1/customers/{id}/users/{user-id}`: the members sent change. A soft-deleted user
/// accepts only an update with `state: active` (a restore); otherwise 404 60002 — checked
/// before the members' own rules (400) and the user principal name's uniqueness (409).
pub async fn update(
    State(app): State<Arc<App>>,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let (id, uid) = ids(path)?;
    let domain = domain_of(&app, &id)?;
    let body = wire::read_json(&headers, body, app.config.max_body_bytes).await?;
    let restores = body
        .get("state")
        .and_then(Value::as_str)
        .is_some_and(|s| s.trim().eq_ignore_ascii_case("active"));
    let update = users::parse_update(&body, &domain);
    let now = app.clock.now();
    app.store.update(&id, |c| {
        let list = &mut c.onboarding.users;
        list.purge(now);
        match list.live_mut(&uid, now) {
            Some(u) if !u.is_deleted() || restores => {}
            _ => return Err(ApiError::user_not_found()),
        }
        let update = update?;
        if let Some(upn) = &update.upn
            && list.upn_taken(upn, Some(&uid), now)
        {
            return Err(ApiError::user_exists(upn));
        }
        let user = list
            .live_mut(&uid, now)
            .ok_or_else(ApiError::user_not_found)?;
        let password = update.apply(user);
        Ok(json_response(
            StatusCode::OK,
            &user.view(&id, password.as_ref()),
        ))
    })
}

/// `DELETE /v1/customers/{id}/users/{user-id}` → 204: soft delete (`state: inactive`,
/// `softDeletionTime` = now). A deleted or purged user → 404 60002.
pub async fn delete(
    State(app): State<Arc<App>>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, ApiError> {
    let (id, uid) = ids(path)?;
    let now = app.clock.now();
    app.store.update(&id, |c| {
        let list = &mut c.onboarding.users;
        list.purge(now);
        match list.live_mut(&uid, now) {
            Some(u) if !u.is_deleted() => {
                u.deleted_at = Some(now);
                Ok(StatusCode::NO_CONTENT.into_response())
            }
            _ => Err(ApiError::user_not_found()),
        }
    })
}
