//! Call events → Python's `logging`, under the package's logger (`partner_center`).
//!
//! Each record carries the event's fields as attributes (`operation`, `method`, `path`, `status`,
//! `error`, `attempt`, `request_id`, `duration_ms`, `retry_in_ms`, `retry_after_ms`) and a readable
//! message. Levels: a retry is `WARNING`, a failed call's end `INFO`, the rest `DEBUG`.
//!
//! The logger's level is read when a call starts, where the GIL is held anyway (`isEnabledFor`,
//! one to three times), and kept with the call in a task-local ([`CallScope`]): an event of a level
//! the logger did not want is never built, and nothing takes the GIL for it. An event that is
//! wanted becomes a [`Record`], emitted
//! * for a sync call, on the thread running it (the caller's own, or a worker of the shared
//!   runtime when many sync calls are in flight), taking the GIL for the record;
//! * for an async call, on the event loop's thread: queued with the call's answer
//!   (`completions`), so no runtime worker waits for the GIL.
//!
//! At import the logger gets a `NullHandler` (a library's logs are its user's to route), and
//! `PARTNER_CENTER_LOG=debug|info|warning` (`<PACKAGE>_LOG` for another spec's package) adds a stderr
//! handler at that level, for a quick look.

use std::future::Future;
use std::sync::Arc;

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;
use sdk_runtime::{CallEvent, CallLog, LogLevel};

/// `logging`'s numbers for the runtime's levels.
fn python_level(level: LogLevel) -> u8 {
    match level {
        LogLevel::Debug => 10,
        LogLevel::Info => 20,
        LogLevel::Warn => 30,
    }
}

/// The package's logger (`logging.getLogger("partner_center")`), looked up once.
static LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn logger(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    LOGGER
        .get_or_try_init(py, || {
            py.import("logging")?
                .call_method1("getLogger", (crate::package_name(),))
                .map(Bound::unbind)
        })
        .map(|logger| logger.bind(py))
}

/// The lowest level the package's logger wants now, if any. From the most severe down: the usual
/// set-ups (nothing configured: warnings only) answer in one or two questions.
pub fn threshold(py: Python<'_>) -> Option<LogLevel> {
    let logger = logger(py).ok()?;
    let wants = |level: LogLevel| {
        logger
            .call_method1(intern!(py, "isEnabledFor"), (python_level(level),))
            .and_then(|yes| yes.is_truthy())
            .unwrap_or(false)
    };
    let mut lowest = None;
    for level in LogLevel::ALL.into_iter().rev() {
        if !wants(level) {
            break;
        }
        lowest = Some(level);
    }
    lowest
}

/// An event, owned, to be emitted where the GIL is held.
pub struct Record {
    level: LogLevel,
    message: String,
    operation: &'static str,
    method: String,
    path: String,
    status: Option<u16>,
    error: Option<&'static str>,
    attempt: u32,
    request_id: String,
    duration_ms: f64,
    retry_in_ms: Option<f64>,
    retry_after_ms: Option<f64>,
}

fn millis(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

impl From<&CallEvent<'_>> for Record {
    fn from(e: &CallEvent<'_>) -> Self {
        Self {
            level: e.level(),
            message: e.to_string(),
            operation: e.operation,
            method: e.method.to_string(),
            path: e.path.to_string(),
            status: e.status,
            error: e.error.map(|kind| kind.as_str()),
            attempt: e.attempt,
            request_id: e.request_id.to_string(),
            duration_ms: e.duration_ms(),
            retry_in_ms: e.retry_in().map(millis),
            retry_after_ms: e.retry_after().map(millis),
        }
    }
}

impl Record {
    /// `logger.log(level, message, extra={...fields})`; the logger's handlers do the rest (and
    /// report their own errors).
    pub fn emit(&self, py: Python<'_>) {
        if let Err(e) = self.try_emit(py) {
            e.write_unraisable(py, None);
        }
    }

