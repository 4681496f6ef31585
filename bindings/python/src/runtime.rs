//! The one tokio runtime of this process every async call (and every sync call that does not run
//! on its own thread, see `local`) runs on, and blocking on it from Python without holding the GIL.

use std::future::Future;
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use tokio::runtime::Runtime;

use crate::fork;

/// How often a blocked sync call looks for pending signals (Ctrl-C → KeyboardInterrupt).
const SIGNAL_POLL: Duration = Duration::from_millis(100);

/// The shared runtime and the process generation it was built in (see `fork`).
struct Shared {
    generation: u64,
    runtime: Runtime,
}

/// The shared runtime, once built; never freed. A forked child builds its own and leaves the
/// parent's copy alone: its worker threads do not exist in the child, and dropping it there would
/// deregister the parent's sockets from their common epoll instance.
static SHARED: AtomicPtr<Shared> = AtomicPtr::new(ptr::null_mut());

/// The shared multi-threaded runtime of this process (built on first use, and again in a forked
/// child).
pub fn runtime() -> Result<&'static Runtime, std::io::Error> {
    let generation = fork::generation();
    let current = SHARED.load(Ordering::Acquire);
    // SAFETY: a non-null pointer came from `Box::into_raw` in `build` and is never freed.
    match unsafe { current.as_ref() } {
        Some(shared) if shared.generation == generation => Ok(&shared.runtime),
        _ => build(current, generation),
    }
}

/// Builds this process's runtime and installs it, unless another thread was quicker. No lock: a
/// lock held by another thread at the moment of a fork would stay locked in the child forever.
#[cold]
fn build(mut current: *mut Shared, generation: u64) -> Result<&'static Runtime, std::io::Error> {
    loop {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("partner-center-runtime")
            .build()?;
        let fresh = Box::into_raw(Box::new(Shared {
            generation,
            runtime,
        }));
        match SHARED.compare_exchange(current, fresh, Ordering::AcqRel, Ordering::Acquire) {
            // The one replaced (if any) belongs to the parent process: leaked on purpose.
            // SAFETY: `fresh` is now owned by `SHARED`, which never frees it.
            Ok(_) => return Ok(unsafe { &(*fresh).runtime }),
            Err(installed) => {
                // SAFETY: `fresh` was never shared. Its workers never ran a task: stop them
                // without waiting (allowed on a runtime thread, unlike a plain drop).
                let unused = unsafe { Box::from_raw(fresh) };
                unused.runtime.shutdown_background();
                // SAFETY: as in `runtime`.
                if let Some(shared) = unsafe { installed.as_ref() }
                    && shared.generation == generation
                {
                    return Ok(&shared.runtime);
                }
                current = installed;
            }
        }
    }
}

/// The shared runtime, or the Python error saying it could not start.
pub fn shared_runtime() -> PyResult<&'static Runtime> {
    runtime()
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start the client's runtime: {e}")))
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
    let task = shared_runtime()?.spawn(async move {
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

/// Lets `runtime` — a thread's own current-thread runtime — run its other tasks for a moment after
/// a call that ended without its whole answer (a timeout, an answer over the size cap, a signal):
/// the connection that carried it is then closed at once. Its task runs only while this thread
/// drives the runtime, so it would otherwise stay open, with the server still sending, until the
/// thread's next call.
pub fn settle(py: Python<'_>, runtime: &Runtime) {
    py.detach(|| {
        runtime.block_on(async {
            for _ in 0..SETTLE_TURNS {
                tokio::task::yield_now().await;
            }
        });
    });
}

/// Turns of the scheduler `settle` gives: the connection task wakes, shuts its stream, ends.
const SETTLE_TURNS: usize = 4;

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
