//! Per-token rate limiting: a fixed one-minute window per bearer token, like the
//! documented "500 requests per minute" (reference §7). The window starts at a token's
//! first request; `Retry-After` is the number of seconds until it ends.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);

/// Beyond this many tracked tokens, expired windows are swept (bounded memory even if a
/// fuzzer sends a fresh token with every request).
const SWEEP_THRESHOLD: usize = 10_000;

pub struct Throttle {
    limit: u32,
    // One short critical section per request (a hash lookup and an increment): far
    // cheaper than the HTTP parsing around it, so a plain mutex is enough.
    windows: Mutex<HashMap<String, Window>>,
}

struct Window {
    start: Instant,
    count: u32,
}

impl Throttle {
    pub fn new(limit: u32) -> Self {
        Throttle {
            limit,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request; `Err(seconds)` when the token is over its limit.
    pub fn check(&self, token: &str) -> Result<(), u64> {
        if self.limit == 0 {
            return Ok(());
        }
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() > SWEEP_THRESHOLD {
            windows.retain(|_, w| now.duration_since(w.start) < WINDOW);
        }
        let w = match windows.get_mut(token) {
            Some(w) => w,
            None => windows.entry(token.to_string()).or_insert(Window {
                start: now,
                count: 0,
            }),
        };
        if now.duration_since(w.start) >= WINDOW {
            w.start = now;
            w.count = 0;
        }
        w.count = w.count.saturating_add(1);
        if w.count > self.limit {
            let left = WINDOW.saturating_sub(now.duration_since(w.start));
            // Round up: retrying after a rounded-down value would be throttled again.
            let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
            Err(secs.max(1))
        } else {
            Ok(())
        }
    }

    pub fn reset(&self) {
        self.windows
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}
