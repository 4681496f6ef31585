//! Running independent pieces of generation side by side, on the threads of `std::thread::scope`.
//!
//! Emitting is a set of independent jobs (each target, each slice of a large Rust file) that
//! only read the model. `map` hands them out to a few threads, each taking the next job when it
//! is done with one, and gives the results back in job order, so the output does not depend on
//! which thread ran what.
//!
//! Callers spread work only when there is a lot of it (`spread`): starting a thread costs little,
//! but on a busy machine each one may wait for a core, which would cost a small spec (a few
//! milliseconds of work in all) more than it saves.

use std::sync::atomic::{AtomicUsize, Ordering};

/// How many threads `map` uses: `GENERATOR_THREADS` when set (1 runs everything, `join` too, on
/// the calling thread), else what the machine offers.
pub fn threads() -> usize {
    std::env::var("GENERATOR_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Spec text of at least this many bytes is worth parsing and loading on several threads.
pub const LARGE_SPEC: usize = 1 << 20;

/// `(side(), here())`, with `side` on a thread of its own while `here` runs on this one (both
/// here, one after the other, when not `spread` or when `threads()` is 1). A panic in `side` is
/// re-raised here.
pub fn join<A: Send, B>(
    spread: bool,
    side: impl FnOnce() -> A + Send,
    here: impl FnOnce() -> B,
) -> (A, B) {
    if !spread || threads() <= 1 {
        let a = side();
        return (a, here());
    }
    std::thread::scope(|scope| {
        let side = scope.spawn(side);
        let b = here();
        let a = side
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (a, b)
    })
}

/// `(0..count).map(job).collect()`, with the jobs spread (when `spread`) over up to `threads()`
/// threads, the calling one included. A panic in a job is re-raised here once every thread has
/// stopped.
pub fn map<T: Send>(spread: bool, count: usize, job: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let threads = if spread { threads().min(count) } else { 1 };
    if threads <= 1 {
        return (0..count).map(job).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= count {
                return done;
            }
            done.push((i, job(i)));
        }
    };
    let mut slots: Vec<Option<T>> = (0..count).map(|_| None).collect();
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut place = |done: Vec<(usize, T)>| {
            for (i, out) in done {
                slots[i] = Some(out);
            }
        };
        place(work());
        for helper in helpers {
            match helper.join() {
                Ok(done) => place(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    slots
        .into_iter()
        .map(|slot| slot.expect("every job index is taken exactly once"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_come_back_in_job_order() {
        for spread in [true, false] {
            let out = super::map(spread, 100, |i| i * 2);
            assert_eq!(out, (0..100).map(|i| i * 2).collect::<Vec<_>>());
            assert!(super::map(spread, 0, |i| i).is_empty());
            assert_eq!(super::join(spread, || 1, || 2), (1, 2));
        }
    }
}
