//! The emulator's clock: wall-clock time plus an offset that only moves forward, through
//! `POST /_sandbox/clock`. Everything that ages (the 30-day purge of deleted users, the
//! "dateAgreed is not in the future" check, soft-deletion and vetting times) reads this
//! clock, so a test can jump a month ahead without waiting. Token lifetimes and throttling
//! windows keep using real time.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

pub const SECONDS_PER_DAY: i64 = 24 * 3600;

#[derive(Debug, Default)]
pub struct Clock {
    offset_secs: AtomicI64,
}

impl Clock {
    /// Now, in Unix seconds, as the emulator sees it.
    pub fn now(&self) -> i64 {
        real_now() + self.offset()
    }

    /// Seconds the clock is ahead of real time.
    pub fn offset(&self) -> i64 {
        self.offset_secs.load(Ordering::Relaxed)
    }

    /// Moves the clock `secs` forward (never backward: a negative value is ignored).
    pub fn advance(&self, secs: i64) {
        if secs > 0 {
            self.offset_secs.fetch_add(secs, Ordering::Relaxed);
        }
    }

    /// Back to real time (`POST /_sandbox/reset`).
    pub fn reset(&self) {
        self.offset_secs.store(0, Ordering::Relaxed);
    }
}

fn real_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_forward_only_and_resets() {
        let c = Clock::default();
        let before = c.now();
        c.advance(30 * SECONDS_PER_DAY);
        c.advance(-5);
        assert_eq!(c.offset(), 30 * SECONDS_PER_DAY);
        assert!(c.now() >= before + 30 * SECONDS_PER_DAY);
        c.reset();
        assert_eq!(c.offset(), 0);
    }
}
