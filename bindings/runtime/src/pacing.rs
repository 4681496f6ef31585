//! Client-side pacing: at most N requests a minute, evenly spaced, shared by every call (and every
//! attempt) of the clients that hold the same [`RateLimit`].
//!
//! Services that throttle per minute (Partner Center: 500 requests a minute per token) answer a
//! burst with 429s and `Retry-After`; pacing below the limit costs a bulk job nothing and spares it
//! the 429s. The policy is the simplest one that can never exceed the limit in any window: one
//! permit every `60 s / N`, no burst (the generic cell rate algorithm with a tolerance of zero).
//!
//! Written here rather than taken from `governor`: its async wait runs on `futures-timer`'s own
//! timer thread, a second timer beside tokio's that does not exist in a process forked from the
//! one that started it (Python's prefork workers), while the one policy needed is a single atomic
//! slot counter and a tokio sleep.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

use crate::error::Error;

/// A shared pace: `per_minute` permits a minute, one every `60 s / per_minute`. Clones share the
/// pace, so give one to several clients to pace them together.
#[derive(Clone)]
pub struct RateLimit {
    inner: Arc<Inner>,
}

struct Inner {
    per_minute: u32,
    /// Nanoseconds between two permits.
    interval: u64,
    /// Where time is counted from (nanoseconds since this instant).
    origin: Instant,
    /// The earliest time, in nanoseconds since `origin`, the next permit may be used.
    next: AtomicU64,
}

impl RateLimit {
    /// At most `per_minute` requests a minute; 0 is a configuration error.
    pub fn per_minute(per_minute: u32) -> Result<Self, Error> {
        if per_minute == 0 {
            return Err(Error::Config(
                "requests per minute must be a positive number".into(),
            ));
        }
        Ok(Self {
            inner: Arc::new(Inner {
                per_minute,
                interval: 60_000_000_000 / u64::from(per_minute),
                origin: Instant::now(),
                next: AtomicU64::new(0),
            }),
        })
    }

    /// Waits for this request's turn. Each caller reserves its own slot at once (so waiters are
    /// served in the order they arrived) and then sleeps until it; a caller cancelled while
    /// waiting leaves its slot unused, which only ever makes the pace slower.
    pub async fn acquire(&self) {
        let slot = self.reserve(Instant::now());
        if slot > Instant::now() {
            tokio::time::sleep_until(slot).await;
        }
    }

    /// Takes the next free slot at or after `now` and returns when it is.
    fn reserve(&self, now: Instant) -> Instant {
        let inner = &*self.inner;
        let now_ns = u64::try_from(now.duration_since(inner.origin).as_nanos()).unwrap_or(u64::MAX);
        let mut next = inner.next.load(Ordering::Relaxed);
        loop {
            let slot = next.max(now_ns);
            match inner.next.compare_exchange_weak(
                next,
                slot.saturating_add(inner.interval),
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => return inner.origin + Duration::from_nanos(slot),
                Err(current) => next = current,
            }
        }
    }
}

impl fmt::Debug for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimit")
            .field("requests_per_minute", &self.inner.per_minute)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_is_refused() {
        assert!(matches!(RateLimit::per_minute(0), Err(Error::Config(_))));
    }

    #[test]
    fn slots_are_evenly_spaced_and_never_bunch() {
        let limit = RateLimit::per_minute(600).unwrap(); // one every 100 ms
        let start = Instant::now();
        let slots: Vec<Duration> = (0..5)
            .map(|_| limit.reserve(start).duration_since(start))
            .collect();
        let expected: Vec<Duration> = (0..5).map(|i| Duration::from_millis(100 * i)).collect();
        // The origin is a hair before `start`: allow a microsecond either way.
        for (got, want) in slots.iter().zip(&expected) {
            assert!(got.abs_diff(*want) < Duration::from_micros(1), "{slots:?}");
        }
        // Idle time is not saved up: after a pause, the next slot is now, the one after 100 ms later.
        let later = start + Duration::from_secs(10);
        assert_eq!(limit.reserve(later), later);
        assert_eq!(limit.reserve(later), later + Duration::from_millis(100));
    }

    #[test]
    fn clones_share_one_pace() {
        let a = RateLimit::per_minute(60).unwrap();
        let b = a.clone();
        let now = Instant::now();
        let first = a.reserve(now);
        let second = b.reserve(now);
        assert_eq!(second.duration_since(first), Duration::from_secs(1));
    }
}
