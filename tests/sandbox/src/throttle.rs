//! Per-token rate limiting: a fixed window per bearer token, by default one minute, like the
//! documented "500 requests per minute" (reference §7). The window starts at a token's
//! first request; `Retry-After` is the number of seconds until it ends (rounded up).
//! `POST /_sandbox/throttle` changes the limit and the window at run time; `/_sandbox/reset`
//! returns to the start configuration.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::Serialize;

/// The documented window.
pub const DEFAULT_WINDOW_MS: u64 = 60_000;

/// Beyond this many tracked tokens, expired windows are swept (bounded memory even if a
/// fuzzer sends a fresh token with every request).
const SWEEP_THRESHOLD: usize = 10_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// Requests per token per window; 0 = off.
    pub limit: u32,
    pub window_ms: u64,
}

pub struct Throttle {
    initial: Settings,
    // One short critical section per request (a hash lookup and an increment): far
    // cheaper than the HTTP parsing around it, so a plain mutex is enough.
    state: Mutex<State>,
}

struct State {
    settings: Settings,
    windows: HashMap<String, Window>,
}

struct Window {
    start: Instant,
    count: u32,
}

impl Throttle {
    /// `limit` requests per token per minute (0 = off).
    pub fn new(limit: u32) -> Self {
        let initial = Settings {
            limit,
            window_ms: DEFAULT_WINDOW_MS,
        };
        Throttle {
            initial,
            state: Mutex::new(State {
                settings: initial,
                windows: HashMap::new(),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts one request; `Err(seconds)` when the token is over its limit.
    pub fn check(&self, token: &str) -> Result<(), u64> {
        let mut state = self.lock();
        let Settings { limit, window_ms } = state.settings;
        if limit == 0 {
            return Ok(());
        }
        let window = Duration::from_millis(window_ms);
        let now = Instant::now();
        let windows = &mut state.windows;
        if windows.len() > SWEEP_THRESHOLD {
            windows.retain(|_, w| now.duration_since(w.start) < window);
        }
        let w = match windows.get_mut(token) {
            Some(w) => w,
            None => windows.entry(token.to_string()).or_insert(Window {
                start: now,
                count: 0,
            }),
        };
        if now.duration_since(w.start) >= window {
            w.start = now;
            w.count = 0;
        }
        w.count = w.count.saturating_add(1);
        if w.count > limit {
            let left = window.saturating_sub(now.duration_since(w.start));
            // Round up: retrying after a rounded-down value would be throttled again.
            let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
            Err(secs.max(1))
        } else {
            Ok(())
        }
    }

    pub fn settings(&self) -> Settings {
        self.lock().settings
    }

    /// New limit and window; every token's window starts afresh.
    pub fn configure(&self, settings: Settings) {
        let mut state = self.lock();
        state.settings = settings;
        state.windows.clear();
    }

    /// The start configuration, and no counts.
    pub fn reset(&self) {
        self.configure(self.initial);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_of_its_own_length_and_reset_restores_the_start() {
        let t = Throttle::new(2);
        assert_eq!(
            t.settings(),
            Settings {
                limit: 2,
                window_ms: 60_000
            }
        );
        assert!(t.check("a").is_ok() && t.check("a").is_ok());
        assert_eq!(t.check("a"), Err(60));
        t.configure(Settings {
            limit: 1,
            window_ms: 40,
        });
        assert!(t.check("a").is_ok(), "configuring starts windows afresh");
        assert_eq!(t.check("a"), Err(1), "Retry-After is at least 1");
        std::thread::sleep(Duration::from_millis(50));
        assert!(t.check("a").is_ok(), "a new window");
        t.configure(Settings {
            limit: 0,
            window_ms: 40,
        });
        assert!((0..10).all(|_| t.check("a").is_ok()), "0 = off");
        t.reset();
        assert_eq!(t.settings().limit, 2);
        assert_eq!(t.settings().window_ms, 60_000);
    }
}
