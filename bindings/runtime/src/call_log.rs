//! What each attempt of a call came to, told to a per-client sink ([`CallLog`]).
//!
//! The transport makes one [`CallEvent`] per attempt. Its level says what followed the attempt: the
//! call's answer or a 401 answered by a fresh token (`Debug`), a retry (`Warn`: a 5xx, 408, 429 with
//! its Retry-After, a timeout or a lost connection), the end of a failed call (`Info`: the caller gets
//! the error anyway, so it is no warning). A client without a sink of its own sends the events to
//! `tracing` ([`TracingLog`]), as the runtime always did.
//!
//! The sink is asked [`CallLog::enabled`] before an event is built, so a level nobody listens to
//! costs one check per attempt. An event never holds a token, a secret, a header value other than the
//! request id, a body or the query string: only the fields below.

use std::fmt;
use std::time::Duration;

use crate::error::ErrorKind;

/// How much an event matters (ordered: `Debug < Info < Warn`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    Debug,
    Info,
    Warn,
}

impl LogLevel {
    pub const ALL: [LogLevel; 3] = [LogLevel::Debug, LogLevel::Info, LogLevel::Warn];

    /// `"debug"`, `"info"`, `"warn"`.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warn => "warn",
        }
    }
}

/// What followed an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// This attempt's answer is the call's (a 2xx, or a status the operation accepts).
    Answer,
    /// Tried again after `delay`: the server's `retry_after` (capped by the retry policy) when it
    /// gave one, else the jittered backoff.
    Retry {
        delay: Duration,
        retry_after: Option<Duration>,
    },
    /// A 401, tried again at once with a fresh token (not counted against the retry policy).
    Reauthorize,
    /// The call fails with this attempt's error: not retryable, or no attempt left.
    Fail,
}

impl Next {
    /// The level of an event: a retry is a warning, a failed call's end information, the rest debug.
    pub fn level(self) -> LogLevel {
        match self {
            Next::Answer | Next::Reauthorize => LogLevel::Debug,
            Next::Retry { .. } => LogLevel::Warn,
            Next::Fail => LogLevel::Info,
        }
    }
}

/// One attempt of one call.
#[derive(Clone, Copy, Debug)]
pub struct CallEvent<'a> {
    /// The operationId.
    pub operation: &'static str,
    /// `GET`, `POST`, ...
    pub method: &'a str,
    /// The URL's path as sent (percent-encoded), never its query string.
    pub path: &'a str,
    /// 1-based. The immediate retry after a 401 carries the same number again.
    pub attempt: u32,
    /// The most attempts the retry policy allows this call.
    pub max_attempts: u32,
    /// The request id sent (the same on every attempt of a call).
    pub request_id: &'a str,
    /// The status of the answer, when one arrived (a decode error has one too).
    pub status: Option<u16>,
    /// What the attempt failed with; `None` for the call's answer.
    pub error: Option<ErrorKind>,
    /// From sending the request to its answer read (or the failure), pacing excluded.
    pub duration: Duration,
    pub next: Next,
}

impl CallEvent<'_> {
    pub fn level(&self) -> LogLevel {
        self.next.level()
    }

    /// The attempt's duration in milliseconds, fractions included.
    pub fn duration_ms(&self) -> f64 {
        self.duration.as_secs_f64() * 1000.0
    }

    /// The wait before the next attempt, for a retry.
    pub fn retry_in(&self) -> Option<Duration> {
        match self.next {
            Next::Retry { delay, .. } => Some(delay),
            _ => None,
        }
    }

    /// The server's Retry-After, for a retry that honours one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self.next {
            Next::Retry { retry_after, .. } => retry_after,
            _ => None,
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The human-readable line, e.g. `listCustomers GET /v1/customers: 503 in 2.1 ms (attempt 1 of 3,
/// request 6f0c…); retrying in 412 ms`.
impl fmt::Display for CallEvent<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}: ", self.operation, self.method, self.path)?;
        match (self.status, self.error) {
            (Some(status), Some(ErrorKind::Decode)) => write!(f, "{status}, not decodable")?,
            (Some(status), _) => write!(f, "{status}")?,
            (None, Some(kind)) => f.write_str(kind.as_str())?,
            (None, None) => f.write_str("no answer")?,
        }
        write!(
            f,
            " in {:.1} ms (attempt {} of {}, request {})",
            self.duration_ms(),
            self.attempt,
            self.max_attempts,
            self.request_id
        )?;
        match self.next {
            Next::Answer => Ok(()),
            Next::Retry {
                delay,
                retry_after: Some(_),
            } => write!(f, "; retrying in {:.0} ms as Retry-After asks", ms(delay)),
            Next::Retry { delay, .. } => write!(f, "; retrying in {:.0} ms", ms(delay)),
            Next::Reauthorize => f.write_str("; retrying at once with a fresh token"),
            Next::Fail => match self.error {
                Some(kind) => write!(f, "; the call fails ({})", kind.as_str()),
                None => f.write_str("; the call fails"),
            },
        }
    }
}

