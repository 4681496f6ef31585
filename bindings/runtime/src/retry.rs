//! When and how long to wait before trying a call again.

use std::time::{Duration, SystemTime};

/// How a transport retries transient failures.
///
/// Retried: connection errors, per-attempt timeouts, 408, 429, 500, 502, 503, 504 — never other 4xx,
/// because repeating a request the server understood and refused cannot change its answer.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Total attempts, default 3 (1 = no retries; 0 is treated as 1).
    pub max_attempts: u32,
    /// Default 500 ms; doubles per retry, with full jitter.
    pub initial_backoff: Duration,
    /// Default 8 s.
    pub max_backoff: Duration,
    /// Cap applied to a server's Retry-After, default 60 s, so a hostile or buggy header cannot stall a caller.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A single attempt.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    pub fn with_max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n;
        self
    }

    pub fn with_initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }

    pub fn with_max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }

    pub fn with_max_retry_after(mut self, d: Duration) -> Self {
        self.max_retry_after = d;
        self
    }

    /// Attempts actually made: at least one, whatever the field says.
    pub fn attempts(&self) -> u32 {
        self.max_attempts.max(1)
    }

    /// Upper bound of the wait after failed attempt number `attempt` (1-based):
    /// `min(max_backoff, initial_backoff * 2^(attempt-1))`.
    pub fn backoff_ceiling(&self, attempt: u32) -> Duration {
        let exp = attempt.saturating_sub(1).min(31);
        let factor = 1u32 << exp;
        self.initial_backoff
            .checked_mul(factor)
            .unwrap_or(Duration::MAX)
            .min(self.max_backoff)
    }

    /// The wait after failed attempt number `attempt`: uniform in `[0, backoff_ceiling(attempt)]`.
    /// Full jitter spreads clients that failed together so they do not retry together.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self.backoff_ceiling(attempt);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        if nanos == 0 {
            return Duration::ZERO;
        }
        Duration::from_nanos(rand::random_range(0..=nanos))
    }

    /// The wait before the next attempt: the server's Retry-After (capped) when it gave one,
    /// else the jittered backoff.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        match retry_after {
            Some(d) => d.min(self.max_retry_after),
            None => self.backoff(attempt),
        }
    }
}

/// Statuses worth retrying: the server may answer differently next time.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

/// Parses a Retry-After value: delta-seconds or an HTTP date (a date in the past means "now").
/// Returns `None` for anything else, so a malformed header falls back to normal backoff.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        // Huge values saturate rather than fail: the cap in RetryPolicy bounds them anyway.
        let secs = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_contract() {
        let p = RetryPolicy::default();
        assert_eq!(p.max_attempts, 3);
        assert_eq!(p.initial_backoff, Duration::from_millis(500));
        assert_eq!(p.max_backoff, Duration::from_secs(8));
        assert_eq!(p.max_retry_after, Duration::from_secs(60));
        assert_eq!(RetryPolicy::none().max_attempts, 1);
        assert_eq!(RetryPolicy::none().with_max_attempts(5).max_attempts, 5);
        assert_eq!(RetryPolicy::none().with_max_attempts(0).attempts(), 1);
    }

    #[test]
    fn backoff_ceiling_doubles_and_caps() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff_ceiling(1), Duration::from_millis(500));
        assert_eq!(p.backoff_ceiling(2), Duration::from_secs(1));
        assert_eq!(p.backoff_ceiling(3), Duration::from_secs(2));
        assert_eq!(p.backoff_ceiling(4), Duration::from_secs(4));
        assert_eq!(p.backoff_ceiling(5), Duration::from_secs(8));
        assert_eq!(p.backoff_ceiling(6), Duration::from_secs(8));
        assert_eq!(p.backoff_ceiling(u32::MAX), Duration::from_secs(8));
        let huge = RetryPolicy {
            initial_backoff: Duration::from_secs(u64::MAX / 2),
            max_backoff: Duration::from_secs(3),
            ..RetryPolicy::default()
        };
        assert_eq!(huge.backoff_ceiling(40), Duration::from_secs(3));
    }

    #[test]
    fn backoff_is_jittered_within_ceiling() {
        let p = RetryPolicy::default().with_max_backoff(Duration::from_secs(2));
        let mut distinct = std::collections::HashSet::new();
        for attempt in 1..=6 {
            for _ in 0..50 {
                let d = p.backoff(attempt);
                assert!(d <= p.backoff_ceiling(attempt), "{d:?} at {attempt}");
                distinct.insert(d);
            }
        }
        // Full jitter: the waits are spread, not a fixed schedule.
        assert!(
            distinct.len() > 100,
            "only {} distinct waits",
            distinct.len()
        );
        let zero = RetryPolicy::default().with_initial_backoff(Duration::ZERO);
        assert_eq!(zero.backoff(3), Duration::ZERO);
    }

    #[test]
    fn delay_prefers_capped_retry_after() {
        let p = RetryPolicy::default().with_max_retry_after(Duration::from_secs(10));
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(300))),
            Duration::from_secs(10)
        );
        assert!(p.delay(1, None) <= Duration::from_millis(500));
    }

    #[test]
    fn retry_after_delta_seconds() {
        let now = SystemTime::now();
        assert_eq!(parse_retry_after("5", now), Some(Duration::from_secs(5)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX))
        );
        assert_eq!(parse_retry_after("", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
        assert_eq!(parse_retry_after("1.5", now), None);
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn retry_after_http_date() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT")
            .unwrap_or(SystemTime::UNIX_EPOCH);
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:07 GMT", now),
            Some(Duration::from_secs(7))
        );
        // Already past: retry now rather than fail.
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now),
            Some(Duration::ZERO)
        );
        // Obsolete RFC 850 form is part of the HTTP-date grammar too.
        assert_eq!(
            parse_retry_after("Wednesday, 21-Oct-15 07:28:02 GMT", now),
            Some(Duration::from_secs(2))
        );
    }

    #[test]
    fn retryable_statuses() {
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(is_retryable_status(s), "{s}");
        }
        for s in [200, 400, 401, 403, 404, 409, 412, 422, 501, 505] {
            assert!(!is_retryable_status(s), "{s}");
        }
    }
}