    fn try_emit(&self, py: Python<'_>) -> PyResult<()> {
        let extra = PyDict::new(py);
        extra.set_item(intern!(py, "operation"), self.operation)?;
        extra.set_item(intern!(py, "method"), &self.method)?;
        extra.set_item(intern!(py, "path"), &self.path)?;
        extra.set_item(intern!(py, "status"), self.status)?;
        extra.set_item(intern!(py, "error"), self.error)?;
        extra.set_item(intern!(py, "attempt"), self.attempt)?;
        extra.set_item(intern!(py, "request_id"), &self.request_id)?;
        extra.set_item(intern!(py, "duration_ms"), self.duration_ms)?;
        extra.set_item(intern!(py, "retry_in_ms"), self.retry_in_ms)?;
        extra.set_item(intern!(py, "retry_after_ms"), self.retry_after_ms)?;
        let kwargs = PyDict::new(py);
        kwargs.set_item(intern!(py, "extra"), extra)?;
        logger(py)?.call_method(
            intern!(py, "log"),
            (python_level(self.level), &self.message),
            Some(&kwargs),
        )?;
        Ok(())
    }
}

/// Where an async call's records go: its event loop's queue.
pub trait Deliver: Send + Sync {
    fn deliver(&self, record: Record);
}

/// A call's view of the log, set when it starts (default: nothing wanted).
#[derive(Clone, Default)]
pub struct CallScope {
    /// The lowest level wanted when the call started (`None`: nothing).
    min: Option<LogLevel>,
    /// `None`: emit on the thread the event happens on.
    queue: Option<Arc<dyn Deliver>>,
}

impl CallScope {
    /// For a sync call: records emitted where the events happen.
    pub fn here(py: Python<'_>) -> Self {
        Self {
            min: threshold(py),
            queue: None,
        }
    }

    /// For an async call: records queued to its loop.
    pub fn queued(py: Python<'_>, queue: Arc<dyn Deliver>) -> Self {
        Self {
            min: threshold(py),
            queue: Some(queue),
        }
    }

    /// Runs `fut` (the call) with this scope.
    pub fn run<F: Future>(self, fut: F) -> impl Future<Output = F::Output> {
        CALL.scope(self, fut)
    }
}

tokio::task_local! {
    static CALL: CallScope;
}

/// The sink every client of the package is given (`Transport::set_call_log`): it reads the
/// running call's [`CallScope`].
pub struct PyLog;

impl CallLog for PyLog {
    fn enabled(&self, level: LogLevel) -> bool {
        CALL.try_with(|call| call.min.is_some_and(|min| level >= min))
            .unwrap_or(false)
    }

    fn log(&self, event: &CallEvent<'_>) {
        let record = Record::from(event);
        let _ = CALL.try_with(|call| match &call.queue {
            Some(queue) => queue.deliver(record),
            // Not while the interpreter shuts down: the record is dropped then.
            None => {
                Python::try_attach(|py| record.emit(py));
            }
        });
    }
}

/// At import: a `NullHandler` on the package's logger, and the stderr handler that
/// `PARTNER_CENTER_LOG` asks for.
pub fn install(py: Python<'_>) -> PyResult<()> {
    let logging = py.import("logging")?;
    let logger = logger(py)?;
    logger.call_method1("addHandler", (logging.getattr("NullHandler")?.call0()?,))?;
    let variable = format!("{}_LOG", crate::package_name().to_uppercase());
    let Some(level) = std::env::var(&variable).ok().and_then(|v| env_level(&v)) else {
        return Ok(());
    };
    let handler = logging.getattr("StreamHandler")?.call0()?; // stderr
    let format = "%(asctime)s %(levelname)s %(name)s: %(message)s";
    handler.call_method1(
        "setFormatter",
        (logging.getattr("Formatter")?.call1((format,))?,),
    )?;
    handler.call_method1("setLevel", (python_level(level),))?;
    logger.call_method1("addHandler", (handler,))?;
    logger.call_method1("setLevel", (python_level(level),))?;
    Ok(())
}

/// `PARTNER_CENTER_LOG`'s value as a level: `debug`, `info`, `warning` (or `warn`), any case;
/// anything else is ignored.
fn env_level(value: &str) -> Option<LogLevel> {
    match value.trim().to_ascii_lowercase().as_str() {
        "debug" => Some(LogLevel::Debug),
        "info" => Some(LogLevel::Info),
        "warning" | "warn" => Some(LogLevel::Warn),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_levels() {
        assert_eq!(env_level("DEBUG"), Some(LogLevel::Debug));
        assert_eq!(env_level(" info "), Some(LogLevel::Info));
        assert_eq!(env_level("warn"), Some(LogLevel::Warn));
        assert_eq!(env_level("Warning"), Some(LogLevel::Warn));
        assert_eq!(env_level("1"), None);
        assert_eq!(env_level(""), None);
    }

    #[test]
    fn outside_a_call_nothing_is_wanted() {
        assert!(!PyLog.enabled(LogLevel::Warn));
    }
}
