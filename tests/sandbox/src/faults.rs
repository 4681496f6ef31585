//! Fault injection for client tests: random faults by probability, plus a deterministic
//! script consumed by the next matching requests (so a test can say "the next create
//! gets a 503" without any randomness). Off by default; when nothing is configured the
//! per-request cost is one atomic load.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::http::{Method, StatusCode};
use rand::RngExt;
use serde::Serialize;
use serde_json::Value;

use crate::errors::ApiError;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultConfig {
    /// Probability (0–1) of answering 500 or 503 (even split) instead of the real response.
    pub error_rate: f64,
    /// Probability (0–1) of answering 429 with `Retry-After: retryAfterSeconds`.
    pub throttle_rate: f64,
    pub retry_after_seconds: u64,
    /// Probability (0–1) that a successful create is committed and then the connection is
    /// dropped without a response.
    pub drop_after_create_rate: f64,
    /// Added to every /v1 request before it is handled.
    pub latency_ms: u64,
    pub script: Vec<ScriptEntry>,
}

impl Default for FaultConfig {
    fn default() -> Self {
        FaultConfig {
            error_rate: 0.0,
            throttle_rate: 0.0,
            retry_after_seconds: 1,
            drop_after_create_rate: 0.0,
            latency_ms: 0,
            script: Vec::new(),
        }
    }
}

