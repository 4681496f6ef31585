//! Reading the admin API's JSON bodies (`/_sandbox/...`): member names match
//! case-insensitively (the body is normalised by `wire`), and unknown members, wrong types
//! and missing required members are refused with 400 800002 naming the member, so a typo in
//! a test's setup cannot pass silently.

use axum::body::Body;
use axum::http::HeaderMap;
use serde_json::Value;

use crate::errors::ApiError;
use crate::state::App;
use crate::wire;

/// The body as a JSON object whose members are all in `known` (lower-case names).
pub async fn body(
    app: &App,
    headers: &HeaderMap,
    body: Body,
    known: &[&str],
) -> Result<Value, ApiError> {
    let v = wire::read_json(headers, body, app.config.max_body_bytes).await?;
    let map = v
        .as_object()
        .ok_or_else(|| ApiError::bad_input("the body must be a JSON object"))?;
    if let Some(key) = map.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(ApiError::bad_input(format!("unknown member '{key}'")));
    }
    Ok(v)
}

pub fn text<'v>(v: &'v Value, key: &str, name: &str) -> Result<Option<&'v str>, ApiError> {
    match v.get(key) {
        None => Ok(None),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.as_str())),
        Some(_) => Err(ApiError::bad_input(format!(
            "{name} must be a non-empty string"
        ))),
    }
}

pub fn required_text<'v>(v: &'v Value, key: &str, name: &str) -> Result<&'v str, ApiError> {
    text(v, key, name)?.ok_or_else(|| ApiError::bad_input(format!("{name} is required")))
}

pub fn flag(v: &Value, key: &str, name: &str) -> Result<Option<bool>, ApiError> {
    match v.get(key) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(ApiError::bad_input(format!("{name} must be true or false"))),
    }
}

pub fn seconds(
    v: &Value,
    key: &str,
    name: &str,
    range: std::ops::RangeInclusive<u64>,
) -> Result<Option<u64>, ApiError> {
    match v.get(key) {
        None => Ok(None),
        Some(x) => x
            .as_u64()
            .filter(|n| range.contains(n))
            .map(Some)
            .ok_or_else(|| {
                ApiError::bad_input(format!(
                    "{name} must be an integer from {} to {}",
                    range.start(),
                    range.end()
                ))
            }),
    }
}

/// Refuses members of a nested object that are not in `known`; `path` names the object.
pub fn only_members(v: &Value, known: &[&str], path: &str) -> Result<(), ApiError> {
    let map = v
        .as_object()
        .ok_or_else(|| ApiError::bad_input(format!("{path} must be a JSON object")))?;
    match map.keys().find(|k| !known.contains(&k.as_str())) {
        Some(key) => Err(ApiError::bad_input(format!(
            "unknown member '{path}.{key}'"
        ))),
        None => Ok(()),
    }
}

/// An optional integer within `range`.
pub fn integer(
    v: &Value,
    key: &str,
    name: &str,
    range: std::ops::RangeInclusive<i64>,
) -> Result<Option<i64>, ApiError> {
    match v.get(key) {
        None => Ok(None),
        Some(x) => x
            .as_i64()
            .filter(|n| range.contains(n))
            .map(Some)
            .ok_or_else(|| {
                ApiError::bad_input(format!(
                    "{name} must be an integer from {} to {}",
                    range.start(),
                    range.end()
                ))
            }),
    }
}

/// An optional array member.
pub fn array<'v>(v: &'v Value, key: &str, name: &str) -> Result<Option<&'v Vec<Value>>, ApiError> {
    match v.get(key) {
        None => Ok(None),
        Some(Value::Array(items)) => Ok(Some(items)),
        Some(_) => Err(ApiError::bad_input(format!("{name} must be an array"))),
    }
}
