//! `NativeClient`: a `partner_center::Client` (the generated client crate this package is built
//! with) and the two ways Python calls it (docs/contract.md §4).

use std::mem::ManuallyDrop;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};
use std::time::Duration;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString, PyTuple};
use sdk_runtime::{BoxFuture, Error, RateLimit, RetryPolicy, Secret, TokenProvider, TokenRequest};

use bridge::{Outcome, build_call, seconds};

use crate::credentials::{self, Resolved};
use crate::errors::to_pyerr;
use crate::{completions, fork, local, logs, runtime};

/// The native half of the package's `Client` / `AsyncClient`: one configured Rust client.
///
/// Cheap to share between threads and event loops: calls clone the client (one connection pool).
#[pyclass(frozen)]
pub struct NativeClient {
    /// The shared client: async calls, and sync calls that cannot use a thread's own. Built in
    /// process generation `born` (see `fork`); a forked child uses `rebuilt` instead.
    client: ManuallyDrop<partner_center::Client>,
    born: u64,
    /// The shared client of a forked child (built there on first use). Freed with this object in
    /// the process that built it; in a grandchild, forgotten and replaced like `client`.
    rebuilt: AtomicPtr<Rebuilt>,
    /// How to build the same client again, for each thread that makes sync calls.
    options: Options,
    /// Identifies this client among a thread's own clients (see `local`), and tells them when it is gone.
    owner: Arc<()>,
    base_url: String,
    /// The adapter of an async foreign credential, told the loop of each async call.
    loop_hint: Option<Arc<Py<PyAny>>>,
}

/// A client rebuilt in a forked child, and the generation it belongs to.
struct Rebuilt {
    generation: u64,
    client: partner_center::Client,
}

impl NativeClient {
    /// The shared client of this process: the one built in `new`, or in a forked child one built
    /// there from the same options (the parent's pool holds the parent's connections, driven by
    /// tasks of a runtime whose threads the child does not have).
    fn shared(&self) -> Result<partner_center::Client, Error> {
        let generation = fork::generation();
        if generation == self.born {
            return Ok(partner_center::Client::clone(&self.client));
        }
        self.rebuilt(generation)
    }

    #[cold]
    fn rebuilt(&self, generation: u64) -> Result<partner_center::Client, Error> {
        let mut current = self.rebuilt.load(Ordering::Acquire);
        loop {
            // SAFETY: a non-null pointer came from `Box::into_raw` below and is freed only by
            // `Drop` (which has `&mut self`).
            if let Some(rebuilt) = unsafe { current.as_ref() }
                && rebuilt.generation == generation
            {
                return Ok(rebuilt.client.clone());
            }
            // No lock (one held by another thread at the moment of a fork would never be
            // released in the child): build, then install unless another thread was quicker.
            let fresh = Box::into_raw(Box::new(Rebuilt {
                generation,
                client: self.options.build()?,
            }));
            match self
                .rebuilt
                .compare_exchange(current, fresh, Ordering::AcqRel, Ordering::Acquire)
            {
                // The one replaced (a parent's, when this is a grandchild) is leaked on purpose.
                // SAFETY: `fresh` is now owned by `self.rebuilt`.
                Ok(_) => return Ok(unsafe { (*fresh).client.clone() }),
                Err(installed) => {
                    // SAFETY: `fresh` was never shared, nor used: no connection to close.
                    drop(unsafe { Box::from_raw(fresh) });
                    current = installed;
                }
            }
        }
    }
}

impl Drop for NativeClient {
    fn drop(&mut self) {
        let generation = fork::generation();
        // The parent's objects in a forked child are forgotten, not dropped (see `fork`).
        if self.born == generation {
            // SAFETY: dropped once, here.
            unsafe { ManuallyDrop::drop(&mut self.client) };
        }
        let pointer = *self.rebuilt.get_mut();
        // SAFETY: as in `rebuilt`; nothing else can reach it any more.
        if let Some(rebuilt) = unsafe { pointer.as_ref() }
            && rebuilt.generation == generation
        {
            drop(unsafe { Box::from_raw(pointer) });
        }
    }
}

