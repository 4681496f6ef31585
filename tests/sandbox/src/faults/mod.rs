//! Fault injection for client tests: random faults by probability, plus a deterministic
//! script consumed by the next matching requests (so a test can say "the next create
//! gets a 503" without any randomness), and a count of what was injected. Off by default;
//! when nothing is configured the per-request cost is one atomic load.
//!
//! `config` holds the configuration and its parser, this file the decision per request,
//! `answer` the hostile answers (malformed JSON, truncated, huge, slow, stalled bodies).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::http::{Method, StatusCode};
use rand::RngExt;
use serde::Serialize;

use crate::errors::ApiError;

pub mod answer;
mod config;

pub use answer::Answer;
pub use config::{
    DEFAULT_HUGE_BYTES, DEFAULT_INTERVAL_MS, DEFAULT_STALL_SECONDS, FaultConfig, FaultKind,
    ScriptEntry, parse_config,
};

/// What to do with one request.
pub enum Decision {
    Pass,
    Respond(ApiError),
    DropAfterCommit,
    /// Answer with a hostile body instead of running the request.
    Answer(Answer),
}

/// `GET /_sandbox/faults`: the configuration and what was injected since it was set.
#[derive(Serialize)]
pub struct FaultsView {
    #[serde(flatten)]
    pub config: FaultConfig,
    pub injected: BTreeMap<String, u64>,
}

pub struct Faults {
    active: AtomicBool,
    state: Mutex<State>,
}

struct State {
    config: FaultConfig,
    /// By kind: the status of a status fault ("500", "503", "429", …) or the fault's name.
    injected: BTreeMap<String, u64>,
}

/// Counted from zero, so a reader need not treat a missing key as 0: the random faults and
/// every fault name but `status` and `throttle` (those count under their status).
fn zero_counts() -> BTreeMap<String, u64> {
    let mut counts: BTreeMap<String, u64> = ["500", "503", "429"]
        .into_iter()
        .map(|k| (k.to_string(), 0))
        .collect();
    for kind in FaultKind::ALL {
        if !matches!(kind, FaultKind::Status | FaultKind::Throttle) {
            counts.insert(kind.name().to_string(), 0);
        }
    }
    counts
}

impl State {
    fn count(&mut self, kind: &str) {
        *self.injected.entry(kind.to_string()).or_insert(0) += 1;
    }
}

