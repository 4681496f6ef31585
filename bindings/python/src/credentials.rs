//! Sign-in from Python: the runtime's credentials behind one native class, and the adapter that
//! turns an azure-core credential (or any object with `get_token_info` / `get_token`) into a
//! runtime [`TokenSource`] behind the runtime's token cache.
//!
//! The flows themselves (token endpoint, rotation, device-code polling, cache and refresh policy)
//! are the runtime's; this file only carries Python values in and out:
//! * Python callbacks (`on_refresh`, `prompt`) are never called on a tokio worker. The runtime
//!   calls its Rust closure on a worker; the closure queues the value and one blocking thread
//!   hands the queue to Python in order (`Deliveries`). The token a call gets is handed over only
//!   after every queued callback has run (`Settled`): when a call returns, `on_refresh` has seen
//!   every refresh token rotated before it. An exception in a callback goes to
//!   `sys.unraisablehook`.
//! * A foreign credential is asked on a blocking thread with the GIL (`_credentials.py` runs an
//!   awaitable it returns on the right event loop).

use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyString};
use sdk_runtime::credentials::{
    AccessToken, Cached, CertificateCredential, ClientCertificate, ClientSecretCredential,
    CredentialOptions, DeviceCodeCredential, DeviceCodePrompt, OnRefresh, Prompt, RefreshPolicy,
    RefreshTokenCredential, TokenSource,
};
use sdk_runtime::{AuthError, BoxFuture, Error, Secret, TokenProvider, TokenRequest};
use tokio::sync::watch;

use crate::client::PySource;
use crate::errors::to_pyerr;
use crate::runtime;

/// Python callbacks waiting to be called, in the order the runtime produced their values.
struct Deliveries {
    pending: Mutex<Pending>,
    /// How many values were queued so far.
    queued: AtomicU64,
    /// How many were handed to Python (or failed there); waited on by [`Settled`].
    delivered: watch::Sender<u64>,
}

#[derive(Default)]
struct Pending {
    queue: VecDeque<Delivery>,
    /// The process generation (see `fork`) of the blocking thread emptying the queue, if one is:
    /// in a forked child, the parent's drainer does not exist.
    draining: Option<u64>,
}

enum Delivery {
    /// `on_refresh(new_refresh_token)`.
    Refresh(Arc<Py<PyAny>>, Secret),
    /// `prompt(DeviceCodeInfo(...))`.
    Prompt(Arc<Py<PyAny>>, DeviceCodePrompt),
}

impl Deliveries {
    fn new() -> Arc<Self> {
        Arc::new(Self {
            pending: Mutex::new(Pending::default()),
            queued: AtomicU64::new(0),
            delivered: watch::Sender::new(0),
        })
    }

    /// Queues `delivery` (called on a runtime worker: never waits for the GIL).
    fn push(self: &Arc<Self>, delivery: Delivery) {
        let start = {
            let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
            pending.queue.push_back(delivery);
            self.queued.fetch_add(1, Ordering::SeqCst);
            let generation = crate::fork::generation();
            pending.draining.replace(generation) != Some(generation)
        };
        if start {
            let this = Arc::clone(self);
            match runtime::runtime() {
                Ok(runtime) => drop(runtime.spawn_blocking(move || this.drain())),
                // No runtime could start (out of threads?): a thread of its own, or nothing.
                Err(_) => drop(std::thread::Builder::new().spawn(move || this.drain())),
            }
        }
    }

    /// Hands every queued value to Python, one after the other, on this blocking thread.
    fn drain(&self) {
        loop {
            let next = {
                let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
                let next = pending.queue.pop_front();
                if next.is_none() {
                    pending.draining = None;
                }
                next
            };
            let Some(delivery) = next else { return };
            Python::attach(|py| deliver(py, delivery));
            self.delivered.send_modify(|n| *n += 1);
        }
    }

    /// Waits (without blocking a thread) until every value queued before now was delivered.
    async fn settled(&self) {
        let target = self.queued.load(Ordering::SeqCst);
        if *self.delivered.borrow() >= target {
            return;
        }
        let mut delivered = self.delivered.subscribe();
        // The sender lives as long as `self`: the wait cannot fail.
        let _ = delivered.wait_for(|n| *n >= target).await;
    }
}