/// Where a client's call events go. Set one with
/// [`Transport::set_call_log`](crate::Transport::set_call_log); without one they go to `tracing`.
///
/// Called on whichever thread runs the call (a tokio worker): neither method may block for long.
pub trait CallLog: Send + Sync {
    /// Whether events of `level` are wanted: asked before each event is built, so keep it to an
    /// atomic load or a comparison (no lock, no I/O, no foreign runtime).
    fn enabled(&self, level: LogLevel) -> bool;

    /// One event, of a level [`enabled`](Self::enabled) accepted.
    fn log(&self, event: &CallEvent<'_>);
}

/// The `tracing` target of the default sink's events (the transport's, as before sinks existed).
pub const TRACING_TARGET: &str = "sdk_runtime::transport";

/// The default sink: a `tracing` event per attempt (target [`TRACING_TARGET`], inside the call's
/// `http_call` span that carries `operation` and `request_id`), at the event's level (`Warn` →
/// `WARN`).
#[derive(Clone, Copy, Debug, Default)]
pub struct TracingLog;

/// One `tracing` event of `$level` with the fields of `$e`.
macro_rules! trace_event {
    ($level:expr, $e:expr, $message:expr) => {
        tracing::event!(
            target: TRACING_TARGET,
            $level,
            method = $e.method,
            path = $e.path,
            attempt = $e.attempt,
            status = $e.status,
            error = $e.error.map(|k| k.as_str()),
            elapsed_ms = u64::try_from($e.duration.as_millis()).unwrap_or(u64::MAX),
            delay_ms = $e.retry_in().map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            retry_after_ms = $e
                .retry_after()
                .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            $message
        )
    };
}

impl CallLog for TracingLog {
    fn enabled(&self, level: LogLevel) -> bool {
        match level {
            LogLevel::Debug => {
                tracing::enabled!(target: TRACING_TARGET, tracing::Level::DEBUG)
            }
            LogLevel::Info => {
                tracing::enabled!(target: TRACING_TARGET, tracing::Level::INFO)
            }
            LogLevel::Warn => {
                tracing::enabled!(target: TRACING_TARGET, tracing::Level::WARN)
            }
        }
    }

    fn log(&self, e: &CallEvent<'_>) {
        match e.next {
            Next::Answer => trace_event!(tracing::Level::DEBUG, e, "http attempt"),
            Next::Reauthorize => {
                trace_event!(tracing::Level::DEBUG, e, "http attempt: 401, fresh token")
            }
            Next::Retry { .. } => trace_event!(tracing::Level::WARN, e, "http attempt: retrying"),
            Next::Fail => trace_event!(tracing::Level::INFO, e, "http attempt: call failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(status: Option<u16>, error: Option<ErrorKind>, next: Next) -> CallEvent<'static> {
        CallEvent {
            operation: "listCustomers",
            method: "GET",
            path: "/v1/customers",
            attempt: 1,
            max_attempts: 3,
            request_id: "rid-1",
            status,
            error,
            duration: Duration::from_micros(2150),
            next,
        }
    }

    #[test]
    fn levels_follow_what_came_next() {
        let retry = Next::Retry {
            delay: Duration::from_millis(5),
            retry_after: None,
        };
        assert_eq!(retry.level(), LogLevel::Warn);
        assert_eq!(Next::Fail.level(), LogLevel::Info);
        assert_eq!(Next::Answer.level(), LogLevel::Debug);
        assert_eq!(Next::Reauthorize.level(), LogLevel::Debug);
        assert!(LogLevel::Debug < LogLevel::Info && LogLevel::Info < LogLevel::Warn);
    }

    #[test]
    fn messages() {
        let ok = event(Some(200), None, Next::Answer);
        assert_eq!(
            ok.to_string(),
            "listCustomers GET /v1/customers: 200 in 2.1 ms (attempt 1 of 3, request rid-1)"
        );
        let throttled = event(
            Some(429),
            Some(ErrorKind::Throttled),
            Next::Retry {
                delay: Duration::from_secs(1),
                retry_after: Some(Duration::from_secs(1)),
            },
        );
        assert!(
            throttled
                .to_string()
                .ends_with(": 429 in 2.1 ms (attempt 1 of 3, request rid-1); retrying in 1000 ms as Retry-After asks"),
            "{throttled}"
        );
        let timeout = event(None, Some(ErrorKind::Timeout), Next::Fail);
        assert!(
            timeout.to_string().contains(": timeout in 2.1 ms")
                && timeout.to_string().ends_with("; the call fails (timeout)"),
            "{timeout}"
        );
        let decode = event(Some(200), Some(ErrorKind::Decode), Next::Fail);
        assert!(
            decode.to_string().contains(": 200, not decodable in"),
            "{decode}"
        );
        assert_eq!(throttled.retry_in(), Some(Duration::from_secs(1)));
        assert_eq!(ok.retry_in(), None);
        assert!((ok.duration_ms() - 2.15).abs() < 1e-9);
    }
}
