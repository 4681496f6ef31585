//! Sync calls on the calling thread: each Python thread that makes sync calls gets its own
//! current-thread tokio runtime and its own Rust client (its own connection pool) per
//! `NativeClient`, so a call never leaves the thread — no wake-ups of other threads, which cost
//! more than the request itself. Async calls keep the shared runtime.
//!
//! Only while few sync calls are in flight, though: with more threads calling than cores, every
//! thread doing its own I/O means more context switches than handing the calls to the shared
//! runtime's workers (benchmarks, one sitting: 1 thread 6.0k → 7.6k calls/s on the thread's own
//! runtime, but 64 threads 19k → 12k), so past that the shared runtime takes them.

use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, Weak};

static SYNC_CALLS: AtomicUsize = AtomicUsize::new(0);

/// One sync call in flight, counted for as long as it lives.
pub struct SyncCall {
    in_flight: usize,
}

impl SyncCall {
    pub fn start() -> SyncCall {
        SyncCall {
            in_flight: SYNC_CALLS.fetch_add(1, Ordering::Relaxed) + 1,
        }
    }

    /// Whether this call should run on its own thread: no more sync calls in flight than cores.
    pub fn few(&self) -> bool {
        static CORES: OnceLock<usize> = OnceLock::new();
        let cores = *CORES.get_or_init(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        });
        self.in_flight <= cores
    }
}

/// In a forked child (inside `fork()`): the sync calls counted were on threads it does not have.
pub fn after_fork_in_child() {
    SYNC_CALLS.store(0, Ordering::Relaxed);
}

impl Drop for SyncCall {
    fn drop(&mut self) {
        SYNC_CALLS.fetch_sub(1, Ordering::Relaxed);
    }
}

use std::mem::ManuallyDrop;

use sdk_runtime::Error;
use tokio::runtime::Runtime;

use crate::fork;

/// This thread's runtime and its clients, one per live `NativeClient` (identified by a token).
struct ThreadClients {
    /// The process generation they were made in (see `fork`).
    generation: u64,
    runtime: ManuallyDrop<Runtime>,
    clients: ManuallyDrop<Vec<(Weak<()>, partner_center::Client)>>,
}

impl Drop for ThreadClients {
    fn drop(&mut self) {
        // Inherited from the parent of a fork: its epoll instance and connections are the
        // parent's too (dropping them would deregister the parent's sockets): forgotten.
        if fork::is_current(self.generation) {
            // SAFETY: dropped once, here, and never used again.
            unsafe {
                ManuallyDrop::drop(&mut self.runtime);
                ManuallyDrop::drop(&mut self.clients);
            }
        }
    }
}

thread_local! {
    static LOCAL: RefCell<Option<ThreadClients>> = const { RefCell::new(None) };
}

/// Runs `f` with this thread's runtime and its client for `owner` (built with `build` on first
/// use, and again in a forked child). `None` when this thread is already inside such a call (a
/// Python signal handler making a call of its own): the caller then takes the shared runtime
/// instead.
pub fn with_thread_client<R>(
    owner: &Arc<()>,
    build: impl FnOnce() -> Result<partner_center::Client, Error>,
    f: impl FnOnce(&Runtime, &partner_center::Client) -> R,
) -> Option<Result<R, Error>> {
    LOCAL.with(|cell| {
        let mut slot = cell.try_borrow_mut().ok()?;
        let generation = fork::generation();
        if slot
            .as_ref()
            .is_none_or(|local| local.generation != generation)
        {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(e) => {
                    return Some(Err(Error::Config(format!(
                        "cannot start a runtime on this thread: {e}"
                    ))));
                }
            };
            // The parent's, in a forked child: forgotten by its `Drop`.
            *slot = Some(ThreadClients {
                generation,
                runtime: ManuallyDrop::new(runtime),
                clients: ManuallyDrop::new(Vec::new()),
            });
        }
        let local = slot.as_mut()?;
        // Forget the clients of NativeClients that are gone (their pools close with them).
        local.clients.retain(|(token, _)| token.strong_count() > 0);
        let index = match local
            .clients
            .iter()
            .position(|(token, _)| token.as_ptr() == Arc::as_ptr(owner))
        {
            Some(index) => index,
            None => match build() {
                Ok(client) => {
                    local.clients.push((Arc::downgrade(owner), client));
                    local.clients.len() - 1
                }
                Err(e) => return Some(Err(e)),
            },
        };
        Some(Ok(f(&local.runtime, &local.clients[index].1)))
    })
}