fn deliver(py: Python<'_>, delivery: Delivery) {
    let (callback, outcome) = match delivery {
        Delivery::Refresh(callback, token) => {
            let outcome = callback.bind(py).call1((token.expose(),));
            (callback, outcome.map(drop))
        }
        Delivery::Prompt(callback, prompt) => {
            let outcome = device_code_info(py, &prompt)
                .and_then(|info| callback.bind(py).call1((info,)).map(drop));
            (callback, outcome)
        }
    };
    if let Err(e) = outcome {
        e.write_unraisable(py, Some(callback.bind(py)));
    }
}

static DEVICE_CODE_INFO: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// `<package>._credentials.DeviceCodeInfo(user_code, verification_uri, message, expires_in)`.
fn device_code_info<'py>(
    py: Python<'py>,
    prompt: &DeviceCodePrompt,
) -> PyResult<Bound<'py, PyAny>> {
    let class = DEVICE_CODE_INFO.get_or_try_init(py, || {
        py.import(crate::sibling("_credentials"))?
            .getattr("DeviceCodeInfo")
            .map(Bound::unbind)
    })?;
    class.bind(py).call1((
        &prompt.user_code,
        &prompt.verification_uri,
        &prompt.message,
        prompt.expires_in.as_secs_f64(),
    ))
}

/// A credential's token provider that hands out a token only once the callbacks queued before it
/// have run.
struct Settled<P> {
    inner: P,
    deliveries: Arc<Deliveries>,
}

impl<P: TokenProvider> TokenProvider for Settled<P> {
    fn token<'a>(&'a self, request: &'a TokenRequest) -> BoxFuture<'a, Result<Secret, Error>> {
        Box::pin(async move {
            let token = self.inner.token(request).await;
            self.deliveries.settled().await;
            token
        })
    }

    fn invalidate(&self, rejected: &Secret) {
        self.inner.invalidate(rejected);
    }

    fn can_refresh(&self) -> bool {
        self.inner.can_refresh()
    }
}

fn on_refresh(deliveries: &Arc<Deliveries>, callback: Option<Py<PyAny>>) -> Option<OnRefresh> {
    let callback = Arc::new(callback?);
    let deliveries = Arc::clone(deliveries);
    Some(Arc::new(move |token: Secret| {
        deliveries.push(Delivery::Refresh(Arc::clone(&callback), token));
    }))
}

fn prompt(deliveries: &Arc<Deliveries>, callback: Option<Py<PyAny>>) -> Option<Prompt> {
    let callback = Arc::new(callback?);
    let deliveries = Arc::clone(deliveries);
    Some(Arc::new(move |info: &DeviceCodePrompt| {
        deliveries.push(Delivery::Prompt(Arc::clone(&callback), info.clone()));
    }))
}

fn options(authority_host: Option<String>) -> CredentialOptions {
    CredentialOptions {
        authority_host,
        ..CredentialOptions::default()
    }
}

fn callable(py: Python<'_>, name: &str, value: Option<Py<PyAny>>) -> PyResult<Option<Py<PyAny>>> {
    match value {
        Some(v) if !v.bind(py).is_callable() => {
            Err(PyTypeError::new_err(format!("{name} must be callable")))
        }
        other => Ok(other),
    }
}

/// One of the runtime's credentials, as `<package>._credentials` wraps it. Holds every secret
/// on the Rust side; its repr shows none.
#[pyclass(frozen)]
pub struct NativeCredential {
    provider: Arc<dyn TokenProvider>,
    kind: &'static str,
}

impl NativeCredential {
    fn new<P: TokenProvider>(kind: &'static str, inner: P, deliveries: Arc<Deliveries>) -> Self {
        Self {
            provider: Arc::new(Settled { inner, deliveries }),
            kind,
        }
    }

    /// The provider clients share (one cache for every client and thread).
    pub fn provider(&self) -> Arc<dyn TokenProvider> {
        Arc::clone(&self.provider)
    }
}

fn built<T>(py: Python<'_>, made: Result<T, Error>) -> PyResult<T> {
    made.map_err(|e| to_pyerr(py, &e, None))
}

#[pymethods]
impl NativeCredential {
    /// App-only sign-in with a client secret.
    #[staticmethod]
    #[pyo3(signature = (tenant_id, client_id, client_secret, authority_host=None))]
    fn client_secret(
        py: Python<'_>,
        tenant_id: String,
        client_id: String,
        client_secret: String,
        authority_host: Option<String>,
    ) -> PyResult<Self> {
        let cred = built(
            py,
            ClientSecretCredential::new(
                tenant_id,
                client_id,
                client_secret,
                options(authority_host),
            ),
        )?;
        Ok(Self::new("ClientSecretCredential", cred, Deliveries::new()))
    }

