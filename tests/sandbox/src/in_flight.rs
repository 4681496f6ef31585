//! The Partner Center calls the emulator receives and serves: how many since the last reset
//! (`requests` in `GET /_sandbox/health`), how many it is serving now (`inFlight`) and the
//! most it has served at once since the last reset (`inFlightPeak`). Lets a test prove that a
//! client really overlaps its calls, without timing them, and that nothing is left hanging.
//!
//! A call counts as served until its response has been sent: a streamed answer fault (a
//! slow or stalled body) stays in flight until its body ends or the client goes away.
//!
//! `abandoned` counts the calls whose client went away before they were answered (hyper drops
//! the handler when the connection closes): what proves a client really cancelled a call — a
//! call left to finish is answered, however late — without timing anything.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

#[derive(Default)]
pub struct InFlight {
    now: AtomicUsize,
    peak: AtomicUsize,
    received: AtomicU64,
    abandoned: AtomicU64,
}

impl InFlight {
    /// Counts a call received, and in flight until the returned guard is dropped.
    pub fn enter(self: &Arc<Self>) -> InFlightGuard {
        self.received.fetch_add(1, Ordering::SeqCst);
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        InFlightGuard(self.clone())
    }

    pub fn now(&self) -> usize {
        self.now.load(Ordering::SeqCst)
    }

    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    /// Calls received since start or the last reset.
    pub fn requests(&self) -> u64 {
        self.received.load(Ordering::SeqCst)
    }

    /// Calls whose handling was dropped before it produced an answer, since start or reset.
    pub fn abandoned(&self) -> u64 {
        self.abandoned.load(Ordering::SeqCst)
    }

    /// Watches one call's handling: unless [`Handling::answered`] is called, dropping it counts
    /// the call as abandoned.
    pub fn handling(self: &Arc<Self>) -> Handling {
        Handling(Some(self.clone()))
    }

    /// The peak starts again from the calls being served now; the received count from 0.
    pub fn reset(&self) {
        self.peak
            .store(self.now.load(Ordering::SeqCst), Ordering::SeqCst);
        self.received.store(0, Ordering::SeqCst);
        self.abandoned.store(0, Ordering::SeqCst);
    }
}

/// See [`InFlight::handling`].
pub struct Handling(Option<Arc<InFlight>>);

impl Handling {
    /// The handler produced its answer: not abandoned.
    pub fn answered(mut self) {
        self.0 = None;
    }
}

impl Drop for Handling {
    fn drop(&mut self) {
        if let Some(gauge) = self.0.take() {
            gauge.abandoned.fetch_add(1, Ordering::SeqCst);
        }
    }
}

pub struct InFlightGuard(Arc<InFlight>);

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_peak_is_the_most_calls_at_once() {
        let gauge = Arc::new(InFlight::default());
        {
            let _a = gauge.enter();
            let _b = gauge.enter();
            let _c = gauge.enter();
            assert_eq!(gauge.now(), 3);
        }
        let _d = gauge.enter();
        assert_eq!(gauge.peak(), 3);
        assert_eq!((gauge.now(), gauge.requests()), (1, 4));
        gauge.reset();
        assert_eq!(gauge.peak(), 1, "the call still being served");
        assert_eq!((gauge.now(), gauge.requests()), (1, 0));
    }

    #[test]
    fn a_handling_dropped_unanswered_is_abandoned() {
        let gauge = Arc::new(InFlight::default());
        gauge.handling().answered();
        assert_eq!(gauge.abandoned(), 0);
        drop(gauge.handling());
        assert_eq!(gauge.abandoned(), 1);
        gauge.reset();
        assert_eq!(gauge.abandoned(), 0);
    }
}
