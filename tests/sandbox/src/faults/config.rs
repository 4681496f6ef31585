//! The fault configuration (`GET`/`POST /_sandbox/faults`): random rates, latency and the
//! script, and the parser of the admin body.

use serde::Serialize;
use serde_json::Value;

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
    pub(super) fn is_active(&self) -> bool {
        self.error_rate > 0.0
            || self.throttle_rate > 0.0
            || self.drop_after_create_rate > 0.0
            || self.latency_ms > 0
            || !self.script.is_empty()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum FaultKind {
    /// Answer with `status` (default 503) without running the request.
    #[serde(rename = "status")]
    Status,
    /// Run the request (commit it), then drop the connection without a response.
    #[serde(rename = "drop_after_commit")]
    DropAfterCommit,
    /// Answer 429 with `Retry-After: retryAfterSeconds`.
    #[serde(rename = "throttle")]
    Throttle,
    // Answer faults: a hostile answer instead of running the request (`answer.rs`).
    /// 200 JSON that does not parse.
    #[serde(rename = "malformed_json")]
    MalformedJson,
    /// 200 JSON of the wrong shape.
    #[serde(rename = "wrong_types")]
    WrongTypes,
    /// 200 with fewer bytes than `Content-Length`, then the connection closes.
    #[serde(rename = "truncated")]
    Truncated,
    /// 502 with a gateway's HTML page (more than 4 KB).
    #[serde(rename = "html_502")]
    Html502,
    /// 200 JSON whose string holds bytes that are not UTF-8.
    #[serde(rename = "invalid_utf8")]
    InvalidUtf8,
    /// 200 with `bytes` bytes of JSON array, streamed.
    #[serde(rename = "huge_body")]
    HugeBody,
    /// 200 at once, then one body byte every `intervalMs`.
    #[serde(rename = "slow_body")]
    SlowBody,
    /// 200 headers, then nothing for `stallSeconds` (or until the client goes away).
    #[serde(rename = "stall_after_headers")]
    StallAfterHeaders,
}

impl FaultKind {
    pub const ALL: [FaultKind; 11] = [
        FaultKind::Status,
        FaultKind::DropAfterCommit,
        FaultKind::Throttle,
        FaultKind::MalformedJson,
        FaultKind::WrongTypes,
        FaultKind::Truncated,
        FaultKind::Html502,
        FaultKind::InvalidUtf8,
        FaultKind::HugeBody,
        FaultKind::SlowBody,
        FaultKind::StallAfterHeaders,
    ];

    /// The wire name (`"fault"` of a script entry, a key of `injected`).
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::Status => "status",
            FaultKind::DropAfterCommit => "drop_after_commit",
            FaultKind::Throttle => "throttle",
            FaultKind::MalformedJson => "malformed_json",
            FaultKind::WrongTypes => "wrong_types",
            FaultKind::Truncated => "truncated",
            FaultKind::Html502 => "html_502",
            FaultKind::InvalidUtf8 => "invalid_utf8",
            FaultKind::HugeBody => "huge_body",
            FaultKind::SlowBody => "slow_body",
            FaultKind::StallAfterHeaders => "stall_after_headers",
        }
    }

    /// Any case; `_` and `-` optional (`dropAfterCommit`, `HTML-502`).
    fn parse(s: &str) -> Option<FaultKind> {
        let squash = |s: &str| -> String {
            s.chars()
                .filter(|c| *c != '_' && *c != '-')
                .map(|c| c.to_ascii_lowercase())
                .collect()
        };
        let wanted = squash(s);
        Self::ALL.into_iter().find(|k| squash(k.name()) == wanted)
    }

    /// Whether the fault answers in place of the request (`answer.rs`).
    pub fn is_answer(self) -> bool {
        !matches!(
            self,
            FaultKind::Status | FaultKind::DropAfterCommit | FaultKind::Throttle
        )
    }
}

/// `huge_body`'s default size: far above any client's answer cap.
pub const DEFAULT_HUGE_BYTES: u64 = 300_000_000;
/// `slow_body`'s default pause before each byte.
pub const DEFAULT_INTERVAL_MS: u64 = 1000;
/// `stall_after_headers`' default stall.
pub const DEFAULT_STALL_SECONDS: u64 = 3600;

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
    /// `huge_body`: the body's length.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    /// `huge_body`: `Transfer-Encoding: chunked` instead of `Content-Length`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chunked: Option<bool>,
    /// `slow_body`: the pause before each byte.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval_ms: Option<u64>,
    /// `stall_after_headers`: how long nothing comes before the connection is closed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stall_seconds: Option<u64>,
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

/// An optional member that only `owner` uses: refused on other faults (a `bytes` on a
/// `slow_body` entry is a mistake the test writer wants to hear about), defaulted on it.
fn only_for<T>(
    v: &Value,
    key: &str,
    name: &str,
    fault: FaultKind,
    owner: FaultKind,
    read: impl FnOnce(Option<&Value>) -> Result<T, String>,
) -> Result<Option<T>, String> {
    match (v.get(key), fault == owner) {
        (None, false) => Ok(None),
        (Some(_), false) => Err(format!("{name} applies only to the {} fault", owner.name())),
        (x, true) => read(x).map(Some),
    }
}

