//! Answers back to the JS thread through one threadsafe function per JS environment.
//!
//! napi-rs's own future → Promise bridge (`spawn_future_with_callback`) creates a threadsafe
//! function for every call and closes it after one use: a libuv handle opened, referenced, woken
//! once and closed, per call. Here each environment has one, made on its first call: a finished
//! call puts its answer on the environment's queue and wakes the JS thread only if it is not woken
//! already; the JS thread then settles every finished call at once. The Python binding returns
//! async answers the same way (`bindings/python/src/completions.rs`).
//!
//! The threadsafe function keeps the event loop alive only while calls are in flight, like the
//! per-call ones did: it is referenced when the first call starts and unreferenced when the last
//! one is settled.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use napi::bindgen_prelude::*;
use napi::sys;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};

/// Builds a finished call's JS value on the JS thread: what its Promise resolves to, or the error
/// it rejects with.
pub type Settle = Box<dyn FnOnce(&Env) -> Result<sys::napi_value> + Send>;

type Wake = ThreadsafeFunction<(), (), (), Status, false, true>;

/// What the runtime's workers share with the JS thread.
struct Inbox {
    finished: Mutex<Vec<(u64, Settle)>>,
    /// Whether a wake-up is already on its way since the last drain.
    signalled: AtomicBool,
    wake: Wake,
}

impl Inbox {
    /// Called on a worker: queue the answer, and wake the JS thread unless it is already woken.
    /// After the environment is gone the call fails quietly: nobody is waiting any more.
    fn push(&self, token: u64, settle: Settle) {
        self.finished
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((token, settle));
        if !self.signalled.swap(true, Ordering::SeqCst) {
            let _ = self.wake.call((), ThreadsafeFunctionCallMode::NonBlocking);
        }
    }
}

/// The calls one environment has in flight. Touched only on its JS thread.
struct Queue {
    /// The environment (its address) this queue belongs to.
    env: usize,
    inbox: Arc<Inbox>,
    /// Token → the deferred of the call's Promise.
    waiting: HashMap<u64, sys::napi_deferred>,
    next_token: u64,
}

thread_local! {
    /// Each JS environment (the main thread's, each worker's) runs on a thread of its own.
    static QUEUE: RefCell<Option<Queue>> = const { RefCell::new(None) };
}

/// A call's Promise and the handle its task answers through.
pub struct Pending {
    inbox: Arc<Inbox>,
    token: u64,
}

impl Pending {
    /// Hands the call's answer to the JS thread (from any thread).
    pub fn finish(self, settle: Settle) {
        self.inbox.push(self.token, settle);
    }
}

/// A new Promise for a call about to start on a worker, and the [`Pending`] that settles it.
pub fn start<'env, T>(env: &'env Env) -> Result<(PromiseRaw<'env, T>, Pending)> {
    let mut deferred = ptr::null_mut();
    let mut promise = ptr::null_mut();
    check_status!(
        unsafe { sys::napi_create_promise(env.raw(), &mut deferred, &mut promise) },
        "cannot create the call's Promise"
    )?;
    let key = env.raw() as usize;
    let pending = QUEUE.with(|slot| -> Result<Pending> {
        let mut slot = slot.borrow_mut();
        if slot.as_ref().is_none_or(|q| q.env != key) {
            *slot = Some(Queue {
                env: key,
                inbox: Arc::new(Inbox {
                    finished: Mutex::new(Vec::new()),
                    signalled: AtomicBool::new(false),
                    wake: wake_function(env)?,
                }),
                waiting: HashMap::new(),
                next_token: 0,
            });
        }
        let queue = slot
            .as_mut()
            .ok_or_else(|| Error::from_reason("no call queue"))?;
        if queue.waiting.is_empty() {
            // The first call in flight keeps the event loop alive until it is settled.
            check_status!(unsafe {
                sys::napi_ref_threadsafe_function(env.raw(), queue.inbox.wake.raw())
            })?;
        }
        let token = queue.next_token;
        queue.next_token += 1;
        queue.waiting.insert(token, deferred);
        Ok(Pending {
            inbox: Arc::clone(&queue.inbox),
            token,
        })
    })?;
    Ok((PromiseRaw::new(env.raw(), promise), pending))
}

/// The environment's threadsafe function: it calls a function that settles every finished call.
/// Made weak (unreferenced); [`start`] references it while calls are in flight.
fn wake_function(env: &Env) -> Result<Wake> {
    env.create_function::<(), ()>("settleCalls", settle_calls)?
        .build_threadsafe_function::<()>()
        .callee_handled::<false>()
        .weak::<true>()
        .build()
}

/// The JS function the threadsafe function calls: [`drain`].
unsafe extern "C" fn settle_calls(
    env: sys::napi_env,
    _info: sys::napi_callback_info,
) -> sys::napi_value {
    drain(&Env::from_raw(env));
    ptr::null_mut()
}

/// Settles every finished call of this thread's environment (on its JS thread).
fn drain(env: &Env) {
    let key = env.raw() as usize;
    // Taken out of the queue first: settling runs no JS, but nothing is borrowed while it does.
    let settled: Vec<(sys::napi_deferred, Settle)> = QUEUE.with(|slot| {
        let mut slot = slot.borrow_mut();
        let Some(queue) = slot.as_mut().filter(|q| q.env == key) else {
            return Vec::new();
        };
        // Clear the flag before taking the answers: a worker that queues one after the take finds
        // it cleared and wakes this thread again, so no answer waits for a wake-up that never
        // comes.
        queue.inbox.signalled.store(false, Ordering::SeqCst);
        let finished = std::mem::take(
            &mut *queue
                .inbox
                .finished
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        let settled = finished
            .into_iter()
            .filter_map(|(token, settle)| Some((queue.waiting.remove(&token)?, settle)))
            .collect();
        if queue.waiting.is_empty() {
            // Nothing in flight: an idle client must not keep the process alive.
            unsafe { sys::napi_unref_threadsafe_function(env.raw(), queue.inbox.wake.raw()) };
        }
        settled
    });
    for (deferred, settle) in settled {
        // SAFETY: each deferred is settled once (it left `waiting` above), on its own JS thread.
        unsafe {
            match settle(env) {
                Ok(value) => sys::napi_resolve_deferred(env.raw(), deferred, value),
                Err(e) => sys::napi_reject_deferred(
                    env.raw(),
                    deferred,
                    JsError::from(e).into_value(env.raw()),
                ),
            };
        }
    }
}
