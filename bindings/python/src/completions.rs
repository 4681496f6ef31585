//! Async calls: the answers come back to the event loop through one socket per loop, never by a
//! runtime worker taking the GIL.
//!
//! A call runs as a task on the shared runtime. When it finishes, the worker puts the answer on the
//! loop's queue and, if the loop has not been told yet, writes one byte to a socket the loop watches
//! (`loop.add_reader`). The loop then drains every finished call at once, on its own thread, with the
//! GIL it already holds: it builds the Python results and resolves the asyncio futures. With many
//! calls in flight, workers that had to take the GIL for each answer spent more time waiting for it
//! than the calls took (a quarter of the process's time was GIL hand-overs in `perf`). The log
//! records of async calls (`logs`) travel the same way, each before its call's answer.

use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use sdk_runtime::Error;
use tokio::task::AbortHandle;

use bridge::Outcome;

use crate::client::PyOutcome;
use crate::errors::to_pyerr;
use crate::fork;
use crate::logs::{CallScope, Deliver, Record};

/// A finished call: its token, and its answer or its error with the client's correlation id.
type Finished = (u64, Result<Outcome, (Error, String)>);

/// What a worker hands the loop, in the order it happened.
enum Delivery {
    Finished(Finished),
    Record(Record),
}

/// What the runtime's workers share with the loop.
struct Inbox {
    finished: Mutex<Vec<Delivery>>,
    /// Whether a byte is already on its way to the loop since its last drain.
    signalled: AtomicBool,
    writer: UnixStream,
}

impl Inbox {
    /// Called on a worker: queue the answer (or a log record), and wake the loop unless it is
    /// already woken.
    fn push(&self, delivery: Delivery) {
        self.finished
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(delivery);
        if !self.signalled.swap(true, Ordering::SeqCst) {
            // A full socket buffer means the loop has bytes to read anyway.
            let _ = (&self.writer).write(&[1]);
        }
    }
}

impl Deliver for Inbox {
    fn deliver(&self, record: Record) {
        self.push(Delivery::Record(record));
    }
}

/// The completion queue of one event loop.
#[pyclass(frozen)]
pub struct CompletionQueue {
    /// The process generation it was made in (see `fork`): a forked child makes its own, since
    /// this one's socket pair is shared with the parent (the child would steal its wake-ups).
    generation: u64,
    inbox: Arc<Inbox>,
    reader: UnixStream,
    /// Token → the asyncio future awaiting it. Touched only on the loop's thread.
    waiting: Mutex<HashMap<u64, Py<PyAny>>>,
    next_token: AtomicU64,
}

#[pymethods]
impl CompletionQueue {
    /// Resolves the futures of every finished call (the loop calls this when the socket is readable).
    fn drain(&self, py: Python<'_>) {
        if !fork::is_current(self.generation) {
            // A forked child's copy: the bytes and the answers are the parent's.
            return;
        }
        // Order matters. First empty the socket; then clear the flag; then take the answers. A
        // worker that finds the flag cleared writes a new byte, so an answer queued after the take
        // always wakes the loop again. (Emptying the socket after clearing the flag could swallow
        // that byte and leave the flag set with nothing to wake the loop: a lost wake-up.)
        let mut bytes = [0u8; 256];
        loop {
            match (&self.reader).read(&mut bytes) {
                Ok(n) if n == bytes.len() => continue,
                Ok(_) => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(_) => break, // WouldBlock: nothing left to read
            }
        }
        self.inbox.signalled.store(false, Ordering::SeqCst);
        let finished = std::mem::take(
            &mut *self
                .inbox
                .finished
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        for delivery in finished {
            let (token, answer) = match delivery {
                Delivery::Finished(finished) => finished,
                Delivery::Record(record) => {
                    record.emit(py);
                    continue;
                }
            };
            let future = self
                .waiting
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&token);
            if let Some(future) = future
                && let Err(e) = resolve(py, future.bind(py), answer)
            {
                e.write_unraisable(py, Some(future.bind(py)));
            }
        }
    }
}