/// What `NativeClient(...)` was given, checked: enough to build identical clients.
#[derive(Clone)]
struct Options {
    base_url: Option<String>,
    cloud: Option<partner_center::Cloud>,
    token: Option<Secret>,
    /// A Python callable (or object with `token()`), asked before every attempt.
    token_provider: Option<Arc<PySource>>,
    /// A credential with its own cache, shared by every client built from these options.
    credential: Option<Arc<dyn TokenProvider>>,
    /// PEM of an extra trusted root certificate.
    ca_cert: Option<String>,
    locale: Option<String>,
    application: Option<String>,
    correlation_id: Option<String>,
    timeout: Option<Duration>,
    max_attempts: Option<u32>,
    validate: bool,
    user_agent: Option<String>,
    /// One pace for the shared client and every thread's own (`requests_per_minute`).
    rate_limit: Option<RateLimit>,
    max_response_bytes: Option<usize>,
}

impl Options {
    fn build(&self) -> Result<partner_center::Client, Error> {
        let mut builder = partner_center::Client::builder();
        if let Some(url) = &self.base_url {
            builder = builder.base_url(url.clone());
        }
        if let Some(cloud) = self.cloud {
            builder = builder.cloud(cloud);
        }
        if let Some(token) = &self.token {
            builder = builder.token(token.expose());
        }
        if let Some(source) = &self.token_provider {
            builder = builder.token_provider(PyTokenProvider {
                source: Arc::clone(source),
            });
        }
        if let Some(credential) = &self.credential {
            builder = builder.credential(Arc::clone(credential));
        }
        if let Some(pem) = &self.ca_cert {
            builder = builder.ca_cert(pem.clone());
        }
        // Options from the spec's `x-pc-client-headers`: a client of another spec may lack them.
        for (name, value) in [
            ("locale", &self.locale),
            ("application", &self.application),
            ("correlation_id", &self.correlation_id),
        ] {
            if let Some(value) = value {
                builder = partner_center::dispatch::client_option(builder, name, value.clone())?;
            }
        }
        if let Some(timeout) = self.timeout {
            builder = builder.timeout(timeout);
        }
        if let Some(attempts) = self.max_attempts {
            builder = builder.retry(RetryPolicy::default().with_max_attempts(attempts));
        }
        if let Some(agent) = &self.user_agent {
            builder = builder.user_agent(agent.clone());
        }
        if let Some(limit) = &self.rate_limit {
            builder = builder.rate_limit(limit.clone());
        }
        if let Some(max) = self.max_response_bytes {
            builder = builder.max_response_bytes(max);
        }
        let client = builder.validation(self.validate).build()?;
        // Every client's calls are logged through the package's logger.
        client.transport().set_call_log(Arc::new(logs::PyLog))?;
        Ok(client)
    }
}

fn config_error(py: Python<'_>, message: String) -> PyErr {
    to_pyerr(py, &Error::Config(message), None)
}

/// A Python object that hands out bearer tokens: either an object with a `token()` method (and
/// optionally `invalidate()`, called after a 401), or a plain callable. It must return a `str`.
/// Called on a blocking thread with the GIL taken, never on the event loop or a runtime worker.
pub struct PySource {
    source: Py<PyAny>,
    /// Set by a 401: `invalidate()` is called before the next `token()` (the transport asks
    /// again at once to retry the call, and that must see the invalidation).
    stale: AtomicBool,
}

impl PySource {
    pub fn new(source: Py<PyAny>) -> Self {
        Self {
            source,
            stale: AtomicBool::new(false),
        }
    }
}

/// One client's view of a [`PySource`] (every thread's client shares the source).
struct PyTokenProvider {
    source: Arc<PySource>,
}