impl FaultConfig {
    fn is_active(&self) -> bool {
        self.error_rate > 0.0
            || self.throttle_rate > 0.0
            || self.drop_after_create_rate > 0.0
            || self.latency_ms > 0
            || !self.script.is_empty()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer with `status` (default 503) without running the request.
    Status,
    /// Run the request (commit it), then drop the connection without a response.
    DropAfterCommit,
    /// Answer 429 with `Retry-After: retryAfterSeconds`.
    Throttle,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScriptEntry {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Matches request paths that start with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub fault: FaultKind,
    pub status: u16,
    pub retry_after_seconds: u64,
    /// How many matching requests this entry still applies to.
    pub times: u32,
}

/// What to do with one request.
pub enum Decision {
    Pass,
    Respond(ApiError),
    DropAfterCommit,
}

pub struct Faults {
    active: AtomicBool,
    config: Mutex<FaultConfig>,
}

impl Faults {
    pub fn new(config: FaultConfig) -> Self {
        Faults {
            active: AtomicBool::new(config.is_active()),
            config: Mutex::new(config),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FaultConfig> {
        self.config.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn get(&self) -> FaultConfig {
        self.lock().clone()
    }

    pub fn set(&self, config: FaultConfig) {
        let mut guard = self.lock();
        self.active.store(config.is_active(), Ordering::Release);
        *guard = config;
    }

    pub fn clear(&self) {
        self.set(FaultConfig::default());
    }

    /// Picks the fault (if any) for a request; returns the latency to add too.
    pub fn decide(&self, method: &Method, path: &str) -> (u64, Decision) {
        if !self.active.load(Ordering::Acquire) {
            return (0, Decision::Pass);
        }
        let mut cfg = self.lock();
        let latency = cfg.latency_ms;
        let hit = cfg.script.iter().position(|e| {
            e.method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method.as_str()))
                && e.path.as_deref().is_none_or(|p| path.starts_with(p))
        });
        if let Some(i) = hit {
            let entry = cfg.script[i].clone();
            if entry.times <= 1 {
                cfg.script.remove(i);
            } else {
                cfg.script[i].times -= 1;
            }
            if !cfg.is_active() {
                self.active.store(false, Ordering::Release);
            }
            let decision = match entry.fault {
                FaultKind::Status => Decision::Respond(status_fault(entry.status)),
                FaultKind::Throttle => {
                    Decision::Respond(ApiError::throttled(entry.retry_after_seconds))
                }
                FaultKind::DropAfterCommit => Decision::DropAfterCommit,
            };
            return (latency, decision);
        }
        let mut rng = rand::rng();
        if cfg.error_rate > 0.0 && rng.random_bool(cfg.error_rate) {
            let status = if rng.random_bool(0.5) { 500 } else { 503 };
            return (latency, Decision::Respond(status_fault(status)));
        }
        if cfg.throttle_rate > 0.0 && rng.random_bool(cfg.throttle_rate) {
            return (
                latency,
                Decision::Respond(ApiError::throttled(cfg.retry_after_seconds)),
            );
        }
        (latency, Decision::Pass)
    }

    /// Whether a successful create should lose its response (random fault).
    pub fn drop_create(&self) -> bool {
        if !self.active.load(Ordering::Acquire) {
            return false;
        }
        let rate = self.lock().drop_after_create_rate;
        rate > 0.0 && rand::rng().random_bool(rate)
    }
}

fn status_fault(status: u16) -> ApiError {
    if status == 429 {
        return ApiError::throttled(1);
    }
    ApiError::injected(StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE))
}

/// Parses the `POST /_sandbox/faults` body (keys case-insensitive, normalised by
/// `wire::normalize`). Missing fields take their defaults: the body replaces the whole
/// configuration.
pub fn parse_config(v: &Value) -> Result<FaultConfig, String> {
    if !v.is_object() {
        return Err("the body must be a JSON object".into());
    }
    // A misspelled key would otherwise switch nothing on and a test would pass for the wrong reason.
    known_keys(
        v,
        &[
            "errorrate",
            "throttlerate",
            "dropaftercreaterate",
            "retryafterseconds",
            "latencyms",
            "script",
        ],
    )?;
    let mut cfg = FaultConfig::default();
    let rate = |key: &str| -> Result<f64, String> {
        match v.get(key) {
            None => Ok(0.0),
            Some(x) => x
                .as_f64()
                .filter(|r| (0.0..=1.0).contains(r))
                .ok_or_else(|| format!("{key} must be a number between 0 and 1")),
        }
    };
    cfg.error_rate = rate("errorrate")?;
    cfg.throttle_rate = rate("throttlerate")?;
    cfg.drop_after_create_rate = rate("dropaftercreaterate")?;
    cfg.retry_after_seconds = uint(v, "retryafterseconds", 1)?;
    cfg.latency_ms = uint(v, "latencyms", 0)?.min(60_000);
    if let Some(script) = v.get("script") {
        let items = script.as_array().ok_or("script must be an array")?;
        for (i, item) in items.iter().enumerate() {
            cfg.script.push(
                parse_entry(item, cfg.retry_after_seconds)
                    .map_err(|e| format!("script[{i}]: {e}"))?,
            );
        }
    }
    Ok(cfg)
}

/// Refuses members other than `known` (normalised, lower-case names), naming the first one.
fn known_keys(v: &Value, known: &[&str]) -> Result<(), String> {
    let unknown = v
        .as_object()
        .and_then(|map| map.keys().find(|key| !known.contains(&key.as_str())));
    match unknown {
        Some(key) => Err(format!("unknown member '{key}'")),
        None => Ok(()),
    }
}

fn uint(v: &Value, key: &str, default: u64) -> Result<u64, String> {
    match v.get(key) {
        None => Ok(default),
        Some(x) => x
            .as_u64()
            .ok_or_else(|| format!("{key} must be a non-negative integer")),
    }
}

fn parse_entry(v: &Value, default_retry_after: u64) -> Result<ScriptEntry, String> {
    if !v.is_object() {
        return Err("must be an object".into());
    }
    known_keys(
        v,
        &[
            "method",
            "path",
            "fault",
            "status",
            "retryafterseconds",
            "times",
        ],
    )?;
    let text = |key: &str| -> Result<Option<String>, String> {
        match v.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("{key} must be a string")),
        }
    };
    let fault = match text("fault")?
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("status") => FaultKind::Status,
        Some("drop_after_commit") | Some("dropaftercommit") => FaultKind::DropAfterCommit,
        Some("throttle") => FaultKind::Throttle,
        Some(other) => {
            return Err(format!(
                "unknown fault '{other}' (use status, drop_after_commit or throttle)"
            ));
        }
    };
    let status = uint(v, "status", 503)?;
    if !(400..=599).contains(&status) {
        return Err("status must be between 400 and 599".into());
    }
    let times = uint(v, "times", 1)?;
    if times == 0 {
        return Err("times must be at least 1".into());
    }
    Ok(ScriptEntry {
        method: text("method")?,
        path: text("path")?,
        fault,
        status: status as u16,
        retry_after_seconds: uint(v, "retryafterseconds", default_retry_after)?,
        times: u32::try_from(times).unwrap_or(u32::MAX),
    })
}
