//! Stopping a call before it ends: its Rust future is dropped, so its request (and the connection
//! carrying it) is dropped too and nothing is retried; the client stays usable.
//!
//! Two things stop a call:
//! * its [`NativeAbort`]: `lib/runtime.js` makes one per call given an `AbortSignal` and calls
//!   [`NativeAbort::abort`] from the signal's `abort` listener;
//! * the end of the JS environment that made it (a `worker_threads` worker terminated, or exiting,
//!   mid-call): an env cleanup hook, registered once per environment ([`env_closing`]), stops every
//!   call the environment still has in flight instead of leaving them to run out their timeouts
//!   for a Promise nobody can see any more.

use std::cell::RefCell;
use std::future::Future;
use std::sync::{Mutex, MutexGuard, PoisonError};

use napi::bindgen_prelude::*;
use napi_derive::napi;
use tokio::sync::{oneshot, watch};

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Stops the one call it is given to (`NativeClient.call(..., abort)`) when its `abort()` is
/// called, before or during the call.
#[napi]
pub struct NativeAbort {
    sender: Mutex<Option<oneshot::Sender<()>>>,
    receiver: Mutex<Option<oneshot::Receiver<()>>>,
}

impl Default for NativeAbort {
    fn default() -> Self {
        let (sender, receiver) = oneshot::channel();
        Self {
            sender: Mutex::new(Some(sender)),
            receiver: Mutex::new(Some(receiver)),
        }
    }
}

#[napi]
impl NativeAbort {
    #[napi(constructor)]
    pub fn new() -> Self {
        Self::default()
    }

    /// Stops the call (once; later calls, and calls after the call ended, do nothing).
    #[napi]
    pub fn abort(&self) {
        if let Some(sender) = lock(&self.sender).take() {
            // The call has ended (its receiver dropped): nothing to stop.
            let _ = sender.send(());
        }
    }

    /// What the call waits on; a handle serves one call only.
    pub fn receiver(&self) -> Result<oneshot::Receiver<()>> {
        lock(&self.receiver).take().ok_or_else(|| {
            Error::new(
                Status::InvalidArg,
                "this NativeAbort was already given to a call",
            )
        })
    }
}

/// Why a call ended before its work did.
#[derive(Debug, PartialEq, Eq)]
pub enum Stopped {
    /// Its [`NativeAbort`] was aborted.
    Aborted,
    /// Its JS environment is being torn down.
    EnvClosing,
}

thread_local! {
    /// The environment running on this thread (its address) and the flag its cleanup hook raises.
    /// Each JS environment (the main thread's, each worker's) runs on a thread of its own.
    static CLOSING: RefCell<Option<(usize, watch::Receiver<bool>)>> = const { RefCell::new(None) };
}

/// A flag raised when `env` is torn down; the cleanup hook that raises it is registered on the
/// first call in each environment.
pub fn env_closing(env: &Env) -> Result<watch::Receiver<bool>> {
    let key = env.raw() as usize;
    CLOSING.with(|slot| {
        let mut slot = slot.borrow_mut();
        match slot.as_ref() {
            Some((k, closing)) if *k == key => Ok(closing.clone()),
            _ => {
                let (raise, closing) = watch::channel(false);
                env.add_env_cleanup_hook(raise, |raise| {
                    let _ = raise.send(true);
                })?;
                *slot = Some((key, closing.clone()));
                Ok(closing)
            }
        }
    })
}

/// Runs `work` unless `aborted` fires or `closing` is raised first; `work` is then dropped.
pub async fn until_stopped<F: Future>(
    work: F,
    aborted: Option<oneshot::Receiver<()>>,
    mut closing: watch::Receiver<bool>,
) -> std::result::Result<F::Output, Stopped> {
    let abort = async move {
        // A handle dropped without `abort()` (never the case while JS holds it) stops nothing.
        let fired = match aborted {
            Some(rx) => rx.await.is_ok(),
            None => false,
        };
        if !fired {
            std::future::pending::<()>().await;
        }
    };
    // Err: the hook ran and dropped its sender, so the environment is going away too.
    let closed = async move {
        let _ = closing.wait_for(|closing| *closing).await;
    };
    tokio::select! {
        biased;
        () = abort => Err(Stopped::Aborted),
        () = closed => Err(Stopped::EnvClosing),
        out = work => Ok(out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// Sets its flag when dropped: shows the work future was dropped, not left running.
    struct DropFlag(Arc<AtomicBool>);
    impl Drop for DropFlag {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    #[test]
    fn abort_drops_the_work() {
        rt().block_on(async {
            let dropped = Arc::new(AtomicBool::new(false));
            let flag = DropFlag(dropped.clone());
            let handle = NativeAbort::new();
            let (_raise, closing) = watch::channel(false);
            let rx = handle.receiver().unwrap();
            assert!(handle.receiver().is_err(), "a handle serves one call");
            let work = async move {
                let _flag = flag;
                std::future::pending::<()>().await;
            };
            let run = tokio::spawn(until_stopped(work, Some(rx), closing));
            tokio::task::yield_now().await;
            assert!(!dropped.load(Ordering::SeqCst));
            handle.abort();
            handle.abort();
            assert_eq!(run.await.unwrap(), Err(Stopped::Aborted));
            assert!(dropped.load(Ordering::SeqCst));
        });
    }

    #[test]
    fn closing_stops_and_work_finishes_otherwise() {
        rt().block_on(async {
            let (raise, closing) = watch::channel(false);
            let run = tokio::spawn(until_stopped(
                std::future::pending::<()>(),
                None,
                closing.clone(),
            ));
            tokio::task::yield_now().await;
            raise.send(true).unwrap();
            assert_eq!(run.await.unwrap(), Err(Stopped::EnvClosing));

            let (_raise, closing) = watch::channel(false);
            let handle = NativeAbort::new();
            let done = until_stopped(async { 7 }, Some(handle.receiver().unwrap()), closing).await;
            assert_eq!(done, Ok(7));
            handle.abort(); // after the end: nothing to stop, no panic
            // A handle dropped without abort() stops nothing.
            let (_raise, closing) = watch::channel(false);
            let rx = NativeAbort::new().receiver().unwrap();
            let done = until_stopped(
                async {
                    tokio::task::yield_now().await;
                    8
                },
                Some(rx),
                closing,
            )
            .await;
            assert_eq!(done, Ok(8));
        });
    }
}
