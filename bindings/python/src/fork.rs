//! Fork safety: which process built a runtime, a client or a queue.
//!
//! After `fork()` the child has a copy of the parent's memory but only the thread that forked.
//! Everything tokio and hyper made in the parent is dead weight there: the shared runtime's
//! workers do not exist (a task spawned on it never runs, so an async call would wait forever),
//! and a runtime's epoll instance and the pooled connections are the *same* kernel objects as the
//! parent's (registering or dropping them in the child changes the parent's epoll interest list,
//! and both processes would write on one connection).
//!
//! So every such object records the [`generation`] it was made in: a counter bumped in the child
//! of every fork (a `pthread_atfork` handler, so forks that Python does not see count too). An
//! object of an older generation is never used again, nor dropped — its destructor would touch
//! the parent's epoll, wake threads that do not exist, or wait for locks that one of them held
//! at the moment of the fork — but forgotten (a small leak per fork), and a new one is built in
//! the child. The check is one relaxed atomic load: no system call on the hot path.

use std::os::raw::c_int;
use std::sync::Once;
use std::sync::atomic::{AtomicU64, Ordering};

static GENERATION: AtomicU64 = AtomicU64::new(0);

/// Which process this is, as far as objects made here are concerned: 0 in the process that
/// imported the module, one more in each forked child.
#[inline]
pub fn generation() -> u64 {
    GENERATION.load(Ordering::Relaxed)
}

/// Whether an object made in `generation` belongs to this process.
#[inline]
pub fn is_current(generation: u64) -> bool {
    generation == self::generation()
}

unsafe extern "C" {
    fn pthread_atfork(
        prepare: Option<unsafe extern "C" fn()>,
        parent: Option<unsafe extern "C" fn()>,
        child: Option<unsafe extern "C" fn()>,
    ) -> c_int;
}

/// Runs in the child, inside `fork()`, before anything else: only async-signal-safe work
/// (atomic stores).
unsafe extern "C" fn in_child() {
    GENERATION.fetch_add(1, Ordering::SeqCst);
    for hook in CHILD_HOOKS {
        hook();
    }
}

/// What else must be reset in a child (counters of calls that were in flight on threads that
/// the child does not have).
const CHILD_HOOKS: &[fn()] = &[crate::local::after_fork_in_child];

/// Registers the fork handler (once; called when the module is imported).
pub fn install() -> std::io::Result<()> {
    static ONCE: Once = Once::new();
    let mut result = 0;
    ONCE.call_once(|| {
        // SAFETY: registers a handler that only touches atomics; the module is never unloaded
        // (CPython does not unload extension modules).
        result = unsafe { pthread_atfork(None, None, Some(in_child)) };
    });
    if result == 0 {
        Ok(())
    } else {
        Err(std::io::Error::from_raw_os_error(result))
    }
}
