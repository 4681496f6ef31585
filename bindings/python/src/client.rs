//! `NativeClient`: a `partner_center::Client` and the two ways Python calls it (docs/contract.md §4).

use std::sync::Arc;
use std::time::Duration;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString, PyTuple};
use sdk_runtime::{BoxFuture, Error, RetryPolicy, Secret, TokenProvider};

use bridge::{Outcome, build_call, seconds};

use crate::errors::to_pyerr;
use crate::runtime;

/// The native half of `partner_center.Client` / `AsyncClient`: one configured Rust client.
///
/// Cheap to share between threads and event loops: calls clone the client (one connection pool).
#[pyclass(frozen, module = "partner_center._native")]
pub struct NativeClient {
    client: partner_center::Client,
    base_url: String,
}

fn config_error(py: Python<'_>, message: String) -> PyErr {
    to_pyerr(py, &Error::Config(message), None)
}

/// A Python object that hands out bearer tokens: either an object with a `token()` method (and
/// optionally `invalidate()`, called after a 401), or a plain callable. It must return a `str`.
/// Called on a worker thread with the GIL taken, never on the event loop.
struct PyTokenProvider {
    source: Arc<Py<PyAny>>,
}

impl PyTokenProvider {
    fn fetch(source: &Py<PyAny>) -> Result<Secret, Error> {
        Python::attach(|py| {
            let source = source.bind(py);
            let value = if source.hasattr("token").unwrap_or(false) {
                source.call_method0("token")
            } else {
                source.call0()
            };
            let value = value.map_err(|e| {
                Error::Config(format!(
                    "the token provider raised {}",
                    e.get_type(py)
                        .name()
                        .map(|n| n.to_string())
                        .unwrap_or_default()
                ))
            })?;
            if !value.is_instance_of::<PyString>() {
                return Err(Error::Config(
                    "the token provider must return a str".to_string(),
                ));
            }
            let text: String = value
                .extract()
                .map_err(|_| Error::Config("the token is not valid text".to_string()))?;
            Ok(Secret::new(text))
        })
    }
}

impl TokenProvider for PyTokenProvider {
    fn token(&self) -> BoxFuture<'_, Result<Secret, Error>> {
        let source = Arc::clone(&self.source);
        Box::pin(async move {
            tokio::task::spawn_blocking(move || Self::fetch(&source))
                .await
                .map_err(|e| Error::Config(format!("the token provider did not finish: {e}")))?
        })
    }

    fn invalidate(&self) {
        let source = Arc::clone(&self.source);
        // Fire and forget on a blocking thread: never wait for the GIL on a runtime worker.
        runtime::runtime().spawn_blocking(move || {
            Python::attach(|py| {
                let source = source.bind(py);
                if source.hasattr("invalidate").unwrap_or(false)
                    && let Err(e) = source.call_method0("invalidate")
                {
                    e.write_unraisable(py, Some(source));
                }
            })
        });
    }
}

fn cloud(name: &str) -> Option<partner_center::Cloud> {
    match name.to_ascii_lowercase().as_str() {
        "global" => Some(partner_center::Cloud::Global),
        "china" => Some(partner_center::Cloud::China),
        "usgov" => Some(partner_center::Cloud::Usgov),
        _ => None,
    }
}

/// The operation id as the bridge spells it (`'static`, so a spawned call can own it).
fn check_operation(operation: &str) -> PyResult<&'static str> {
    match bridge::OPERATIONS.iter().find(|known| **known == operation) {
        Some(known) => Ok(known),
        None => Err(PyValueError::new_err(format!(
            "unknown operation {operation:?}"
        ))),
    }
}