    /// App-only sign-in with a certificate (PEM: certificate and RSA key, the key optionally
    /// encrypted with `password`), from a file or from bytes/text.
    #[staticmethod]
    #[pyo3(signature = (tenant_id, client_id, certificate_path=None, certificate_data=None,
                        password=None, authority_host=None))]
    fn certificate(
        py: Python<'_>,
        tenant_id: String,
        client_id: String,
        certificate_path: Option<std::path::PathBuf>,
        certificate_data: Option<Bound<'_, PyAny>>,
        password: Option<String>,
        authority_host: Option<String>,
    ) -> PyResult<Self> {
        let password = password.map(Secret::new);
        let password = password.as_ref().map(Secret::expose);
        let certificate = match (certificate_path, certificate_data) {
            (Some(path), None) => ClientCertificate::from_file(path, password),
            (None, Some(data)) => {
                if let Ok(text) = data.cast::<PyString>() {
                    ClientCertificate::from_pem(text.to_cow()?.as_bytes(), password)
                } else if let Ok(bytes) = data.cast::<PyBytes>() {
                    ClientCertificate::from_pem(bytes.as_bytes(), password)
                } else {
                    return Err(PyTypeError::new_err(
                        "certificate_data must be PEM text (str) or bytes",
                    ));
                }
            }
            _ => {
                return Err(PyValueError::new_err(
                    "give certificate_path or certificate_data (exactly one)",
                ));
            }
        };
        let certificate = built(py, certificate)?;
        let cred = built(
            py,
            CertificateCredential::new(tenant_id, client_id, certificate, options(authority_host)),
        )?;
        Ok(Self::new("CertificateCredential", cred, Deliveries::new()))
    }

    /// App+User sign-in with a stored refresh token; `on_refresh(new_refresh_token)` receives
    /// every rotated one.
    #[staticmethod]
    #[pyo3(signature = (tenant_id, client_id, refresh_token, client_secret=None, on_refresh=None,
                        authority_host=None))]
    fn refresh_token(
        py: Python<'_>,
        tenant_id: String,
        client_id: String,
        refresh_token: String,
        client_secret: Option<String>,
        on_refresh: Option<Py<PyAny>>,
        authority_host: Option<String>,
    ) -> PyResult<Self> {
        let on_refresh = callable(py, "on_refresh", on_refresh)?;
        let deliveries = Deliveries::new();
        let cred = built(
            py,
            RefreshTokenCredential::new(
                tenant_id,
                client_id,
                refresh_token,
                client_secret.map(Secret::new),
                self::on_refresh(&deliveries, on_refresh),
                options(authority_host),
            ),
        )?;
        Ok(Self::new("RefreshTokenCredential", cred, deliveries))
    }

    /// App+User sign-in by device code: `prompt(info)` shows the code (default: printed on
    /// stderr), then the refresh token it obtains rotates into `on_refresh`.
    #[staticmethod]
    #[pyo3(signature = (client_id, tenant_id, client_secret=None, prompt=None, on_refresh=None,
                        authority_host=None))]
    fn device_code(
        py: Python<'_>,
        client_id: String,
        tenant_id: String,
        client_secret: Option<String>,
        prompt: Option<Py<PyAny>>,
        on_refresh: Option<Py<PyAny>>,
        authority_host: Option<String>,
    ) -> PyResult<Self> {
        let prompt = callable(py, "prompt", prompt)?;
        let on_refresh = callable(py, "on_refresh", on_refresh)?;
        let deliveries = Deliveries::new();
        let cred = built(
            py,
            DeviceCodeCredential::new(
                tenant_id,
                client_id,
                client_secret.map(Secret::new),
                self::prompt(&deliveries, prompt),
                self::on_refresh(&deliveries, on_refresh),
                options(authority_host),
            ),
        )?;
        Ok(Self::new("DeviceCodeCredential", cred, deliveries))
    }

    fn __repr__(&self) -> String {
        format!("NativeCredential({})", self.kind)
    }
}

/// A foreign credential (azure-identity's, or anything with `get_token_info` / `get_token`),
/// through the adapter object of `partner_center._credentials` (`fetch(scope)` →
/// `(token, expires_on, refresh_on)`).
struct Foreign {
    adapter: Arc<Py<PyAny>>,
}

impl fmt::Debug for Foreign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Foreign")
    }
}

fn unix_time(seconds: f64) -> Option<SystemTime> {
    (seconds.is_finite() && seconds >= 0.0).then(|| UNIX_EPOCH + Duration::from_secs_f64(seconds))
}