impl Faults {
    pub fn new(config: FaultConfig) -> Self {
        Faults {
            active: AtomicBool::new(config.is_active()),
            state: Mutex::new(State {
                config,
                injected: zero_counts(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn get(&self) -> FaultConfig {
        self.lock().config.clone()
    }

    pub fn view(&self) -> FaultsView {
        let state = self.lock();
        FaultsView {
            config: state.config.clone(),
            injected: state.injected.clone(),
        }
    }

    /// Replaces the configuration and starts the counts again.
    pub fn set(&self, config: FaultConfig) {
        let mut state = self.lock();
        self.active.store(config.is_active(), Ordering::Release);
        state.config = config;
        state.injected = zero_counts();
    }

    pub fn clear(&self) {
        self.set(FaultConfig::default());
    }

    /// Picks the fault (if any) for a request; returns the latency to add too.
    pub fn decide(&self, method: &Method, path: &str) -> (u64, Decision) {
        if !self.active.load(Ordering::Acquire) {
            return (0, Decision::Pass);
        }
        let mut state = self.lock();
        let cfg = &mut state.config;
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
            let decision = scripted(&entry);
            let kind = match &decision {
                Decision::Respond(e) => e.status.as_str().to_string(),
                _ => entry.fault.name().to_string(),
            };
            state.count(&kind);
            return (latency, decision);
        }
        let (error_rate, throttle_rate, retry_after) =
            (cfg.error_rate, cfg.throttle_rate, cfg.retry_after_seconds);
        let mut rng = rand::rng();
        if error_rate > 0.0 && rng.random_bool(error_rate) {
            let status = if rng.random_bool(0.5) { 500 } else { 503 };
            state.count(&status.to_string());
            return (latency, Decision::Respond(status_fault(status)));
        }
        if throttle_rate > 0.0 && rng.random_bool(throttle_rate) {
            state.count("429");
            return (latency, Decision::Respond(ApiError::throttled(retry_after)));
        }
        (latency, Decision::Pass)
    }

    /// Whether a successful create should lose its response (random fault).
    pub fn drop_create(&self) -> bool {
        if !self.active.load(Ordering::Acquire) {
            return false;
        }
        let mut state = self.lock();
        let rate = state.config.drop_after_create_rate;
        let drop = rate > 0.0 && rand::rng().random_bool(rate);
        if drop {
            state.count(FaultKind::DropAfterCommit.name());
        }
        drop
    }
}

fn scripted(entry: &ScriptEntry) -> Decision {
    match entry.fault {
        FaultKind::Status => Decision::Respond(status_fault(entry.status)),
        FaultKind::Throttle => Decision::Respond(ApiError::throttled(entry.retry_after_seconds)),
        FaultKind::DropAfterCommit => Decision::DropAfterCommit,
        FaultKind::MalformedJson => Decision::Answer(Answer::MalformedJson),
        FaultKind::WrongTypes => Decision::Answer(Answer::WrongTypes),
        FaultKind::Truncated => Decision::Answer(Answer::Truncated),
        FaultKind::Html502 => Decision::Answer(Answer::Html502),
        FaultKind::InvalidUtf8 => Decision::Answer(Answer::InvalidUtf8),
        FaultKind::HugeBody => Decision::Answer(Answer::HugeBody {
            bytes: entry.bytes.unwrap_or(DEFAULT_HUGE_BYTES),
            chunked: entry.chunked.unwrap_or(false),
        }),
        FaultKind::SlowBody => Decision::Answer(Answer::SlowBody {
            interval: Duration::from_millis(entry.interval_ms.unwrap_or(DEFAULT_INTERVAL_MS)),
        }),
        FaultKind::StallAfterHeaders => Decision::Answer(Answer::StallAfterHeaders {
            stall: Duration::from_secs(entry.stall_seconds.unwrap_or(DEFAULT_STALL_SECONDS)),
        }),
    }
}

fn status_fault(status: u16) -> ApiError {
    if status == 429 {
        return ApiError::throttled(1);
    }
    ApiError::injected(StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn faults(v: serde_json::Value) -> Faults {
        Faults::new(parse_config(&v).unwrap())
    }

    #[test]
    fn injected_counts_by_kind_and_start_again_when_set() {
        let f = faults(json!({"script": [
            {"fault": "status", "status": 502},
            {"fault": "throttle"},
            {"fault": "truncated", "times": 2},
            {"fault": "drop_after_commit"}
        ]}));
        for _ in 0..6 {
            let _ = f.decide(&Method::GET, "/v1/customers");
        }
        let counts = f.view().injected;
        assert_eq!(counts["502"], 1);
        assert_eq!(counts["429"], 1);
        assert_eq!(counts["truncated"], 2);
        assert_eq!(counts["drop_after_commit"], 1);
        assert_eq!(counts["500"], 0, "every fixed kind is listed");
        assert_eq!(counts["huge_body"], 0);
        assert!(!counts.contains_key("status") && !counts.contains_key("throttle"));

        f.set(parse_config(&json!({"errorrate": 1.0, "dropaftercreaterate": 1.0})).unwrap());
        assert_eq!(f.view().injected, zero_counts());
        for _ in 0..10 {
            let _ = f.decide(&Method::GET, "/v1/customers");
        }
        assert!(f.drop_create());
        let counts = f.view().injected;
        assert_eq!(counts["500"] + counts["503"], 10);
        assert_eq!(counts["drop_after_commit"], 1);
        f.clear();
        assert_eq!(f.view().injected, zero_counts());
    }
}