#[pymethods]
impl NativeClient {
    #[new]
    #[pyo3(signature = (*, base_url=None, cloud=None, token=None, token_provider=None, locale=None,
                        application=None, correlation_id=None, timeout=None, max_retries=None,
                        validate=true, user_agent=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        base_url: Option<String>,
        cloud: Option<&str>,
        token: Option<String>,
        token_provider: Option<Py<PyAny>>,
        locale: Option<String>,
        application: Option<String>,
        correlation_id: Option<String>,
        timeout: Option<f64>,
        max_retries: Option<i64>,
        validate: bool,
        user_agent: Option<String>,
    ) -> PyResult<Self> {
        let mut builder = partner_center::Client::builder();
        match (base_url, cloud) {
            (Some(_), Some(_)) => {
                return Err(PyValueError::new_err("give base_url or cloud, not both"));
            }
            (Some(url), None) => builder = builder.base_url(url),
            (None, Some(name)) => {
                let c = self::cloud(name).ok_or_else(|| {
                    PyValueError::new_err(format!(
                        "unknown cloud {name:?}: expected \"global\", \"china\" or \"usgov\""
                    ))
                })?;
                builder = builder.cloud(c);
            }
            (None, None) => {}
        }
        match (token, token_provider) {
            (Some(_), Some(_)) => {
                return Err(PyValueError::new_err(
                    "give token or token_provider, not both",
                ));
            }
            (Some(token), None) => builder = builder.token(token),
            (None, Some(source)) => {
                builder = builder.token_provider(PyTokenProvider {
                    source: Arc::new(source),
                });
            }
            (None, None) => {}
        }
        if let Some(locale) = locale {
            builder = builder.locale(locale);
        }
        if let Some(application) = application {
            builder = builder.application(application);
        }
        if let Some(id) = correlation_id {
            builder = builder.correlation_id(id);
        }
        if let Some(secs) = timeout {
            let t: Duration = seconds(secs).ok_or_else(|| {
                PyValueError::new_err("timeout must be a positive number of seconds")
            })?;
            builder = builder.timeout(t);
        }
        if let Some(n) = max_retries {
            let n = u32::try_from(n)
                .ok()
                .filter(|n| *n < u32::MAX)
                .ok_or_else(|| PyValueError::new_err("max_retries must be 0 or more"))?;
            builder = builder.retry(RetryPolicy::default().with_max_attempts(n + 1));
        }
        if let Some(agent) = user_agent {
            builder = builder.user_agent(agent);
        }
        let client = builder.validation(validate).build().map_err(|e| match e {
            Error::Config(message) => config_error(py, message),
            other => to_pyerr(py, &other, None),
        })?;
        let base_url = client.transport().base_url().to_string();
        Ok(Self { client, base_url })
    }

    /// The correlation id sent with every call of this client.
    #[getter]
    fn correlation_id(&self) -> &str {
        self.client.correlation_id()
    }

    /// The base URL calls go to.
    #[getter]
    fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Runs one operation and waits for it with the GIL released; Ctrl-C raises KeyboardInterrupt.
    /// Returns `(status, headers, request_id, body_json_bytes)`.
    #[pyo3(signature = (operation, params, body=None, request_id=None, timeout=None, headers=None,
                        continuation_token=None))]
    #[allow(clippy::too_many_arguments)]
    fn call(
        &self,
        py: Python<'_>,
        operation: &str,
        params: &[u8],
        body: Option<&[u8]>,
        request_id: Option<String>,
        timeout: Option<f64>,
        headers: Option<Vec<(String, String)>>,
        continuation_token: Option<String>,
    ) -> PyResult<PyOutcome> {
        let operation = check_operation(operation)?;
        let correlation = self.client.correlation_id();
        let call = build_call(
            params,
            body,
            request_id,
            timeout,
            headers,
            continuation_token,
        )
        .map_err(|e| to_pyerr(py, &e, None))?;
        let client = self.client.clone();
        runtime::block_on(py, async move {
            bridge::dispatch(&client, operation, call).await
        })?
        .map(PyOutcome)
        .map_err(|e| to_pyerr(py, &e, Some(correlation)))
    }

    /// Like `call`, as an asyncio awaitable that runs on the shared tokio runtime (never blocks the loop).
    /// Must be called with a running event loop.
    #[pyo3(signature = (operation, params, body=None, request_id=None, timeout=None, headers=None,
                        continuation_token=None))]
    #[allow(clippy::too_many_arguments)]
    fn call_async<'py>(
        &self,
        py: Python<'py>,
        operation: &str,
        params: &[u8],
        body: Option<&[u8]>,
        request_id: Option<String>,
        timeout: Option<f64>,
        headers: Option<Vec<(String, String)>>,
        continuation_token: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let operation = check_operation(operation)?;
        let call = build_call(
            params,
            body,
            request_id,
            timeout,
            headers,
            continuation_token,
        )
        .map_err(|e| to_pyerr(py, &e, None))?;
        let client = self.client.clone();
        pyo3_async_runtimes::tokio::future_into_py(py, async move {
            match bridge::dispatch(&client, operation, call).await {
                Ok(outcome) => Ok(PyOutcome(outcome)),
                Err(e) => Err(Python::attach(|py| {
                    to_pyerr(py, &e, Some(client.correlation_id()))
                })),
            }
        })
    }

    fn __repr__(&self) -> String {
        // Never the token.
        format!(
            "NativeClient(base_url={:?}, correlation_id={:?})",
            self.base_url,
            self.client.correlation_id()
        )
    }
}

/// A bridge answer as Python receives it: `(status, headers, request_id, body: bytes)`.
pub struct PyOutcome(pub Outcome);

impl<'py> IntoPyObject<'py> for PyOutcome {
    type Target = PyTuple;
    type Output = Bound<'py, PyTuple>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> Result<Self::Output, Self::Error> {
        let Outcome {
            status,
            headers,
            request_id,
            body,
        } = self.0;
        (status, headers, request_id, PyBytes::new(py, &body)).into_pyobject(py)
    }
}