/// An exception of the foreign credential, as a sign-in refusal: `error` its class name,
/// `error_description` its text (one line, capped).
fn refusal(py: Python<'_>, e: &PyErr) -> Error {
    let name = e
        .get_type(py)
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "Exception".to_string());
    let text: String = e
        .value(py)
        .str()
        .map(|s| s.to_string())
        .unwrap_or_default()
        .chars()
        .take(400)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    Error::Auth(Box::new(AuthError {
        error: name,
        error_description: Some(format!("the credential raised: {}", text.trim())),
        ..AuthError::default()
    }))
}

impl Foreign {
    fn fetch_now(adapter: &Py<PyAny>, scope: &str) -> Result<AccessToken, Error> {
        Python::attach(|py| {
            let answer = adapter
                .bind(py)
                .call_method1("fetch", (scope,))
                .map_err(|e| refusal(py, &e))?;
            let (token, expires_on, refresh_on): (Bound<'_, PyAny>, f64, Option<f64>) =
                answer.extract().map_err(|_| {
                    Error::Config(
                        "the credential's token must have a str token and a number expires_on"
                            .into(),
                    )
                })?;
            let token: String = token
                .extract()
                .map_err(|_| Error::Config("the credential's token is not a str".into()))?;
            let expires_on = unix_time(expires_on)
                .ok_or_else(|| Error::Config("the credential's expires_on is not a time".into()))?;
            Ok(AccessToken {
                token: Secret::new(token),
                expires_on,
                refresh_on: refresh_on.and_then(unix_time),
            })
        })
    }
}

impl TokenSource for Foreign {
    fn fetch<'a>(&'a self, request: &'a TokenRequest) -> BoxFuture<'a, Result<AccessToken, Error>> {
        let adapter = Arc::clone(&self.adapter);
        let scope = request.app_scope.clone();
        Box::pin(async move {
            if scope.is_empty() {
                return Err(Error::Config(
                    "the client names no scope to ask the credential for".into(),
                ));
            }
            tokio::task::spawn_blocking(move || Self::fetch_now(&adapter, &scope))
                .await
                .map_err(|e| Error::Config(format!("the credential did not finish: {e}")))?
        })
    }
}

static ADAPT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// What `credential=` resolved to.
pub enum Resolved {
    /// One of ours, or a foreign credential behind the runtime's cache: shared by every client
    /// built from the same options (each thread's own, see `local.rs`).
    Shared {
        provider: Arc<dyn TokenProvider>,
        /// The adapter of an async foreign credential: told the event loop of each async call.
        loop_hint: Option<Arc<Py<PyAny>>>,
    },
    /// A callable returning a token string (asked before every attempt, no cache).
    Callable(Arc<PySource>),
}

/// Resolves `credential=`: our credentials (or their native half), anything with
/// `get_token_info` / `get_token`, or a callable returning a token.
pub fn resolve(credential: &Bound<'_, PyAny>) -> PyResult<Resolved> {
    let py = credential.py();
    if let Ok(ours) = credential.cast::<NativeCredential>() {
        return Ok(shared(ours.get()));
    }
    if let Ok(inner) = credential.getattr("_native")
        && let Ok(ours) = inner.cast::<NativeCredential>()
    {
        return Ok(shared(ours.get()));
    }
    if credential.hasattr("get_token_info")? || credential.hasattr("get_token")? {
        let adapt = ADAPT.get_or_try_init(py, || {
            py.import(crate::sibling("_credentials"))?
                .getattr("_adapt")
                .map(Bound::unbind)
        })?;
        let adapter = adapt.bind(py).call1((credential,))?;
        let is_async: bool = adapter.getattr("is_async")?.extract()?;
        let adapter = Arc::new(adapter.unbind());
        let provider = Cached::with_source(
            Foreign {
                adapter: Arc::clone(&adapter),
            },
            RefreshPolicy::default(),
        );
        return Ok(Resolved::Shared {
            provider: Arc::new(provider),
            loop_hint: is_async.then_some(adapter),
        });
    }
    // A callable, or an object with `token()` (and optionally `invalidate()`).
    if credential.is_callable() || credential.hasattr("token")? {
        return Ok(Resolved::Callable(Arc::new(PySource::new(
            credential.clone().unbind(),
        ))));
    }
    Err(PyTypeError::new_err(format!(
        "credential must be a {} credential, an azure-core credential \
         (get_token_info or get_token), or a callable returning a token str",
        crate::package_name()
    )))
}

fn shared(ours: &NativeCredential) -> Resolved {
    Resolved::Shared {
        provider: ours.provider(),
        loop_hint: None,
    }
}
