//! How many Partner Center calls the emulator is serving at once, and the most it has served at
//! once since the last reset (`inFlightPeak` in `GET /_sandbox/health`). Lets a test prove that a
//! client really overlaps its calls, without timing them.

use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Default)]
pub struct InFlight {
    now: AtomicUsize,
    peak: AtomicUsize,
}

impl InFlight {
    /// Counts a call until the returned guard is dropped.
    pub fn enter(&self) -> InFlightGuard<'_> {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        InFlightGuard(self)
    }

    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    /// The peak starts again from the calls being served now.
    pub fn reset_peak(&self) {
        self.peak
            .store(self.now.load(Ordering::SeqCst), Ordering::SeqCst);
    }
}

pub struct InFlightGuard<'a>(&'a InFlight);

impl Drop for InFlightGuard<'_> {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_peak_is_the_most_calls_at_once() {
        let gauge = InFlight::default();
        {
            let _a = gauge.enter();
            let _b = gauge.enter();
            let _c = gauge.enter();
        }
        let _d = gauge.enter();
        assert_eq!(gauge.peak(), 3);
        gauge.reset_peak();
        assert_eq!(gauge.peak(), 1, "the call still being served");
    }
}