impl PyTokenProvider {
    fn fetch(shared: &PySource) -> Result<Secret, Error> {
        Python::attach(|py| {
            let source = shared.source.bind(py);
            if shared.stale.swap(false, Ordering::SeqCst)
                && source.hasattr("invalidate").unwrap_or(false)
                && let Err(e) = source.call_method0("invalidate")
            {
                e.write_unraisable(py, Some(source));
            }
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
    fn token<'a>(&'a self, _request: &'a TokenRequest) -> BoxFuture<'a, Result<Secret, Error>> {
        let source = Arc::clone(&self.source);
        Box::pin(async move {
            tokio::task::spawn_blocking(move || Self::fetch(&source))
                .await
                .map_err(|e| Error::Config(format!("the token provider did not finish: {e}")))?
        })
    }

    fn invalidate(&self, _rejected: &Secret) {
        // Never waits for the GIL here, on a runtime worker: the next `token()` calls it first.
        self.source.stale.store(true, Ordering::SeqCst);
    }
}

/// The message for a cloud name the spec does not have.
fn unknown_cloud(name: &str) -> String {
    let names = partner_center::Cloud::NAMES;
    match names {
        [] => format!("unknown cloud {name:?}: this API names no clouds; give base_url"),
        [one] => format!("unknown cloud {name:?}: expected {one:?}"),
        [first @ .., last] => {
            let first: Vec<String> = first.iter().map(|n| format!("{n:?}")).collect();
            format!(
                "unknown cloud {name:?}: expected {} or {last:?}",
                first.join(", ")
            )
        }
    }
}

/// The operation id as the dispatch spells it (`'static`, so a spawned call can own it).
fn check_operation(operation: &str) -> PyResult<&'static str> {
    match partner_center::OPERATIONS
        .iter()
        .find(|known| **known == operation)
    {
        Some(known) => Ok(known),
        None => Err(PyValueError::new_err(format!(
            "unknown operation {operation:?}"
        ))),
    }
}

#[pymethods]
impl NativeClient {
    #[new]
    #[pyo3(signature = (*, base_url=None, cloud=None, token=None, token_provider=None,
                        credential=None, ca_cert=None, locale=None, application=None,
                        correlation_id=None, timeout=None, max_retries=None, validate=true,
                        user_agent=None, requests_per_minute=None, max_response_bytes=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        base_url: Option<String>,
        cloud: Option<&str>,
        token: Option<String>,
        token_provider: Option<Bound<'_, PyAny>>,
        credential: Option<Bound<'_, PyAny>>,
        ca_cert: Option<String>,
        locale: Option<String>,
        application: Option<String>,
        correlation_id: Option<String>,
        timeout: Option<f64>,
        max_retries: Option<i64>,
        validate: bool,
        user_agent: Option<String>,
        requests_per_minute: Option<i64>,
        max_response_bytes: Option<i64>,
    ) -> PyResult<Self> {
        if base_url.is_some() && cloud.is_some() {
            return Err(PyValueError::new_err("give base_url or cloud, not both"));
        }
        if [
            token.is_some(),
            token_provider.is_some(),
            credential.is_some(),
        ]
        .iter()
        .filter(|given| **given)
        .count()
            > 1
        {
            return Err(PyValueError::new_err(
                "give one of token, credential or token_provider",
            ));
        }
        // `token_provider=` takes whatever `credential=` takes (it came first).
        let (mut callable, mut shared, mut loop_hint) = (None, None, None);
        if let Some(given) = credential.as_ref().or(token_provider.as_ref()) {
            match credentials::resolve(given)? {
                Resolved::Shared {
                    provider,
                    loop_hint: hint,
                } => {
                    shared = Some(provider);
                    loop_hint = hint;
                }
                Resolved::Callable(source) => callable = Some(source),
            }
        }
        let cloud = cloud
            .map(|name| {
                partner_center::Cloud::from_name(name)
                    .ok_or_else(|| PyValueError::new_err(unknown_cloud(name)))
            })
            .transpose()?;
        let timeout = timeout
            .map(|secs| {
                seconds(secs).ok_or_else(|| {
                    PyValueError::new_err("timeout must be a positive number of seconds")
                })
            })
            .transpose()?;
        let max_attempts = max_retries
            .map(|n| {
                u32::try_from(n)
                    .ok()
                    .filter(|n| *n < u32::MAX)
                    .map(|n| n + 1)
                    .ok_or_else(|| PyValueError::new_err("max_retries must be 0 or more"))
            })
            .transpose()?;
        // One pace for every client built from these options (each thread's own included).
        let rate_limit = requests_per_minute
            .map(|n| {
                u32::try_from(n)
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| {
                        Error::Config("requests_per_minute must be a positive whole number".into())
                    })
                    .and_then(RateLimit::per_minute)
                    .map_err(|e| to_pyerr(py, &e, None))
            })
            .transpose()?;
        let max_response_bytes = max_response_bytes
            .map(|n| {
                usize::try_from(n).ok().filter(|n| *n > 0).ok_or_else(|| {
                    config_error(
                        py,
                        "max_response_bytes must be a positive number of bytes".into(),
                    )
                })
            })
            .transpose()?;
        let mut options = Options {
            base_url,
            cloud,
            token: token.map(Secret::new),
            token_provider: callable,
            credential: shared,
            ca_cert,
            locale,
            application,
            correlation_id,
            timeout,
            max_attempts,
            validate,
            user_agent,
            rate_limit,
            max_response_bytes,
        };
        let client = options.build().map_err(|e| match e {
            Error::Config(message) => config_error(py, message),
            other => to_pyerr(py, &other, None),
        })?;
        // Every thread's own client sends this client's correlation id (when the API has one).
        if partner_center::dispatch::CLIENT_OPTIONS.contains(&"correlation_id") {
            options.correlation_id = Some(client.correlation_id().to_string());
        }
        let base_url = client.transport().base_url().to_string();
        Ok(Self {
            client: ManuallyDrop::new(client),
            born: fork::generation(),
            rebuilt: AtomicPtr::new(std::ptr::null_mut()),
            options,
            owner: Arc::new(()),
            base_url,
            loop_hint,
        })
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
        // The logger's level now, read while the GIL is held anyway.
        let scope = logs::CallScope::here(py);
        // Taken by whichever path runs the call.
        let mut pending = Some((call, scope));
        let in_flight = local::SyncCall::start();
        let here = if in_flight.few() {
            local::with_thread_client(
                &self.owner,
                || self.options.build(),
                |runtime, client| {
                    let (call, scope) = pending.take().unwrap_or_default();
                    let answer = runtime::block_on_here(
                        py,
                        runtime,
                        scope.run(partner_center::dispatch(client, operation, call)),
                    );
                    if !matches!(answer, Ok(Ok(_))) {
                        // A call that gave up on its answer: close its connection now.
                        runtime::settle(py, runtime);
                    }
                    answer
                },
            )
        } else {
            None
        };
        let answer = match here {
            Some(Ok(answer)) => answer?,
            Some(Err(e)) => Err(e),
            // Many sync calls in flight, or re-entered from a signal handler during a call on
            // this thread: the shared runtime.
            None => {
                let (call, scope) = pending.take().unwrap_or_default();
                let client = self.shared().map_err(|e| to_pyerr(py, &e, None))?;
                runtime::block_on(py, async move {
                    scope
                        .run(partner_center::dispatch(&client, operation, call))
                        .await
                })?
            }
        };
        answer
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
        if let Some(adapter) = &self.loop_hint {
            // An async credential runs on the loop of the calls that need its tokens.
            adapter.bind(py).call_method0("use_running_loop")?;
        }
        let client = self.shared().map_err(|e| to_pyerr(py, &e, None))?;
        completions::submit(py, client, operation, call)
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