fn ranged(
    x: Option<&Value>,
    name: &str,
    range: std::ops::RangeInclusive<u64>,
    default: u64,
) -> Result<u64, String> {
    match x {
        None => Ok(default),
        Some(x) => x.as_u64().filter(|n| range.contains(n)).ok_or_else(|| {
            format!(
                "{name} must be an integer from {} to {}",
                range.start(),
                range.end()
            )
        }),
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
            "bytes",
            "chunked",
            "intervalms",
            "stallseconds",
        ],
    )?;
    let text = |key: &str| -> Result<Option<String>, String> {
        match v.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("{key} must be a string")),
        }
    };
    let fault = match text("fault")? {
        None => FaultKind::Status,
        Some(name) => FaultKind::parse(&name).ok_or_else(|| {
            let all: Vec<&str> = FaultKind::ALL.iter().map(|k| k.name()).collect();
            format!("unknown fault '{name}' (use {})", all.join(", "))
        })?,
    };
    let status = uint(v, "status", 503)?;
    if !(400..=599).contains(&status) {
        return Err("status must be between 400 and 599".into());
    }
    let times = uint(v, "times", 1)?;
    if times == 0 {
        return Err("times must be at least 1".into());
    }
    let bytes = only_for(v, "bytes", "bytes", fault, FaultKind::HugeBody, |x| {
        ranged(x, "bytes", 1..=u64::MAX, DEFAULT_HUGE_BYTES)
    })?;
    let chunked = only_for(
        v,
        "chunked",
        "chunked",
        fault,
        FaultKind::HugeBody,
        |x| match x {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err("chunked must be true or false".into()),
        },
    )?;
    let interval_ms = only_for(
        v,
        "intervalms",
        "intervalMs",
        fault,
        FaultKind::SlowBody,
        |x| ranged(x, "intervalMs", 1..=3_600_000, DEFAULT_INTERVAL_MS),
    )?;
    let stall_seconds = only_for(
        v,
        "stallseconds",
        "stallSeconds",
        fault,
        FaultKind::StallAfterHeaders,
        |x| ranged(x, "stallSeconds", 1..=86_400, DEFAULT_STALL_SECONDS),
    )?;
    Ok(ScriptEntry {
        method: text("method")?,
        path: text("path")?,
        fault,
        status: status as u16,
        retry_after_seconds: uint(v, "retryafterseconds", default_retry_after)?,
        times: u32::try_from(times).unwrap_or(u32::MAX),
        bytes,
        chunked,
        interval_ms,
        stall_seconds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(v: Value) -> Result<ScriptEntry, String> {
        parse_config(&json!({ "script": [v] })).map(|c| c.script[0].clone())
    }

    #[test]
    fn fault_names_parse_in_any_spelling() {
        for kind in FaultKind::ALL {
            assert_eq!(FaultKind::parse(kind.name()), Some(kind));
            assert_eq!(
                FaultKind::parse(&kind.name().to_ascii_uppercase().replace('_', "-")),
                Some(kind)
            );
            // The serialised name is the one documented and parsed.
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                Value::String(kind.name().into())
            );
        }
        assert_eq!(FaultKind::parse("html502"), Some(FaultKind::Html502));
        assert_eq!(FaultKind::parse("explode"), None);
    }

    #[test]
    fn answer_fault_members_default_and_belong_to_their_fault() {
        let huge = entry(json!({"fault": "huge_body"})).unwrap();
        assert_eq!(
            (huge.bytes, huge.chunked),
            (Some(DEFAULT_HUGE_BYTES), Some(false))
        );
        assert_eq!(huge.interval_ms, None);
        let huge = entry(json!({"fault": "huge_body", "bytes": 10, "chunked": true})).unwrap();
        assert_eq!((huge.bytes, huge.chunked), (Some(10), Some(true)));
        let slow = entry(json!({"fault": "slow_body"})).unwrap();
        assert_eq!(slow.interval_ms, Some(DEFAULT_INTERVAL_MS));
        let stall = entry(json!({"fault": "stall_after_headers", "stallseconds": 2})).unwrap();
        assert_eq!(stall.stall_seconds, Some(2));
        assert_eq!(entry(json!({"fault": "truncated"})).unwrap().bytes, None);

        for bad in [
            json!({"fault": "slow_body", "bytes": 10}),
            json!({"fault": "status", "chunked": true}),
            json!({"fault": "huge_body", "intervalms": 5}),
            json!({"fault": "huge_body", "stallseconds": 5}),
            json!({"fault": "huge_body", "bytes": 0}),
            json!({"fault": "huge_body", "bytes": -1}),
            json!({"fault": "huge_body", "chunked": "yes"}),
            json!({"fault": "slow_body", "intervalms": 0}),
            json!({"fault": "stall_after_headers", "stallseconds": 0}),
            json!({"fault": "stall_after_headers", "stallseconds": 86_401}),
        ] {
            assert!(entry(bad.clone()).is_err(), "{bad}");
        }
    }
}
