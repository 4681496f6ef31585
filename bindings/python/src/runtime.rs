//! The one tokio runtime every call runs on (pyo3-async-runtimes' shared runtime, so sync and async
//! calls share connection pools and timers), and blocking on it from Python without holding the GIL.

use std::future::Future;
use std::sync::mpsc::{self, RecvTimeoutError};
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
/// one raises (KeyboardInterrupt on Ctrl-C), the task is aborted — cancelling the request — and
/// that exception is returned.
///
/// The future runs as a task on the runtime's workers, next to the connection it uses, and the
/// calling thread only waits on a channel: one wake-up per call. (Driving the future from the
/// calling thread with `Runtime::block_on` crosses threads at every I/O step of the request,
/// because hyper's connection tasks live on the workers.)
pub fn block_on<F>(py: Python<'_>, fut: F) -> PyResult<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    refuse_inside_runtime()?;
    let (done, answer) = mpsc::sync_channel(1);
    let task = runtime().spawn(async move {
        // The receiver is gone only when the caller gave up (a signal): nothing to report.
        let _ = done.send(fut.await);
    });
    py.detach(move || {
        loop {
            match answer.recv_timeout(SIGNAL_POLL) {
                Ok(out) => return Ok(out),
                Err(RecvTimeoutError::Timeout) => {
                    if let Err(signal) = Python::attach(|py| py.check_signals()) {
                        task.abort();
                        return Err(signal);
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(PyRuntimeError::new_err(
                        "the call's task ended without an answer (a panic in the client)",
                    ));
                }
            }
        }
    })
}

/// Runs `fut` on `runtime` — the calling thread's own current-thread runtime (see `local`) — with
/// the GIL released. Every 100 ms it takes the GIL back briefly to run Python's signal handlers:
/// when one raises (KeyboardInterrupt on Ctrl-C), the future is dropped — cancelling the request —
/// and that exception is returned.
pub fn block_on_here<F>(py: Python<'_>, runtime: &Runtime, fut: F) -> PyResult<F::Output>
where
    F: Future + Send,
    F::Output: Send,
{
    refuse_inside_runtime()?;
    py.detach(|| {
        runtime.block_on(async {
            let mut fut = std::pin::pin!(fut);
            // The first check is one period away: awaiting an immediate first tick would cost a
            // turn of the timer driver (about 1 ms) on every call.
            let first = tokio::time::Instant::now() + SIGNAL_POLL;
            let mut tick = tokio::time::interval_at(first, SIGNAL_POLL);
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

/// A sync call from a thread that is running a tokio runtime (a token provider called back on a
/// worker, say) would block that runtime, or panic: refuse it with a clear error instead.
fn refuse_inside_runtime() -> PyResult<()> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(PyRuntimeError::new_err(
            "a synchronous call cannot run on the client's own runtime thread; \
             use the AsyncClient there",
        ));
    }
    Ok(())
}