/// Sets the result or the exception of `future`, unless it was cancelled meanwhile.
fn resolve(
    py: Python<'_>,
    future: &Bound<'_, PyAny>,
    answer: Result<Outcome, (Error, String)>,
) -> PyResult<()> {
    if future.call_method0("done")?.is_truthy()? {
        return Ok(());
    }
    match answer {
        Ok(outcome) => future.call_method1("set_result", (PyOutcome(outcome),))?,
        Err((err, correlation)) => {
            let exception = to_pyerr(py, &err, Some(&correlation));
            future.call_method1("set_exception", (exception.value(py),))?
        }
    };
    Ok(())
}

/// Cancels a call's task when its future is cancelled (an asyncio done-callback), and forgets it.
#[pyclass(frozen)]
struct AbortOnCancel {
    handle: AbortHandle,
    queue: Py<CompletionQueue>,
    token: u64,
}

#[pymethods]
impl AbortOnCancel {
    fn __call__(&self, future: &Bound<'_, PyAny>) -> PyResult<()> {
        if future.call_method0("cancelled")?.is_truthy()? {
            self.handle.abort();
            self.queue
                .get()
                .waiting
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&self.token);
        }
        Ok(())
    }
}

/// `weakref.WeakKeyDictionary`: event loop → its `CompletionQueue` (gone with the loop).
static QUEUES: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The running loop and its queue, created (and registered with `add_reader`) on first use.
fn running_queue<'py>(
    py: Python<'py>,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, CompletionQueue>)> {
    let get_running_loop = GET_RUNNING_LOOP.get_or_try_init(py, || {
        py.import("asyncio")?
            .getattr("get_running_loop")
            .map(Bound::unbind)
    })?;
    let event_loop = get_running_loop.bind(py).call0()?;
    let queues = QUEUES
        .get_or_try_init(py, || {
            py.import("weakref")?
                .getattr("WeakKeyDictionary")?
                .call0()
                .map(Bound::unbind)
        })?
        .bind(py);
    // A queue the parent of a fork made, on a loop object this child runs again (its selector is
    // then the parent's epoll instance too), is not reused: a new one replaces it. Its reader
    // stays registered — removing it would remove the parent's registration — and its `drain`
    // does nothing here.
    if let Ok(queue) = queues
        .call_method1("get", (&event_loop,))?
        .cast_into::<CompletionQueue>()
        && fork::is_current(queue.get().generation)
    {
        return Ok((event_loop, queue));
    }
    let (reader, writer) = UnixStream::pair()?;
    reader.set_nonblocking(true)?;
    writer.set_nonblocking(true)?;
    let fd = reader.as_raw_fd();
    let queue = Bound::new(
        py,
        CompletionQueue {
            generation: fork::generation(),
            inbox: Arc::new(Inbox {
                finished: Mutex::new(Vec::new()),
                signalled: AtomicBool::new(false),
                writer,
            }),
            reader,
            waiting: Mutex::new(HashMap::new()),
            next_token: AtomicU64::new(0),
        },
    )?;
    event_loop.call_method1("add_reader", (fd, queue.getattr("drain")?))?;
    queues.set_item(&event_loop, &queue)?;
    Ok((event_loop, queue))
}

/// Starts `call` on the shared runtime and returns the asyncio future of its answer; must be
/// called on the thread of a running event loop.
pub fn submit<'py>(
    py: Python<'py>,
    client: partner_center::Client,
    operation: &'static str,
    call: bridge::Call,
) -> PyResult<Bound<'py, PyAny>> {
    let (event_loop, queue_object) = running_queue(py)?;
    let future = event_loop.call_method0("create_future")?;
    let queue = queue_object.get();
    let token = queue.next_token.fetch_add(1, Ordering::Relaxed);
    queue
        .waiting
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(token, future.clone().unbind());
    let inbox = Arc::clone(&queue.inbox);
    // The logger's level now (the GIL is held); records wanted go to this loop's queue.
    let scope = CallScope::queued(py, Arc::clone(&queue.inbox) as Arc<dyn Deliver>);
    let task = crate::runtime::shared_runtime()?.spawn(async move {
        let answer = scope
            .run(partner_center::dispatch(&client, operation, call))
            .await
            .map_err(|e| (e, client.correlation_id().to_string()));
        inbox.push(Delivery::Finished((token, answer)));
    });
    future.call_method1(
        "add_done_callback",
        (AbortOnCancel {
            handle: task.abort_handle(),
            queue: queue_object.clone().unbind(),
            token,
        },),
    )?;
    Ok(future)
}
