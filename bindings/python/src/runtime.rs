//! The one tokio runtime every call runs on (pyo3-async-runtimes' shared runtime, so sync and async
//! calls share connection pools and timers), and blocking on it from Python without holding the GIL.

use std::future::Future;
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use tokio::runtime::Runtime;

/// How often a blocked sync call looks for pending signals (Ctrl-C → KeyboardInterrupt).
const SIGNAL_POLL: Duration = Duration::from_millis(100);

/// The shared multi-threaded runtime (created on first use).
pub fn runtime() -> &'static Runtime {
    pyo3_async_runtimes::tokio::get_runtime()
}

/// Runs `fut` to completion on the shared runtime with the GIL released, so other Python threads
/// run meanwhile. Every 100 ms it takes the GIL back briefly to run Python's signal handlers: when
/// one raises (KeyboardInterrupt on Ctrl-C), the future is dropped — cancelling the request — and
/// that exception is returned.
pub fn block_on<F>(py: Python<'_>, fut: F) -> PyResult<F::Output>
where
    F: Future + Send,
    F::Output: Send,
{
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(PyRuntimeError::new_err(
            "a synchronous partner_center call cannot run on the client's own runtime thread; \
             use the AsyncClient there",
        ));
    }
    py.detach(|| {
        runtime().block_on(async {
            let mut fut = std::pin::pin!(fut);
            // The first check is one period away. (Awaiting an immediate first tick costs a turn
            // of the timer driver, about 1 ms, on every call.)
            let start = tokio::time::Instant::now() + SIGNAL_POLL;
            let mut tick = tokio::time::interval_at(start, SIGNAL_POLL);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    biased;
                    out = &mut fut => return Ok(out),
                    _ = tick.tick() => Python::attach(|py| py.check_signals())?,
                }
            }
        })
    })
}
