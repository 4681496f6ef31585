//! `NativeCredential`: what `new Client({ credential })` signs in with. One napi class for every
//! kind, each a `TokenProvider` of the Rust runtime:
//!
//! * our credentials (client secret, certificate, refresh token, device code): the runtime's own,
//!   with the JS callbacks (`onRefresh`, `prompt`) reached through non-blocking threadsafe
//!   functions;
//! * an `@azure/core-auth` `TokenCredential`: a [`TokenSource`] that asks JavaScript, behind the
//!   runtime's token cache ([`Cached::with_source`]);
//! * a `() => Promise<string>` (e.g. `getBearerTokenProvider`): asked before every attempt (it is
//!   its own cache).
//!
//! `lib/credentials.js` checks the options and wraps the JS functions so that they never throw and
//! always return a Promise; secrets cross into Rust once and never come back.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use napi::Status;
use napi::bindgen_prelude::Promise;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use sdk_runtime::credentials::{
    AccessToken, Cached, ClientCertificate, CredentialOptions, DeviceCodePrompt, OnRefresh, Prompt,
    RefreshPolicy, TokenSource,
};
use sdk_runtime::{
    AuthError, BoxFuture, CertificateCredential, ClientSecretCredential, DeviceCodeCredential,
    Error as PcError, RefreshTokenCredential, Secret, TokenProvider, TokenRequest,
};

/// A JS function called from any thread, not keeping Node's event loop alive (weak), whose
/// exceptions come back to Rust instead of crashing the process.
type JsFn<A, R> = ThreadsafeFunction<A, R, A, Status, false, true>;

/// What the wrapped JS token functions resolve to (`lib/credentials.js` builds it; they never
/// reject): a token, or why there is none.
#[napi(object)]
pub struct JsTokenResult {
    pub ok: bool,
    pub token: Option<String>,
    /// Milliseconds since the epoch (`AccessToken.expiresOnTimestamp`).
    pub expires_on_timestamp: Option<f64>,
    /// Milliseconds since the epoch (`AccessToken.refreshAfterTimestamp`).
    pub refresh_after_timestamp: Option<f64>,
    /// The OAuth2 error (`invalid_client`, …) when the credential reported one.
    pub error: Option<String>,
    pub error_description: Option<String>,
    pub error_codes: Option<Vec<i64>>,
    pub trace_id: Option<String>,
    pub correlation_id: Option<String>,
    /// The token endpoint's HTTP status, when known.
    pub status: Option<u32>,
}

/// What a device-code `prompt` callback receives.
#[napi(object)]
pub struct DeviceCodeInfo {
    /// The code the user types at `verificationUri`.
    pub user_code: String,
    pub verification_uri: String,
    /// The sign-in service's own instructions.
    pub message: String,
    /// Seconds until the code expires.
    pub expires_in: f64,
}

impl From<&DeviceCodePrompt> for DeviceCodeInfo {
    fn from(p: &DeviceCodePrompt) -> Self {
        Self {
            user_code: p.user_code.clone(),
            verification_uri: p.verification_uri.clone(),
            message: p.message.clone(),
            expires_in: p.expires_in.as_secs_f64(),
        }
    }
}

/// JS callbacks (`onRefresh`) a credential has queued that have not finished yet. A call that
/// refreshed a token resolves only after the `onRefresh` calls made during it have run (and their
/// Promises settled), so the caller has stored the new refresh token by then. Only callbacks made
/// during the call count: an `onRefresh` that itself calls Partner Center with the same client
/// does not wait for itself.
#[derive(Default)]
pub struct Pending {
    /// The id of the next callback.
    next: AtomicU64,
    /// Ids of the callbacks still running.
    running: Mutex<Vec<u64>>,
    finished: tokio::sync::Notify,
}

impl Pending {
    fn running(&self) -> std::sync::MutexGuard<'_, Vec<u64>> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn start(&self) -> u64 {
        let mut running = self.running();
        let id = self.next.fetch_add(1, Ordering::SeqCst);
        running.push(id);
        id
    }

    fn finish(&self, id: u64) {
        self.running().retain(|&r| r != id);
        self.finished.notify_waiters();
    }

    /// Where a call starts: callbacks from here on are the call's.
    pub fn mark(&self) -> u64 {
        self.next.load(Ordering::SeqCst)
    }

    /// Returns once every callback started between `from` (a [`mark`](Self::mark)) and now has
    /// finished.
    pub async fn settled(&self, from: u64) {
        let to = self.mark();
        if from == to {
            return;
        }
        loop {
            let finished = self.finished.notified();
            tokio::pin!(finished);
            finished.as_mut().enable();
            if !self.running().iter().any(|&id| (from..to).contains(&id)) {
                return;
            }
            finished.await;
        }
    }
}

/// `onRefresh` as the runtime's [`OnRefresh`]: queued in order, counted in `pending` until the
/// JS Promise settles.
fn on_refresh(callback: JsFn<String, Promise<bool>>, pending: Arc<Pending>) -> OnRefresh {
    let callback = Arc::new(callback);
    Arc::new(move |token: Secret| {
        let id = pending.start();
        let done = Arc::clone(&pending);
        let status = callback.call_with_return_value(
            token.into_inner(),
            ThreadsafeFunctionCallMode::NonBlocking,
            move |returned, _env| {
                match returned {
                    Ok(promise) => {
                        napi::bindgen_prelude::spawn(async move {
                            let _ = promise.await;
                            done.finish(id);
                        });
                    }
                    Err(_) => done.finish(id),
                }
                Ok(())
            },
        );
        if status != Status::Ok {
            // Node is shutting down: nobody is left to tell.
            pending.finish(id);
        }
    })
}

/// `prompt` as the runtime's [`Prompt`]: fire and forget (the flow polls meanwhile).
fn prompt(callback: JsFn<DeviceCodeInfo, Promise<bool>>) -> Prompt {
    Arc::new(move |p: &DeviceCodePrompt| {
        callback.call(
            DeviceCodeInfo::from(p),
            ThreadsafeFunctionCallMode::NonBlocking,
        );
    })
}

fn config(err: PcError) -> napi::Error {
    napi::Error::new(Status::InvalidArg, format!("config: {err}"))
}

fn options(authority_host: Option<String>) -> CredentialOptions {
    CredentialOptions {
        authority_host,
        http: None,
        refresh: RefreshPolicy::default(),
    }
}

/// A failure reported by (or calling) a JavaScript credential, as the runtime's sign-in error.
fn js_failure(result: JsTokenResult) -> PcError {
    PcError::Auth(Box::new(AuthError {
        status: result
            .status
            .and_then(|s| u16::try_from(s).ok())
            .unwrap_or(0),
        error: result
            .error
            .filter(|e| !e.is_empty())
            .unwrap_or_else(|| "credential_error".into()),
        error_description: result.error_description,
        error_codes: result.error_codes.unwrap_or_default(),
        trace_id: result.trace_id,
        correlation_id: result.correlation_id,
        timestamp: None,
    }))
}

fn unreachable_js(err: napi::Error) -> PcError {
    PcError::Auth(Box::new(AuthError {
        error: "credential_error".into(),
        error_description: Some(format!(
            "the JavaScript credential could not be called: {err}"
        )),
        ..AuthError::default()
    }))
}

/// Milliseconds since the epoch as a time; `None` for NaN, infinities and negatives.
pub fn from_millis(ms: f64) -> Option<SystemTime> {
    if ms.is_finite() && ms >= 0.0 {
        Duration::try_from_secs_f64(ms / 1000.0)
            .ok()
            .and_then(|d| SystemTime::UNIX_EPOCH.checked_add(d))
    } else {
        None
    }
}

/// A resolved [`JsTokenResult`] as an access token (or the error it reports).
pub fn access_token(result: JsTokenResult) -> Result<AccessToken, PcError> {
    if !result.ok {
        return Err(js_failure(result));
    }
    let token = match result.token {
        Some(t) if !t.is_empty() => Secret::new(t),
        _ => {
            return Err(js_failure(JsTokenResult {
                ok: false,
                error_description: Some("the credential gave no token".into()),
                ..empty_result()
            }));
        }
    };
    let Some(expires_on) = result.expires_on_timestamp.and_then(from_millis) else {
        return Err(js_failure(JsTokenResult {
            ok: false,
            error_description: Some(
                "the credential's token has no valid expiresOnTimestamp".into(),
            ),
            ..empty_result()
        }));
    };
    Ok(AccessToken {
        token,
        expires_on,
        refresh_on: result.refresh_after_timestamp.and_then(from_millis),
    })
}

fn empty_result() -> JsTokenResult {
    JsTokenResult {
        ok: false,
        token: None,
        expires_on_timestamp: None,
        refresh_after_timestamp: None,
        error: None,
        error_description: None,
        error_codes: None,
        trace_id: None,
        correlation_id: None,
        status: None,
    }
}

type FetchFn = JsFn<String, Promise<JsTokenResult>>;

/// Asks the wrapped JS function (given the scope) and waits for its Promise.
async fn ask(fetch: &FetchFn, scope: String) -> Result<JsTokenResult, PcError> {
    let promise = fetch
        .call_async_catch(scope)
        .await
        .map_err(unreachable_js)?;
    promise.await.map_err(unreachable_js)
}

/// An `@azure/core-auth` `TokenCredential` (wrapped by `lib/credentials.js`), asked for the
/// client's application scope (`…/.default`) when the cache needs a token.
pub struct JsTokenCredential {
    fetch: FetchFn,
}

impl TokenSource for JsTokenCredential {
    fn fetch<'a>(
        &'a self,
        request: &'a TokenRequest,
    ) -> BoxFuture<'a, Result<AccessToken, PcError>> {
        Box::pin(async move { access_token(ask(&self.fetch, request.app_scope.clone()).await?) })
    }
}

/// A `() => Promise<string>` (wrapped by `lib/credentials.js`), asked before every attempt.
pub struct JsTokenFunction {
    fetch: FetchFn,
}

impl TokenProvider for JsTokenFunction {
    fn token<'a>(&'a self, request: &'a TokenRequest) -> BoxFuture<'a, Result<Secret, PcError>> {
        Box::pin(async move {
            let result = ask(&self.fetch, request.app_scope.clone()).await?;
            if !result.ok {
                return Err(js_failure(result));
            }
            match result.token {
                Some(t) if !t.is_empty() => Ok(Secret::new(t)),
                _ => Err(js_failure(JsTokenResult {
                    ok: false,
                    error_description: Some("the token function gave no token".into()),
                    ..empty_result()
                })),
            }
        })
    }
}

/// A sign-in for `new Client({ credential })`. Built by `lib/credentials.js`; holds no secret
/// JavaScript can read back.
#[napi]
pub struct NativeCredential {
    provider: Arc<dyn TokenProvider>,
    /// Only for credentials with an `onRefresh`.
    pending: Option<Arc<Pending>>,
    kind: &'static str,
}

impl NativeCredential {
    fn new(
        provider: impl TokenProvider,
        pending: Option<Arc<Pending>>,
        kind: &'static str,
    ) -> Self {
        Self {
            provider: Arc::new(provider),
            pending,
            kind,
        }
    }

    /// The provider a client signs in with (shared by every client given this credential).
    pub fn provider(&self) -> Arc<dyn TokenProvider> {
        Arc::clone(&self.provider)
    }

    /// The callbacks a call waits for before it resolves (none without an `onRefresh`).
    pub fn pending(&self) -> Option<Arc<Pending>> {
        self.pending.clone()
    }
}

#[napi]
impl NativeCredential {
    /// App-only sign-in with a client secret. Throws `config: …` on bad input.
    #[napi(factory)]
    pub fn client_secret(
        tenant_id: String,
        client_id: String,
        client_secret: String,
        authority_host: Option<String>,
    ) -> napi::Result<Self> {
        let credential = ClientSecretCredential::new(
            tenant_id,
            client_id,
            Secret::new(client_secret),
            options(authority_host),
        )
        .map_err(config)?;
        Ok(Self::new(credential, None, "clientSecret"))
    }

    /// App-only sign-in with a certificate: `pem` (certificate and private key) or the file at
    /// `path`; `password` for an encrypted key.
    #[napi(factory)]
    pub fn certificate(
        tenant_id: String,
        client_id: String,
        path: Option<String>,
        pem: Option<String>,
        password: Option<String>,
        authority_host: Option<String>,
    ) -> napi::Result<Self> {
        let password = password.map(Secret::new);
        let password = password.as_ref().map(Secret::expose);
        let certificate = match (path, pem) {
            (Some(path), None) => ClientCertificate::from_file(path, password),
            (None, Some(pem)) => ClientCertificate::from_pem(pem.as_bytes(), password),
            _ => Err(PcError::Config(
                "give certificatePath or certificate (PEM), not both".into(),
            )),
        }
        .map_err(config)?;
        let credential =
            CertificateCredential::new(tenant_id, client_id, certificate, options(authority_host))
                .map_err(config)?;
        Ok(Self::new(credential, None, "certificate"))
    }

    /// App+User sign-in with a stored refresh token; `on_refresh` gets every new one.
    #[napi(factory)]
    pub fn refresh_token(
        tenant_id: String,
        client_id: String,
        refresh_token: String,
        client_secret: Option<String>,
        #[napi(ts_arg_type = "(refreshToken: string) => Promise<boolean>")] on_refresh_fn: Option<
            JsFn<String, Promise<bool>>,
        >,
        authority_host: Option<String>,
    ) -> napi::Result<Self> {
        let pending = on_refresh_fn.as_ref().map(|_| Arc::<Pending>::default());
        let callback = on_refresh_fn
            .zip(pending.clone())
            .map(|(f, pending)| on_refresh(f, pending));
        let credential = RefreshTokenCredential::new(
            tenant_id,
            client_id,
            Secret::new(refresh_token),
            client_secret.map(Secret::new),
            callback,
            options(authority_host),
        )
        .map_err(config)?;
        Ok(Self::new(credential, pending, "refreshToken"))
    }

    /// App+User sign-in by device code, then by the refresh token it obtains.
    #[napi(factory)]
    pub fn device_code(
        tenant_id: String,
        client_id: String,
        client_secret: Option<String>,
        #[napi(ts_arg_type = "(info: DeviceCodeInfo) => Promise<boolean>")] prompt_fn: Option<
            JsFn<DeviceCodeInfo, Promise<bool>>,
        >,
        #[napi(ts_arg_type = "(refreshToken: string) => Promise<boolean>")] on_refresh_fn: Option<
            JsFn<String, Promise<bool>>,
        >,
        authority_host: Option<String>,
    ) -> napi::Result<Self> {
        let pending = on_refresh_fn.as_ref().map(|_| Arc::<Pending>::default());
        let callback = on_refresh_fn
            .zip(pending.clone())
            .map(|(f, pending)| on_refresh(f, pending));
        let credential = DeviceCodeCredential::new(
            tenant_id,
            client_id,
            client_secret.map(Secret::new),
            prompt_fn.map(prompt),
            callback,
            options(authority_host),
        )
        .map_err(config)?;
        Ok(Self::new(credential, pending, "deviceCode"))
    }

    /// Any `TokenCredential`, through `fetch(scope)` (never rejects), behind the token cache.
    #[napi(factory)]
    pub fn token_credential(
        #[napi(ts_arg_type = "(scope: string) => Promise<JsTokenResult>")] fetch: FetchFn,
    ) -> Self {
        Self::new(
            Cached::with_source(JsTokenCredential { fetch }, RefreshPolicy::default()),
            None,
            "tokenCredential",
        )
    }

    /// A `() => Promise<string>`, through `fetch(scope)` (never rejects), asked every attempt.
    #[napi(factory)]
    pub fn token_function(
        #[napi(ts_arg_type = "(scope: string) => Promise<JsTokenResult>")] fetch: FetchFn,
    ) -> Self {
        Self::new(JsTokenFunction { fetch }, None, "tokenFunction")
    }

    /// Which kind of sign-in this is (`clientSecret`, `certificate`, `refreshToken`,
    /// `deviceCode`, `tokenCredential`, `tokenFunction`).
    #[napi(getter)]
    pub fn kind(&self) -> String {
        self.kind.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(token: &str, expires: f64, refresh: Option<f64>) -> JsTokenResult {
        JsTokenResult {
            ok: true,
            token: Some(token.into()),
            expires_on_timestamp: Some(expires),
            refresh_after_timestamp: refresh,
            ..empty_result()
        }
    }

    #[test]
    fn millis_to_time() {
        assert_eq!(from_millis(0.0), Some(SystemTime::UNIX_EPOCH));
        assert_eq!(
            from_millis(1500.0),
            Some(SystemTime::UNIX_EPOCH + Duration::from_millis(1500))
        );
        for bad in [-1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(from_millis(bad), None);
        }
    }

    #[test]
    fn token_results() {
        let t = access_token(ok("abc", 2_000_000.0, Some(1_000_000.0))).unwrap();
        assert_eq!(t.token.expose(), "abc");
        assert_eq!(
            t.expires_on,
            SystemTime::UNIX_EPOCH + Duration::from_secs(2000)
        );
        assert_eq!(
            t.refresh_on,
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1000))
        );
        for bad in [ok("", 1.0, None), ok("abc", f64::NAN, None)] {
            let err = access_token(bad).unwrap_err();
            assert_eq!(err.kind().as_str(), "authentication", "{err}");
        }
        let refused = access_token(JsTokenResult {
            error: Some("invalid_grant".into()),
            error_description: Some("AADSTS700082: expired".into()),
            error_codes: Some(vec![700082]),
            trace_id: Some("t".into()),
            status: Some(400),
            ..empty_result()
        })
        .unwrap_err();
        assert_eq!(refused.kind().as_str(), "reauthentication_required");
        let PcError::Auth(a) = refused else {
            panic!("not an auth error")
        };
        assert_eq!((a.status, a.error_codes.as_slice()), (400, &[700082][..]));
        let unnamed = access_token(empty_result()).unwrap_err();
        assert!(
            unnamed.to_string().contains("credential_error"),
            "{unnamed}"
        );
    }

    #[tokio::test]
    async fn a_call_waits_for_its_own_callbacks_only() {
        let p = Arc::new(Pending::default());
        p.settled(p.mark()).await;
        let before = p.start(); // a callback from before the call
        let from = p.mark();
        let first = p.start();
        let second = p.start();
        let waiter = tokio::spawn({
            let p = Arc::clone(&p);
            async move { p.settled(from).await }
        });
        tokio::time::sleep(Duration::from_millis(10)).await; // the call ends (settled runs)
        let later = p.start(); // after the call's end: not its business
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiter.is_finished());
        p.finish(first);
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiter.is_finished(), "one of its callbacks still runs");
        p.finish(second);
        tokio::time::timeout(Duration::from_secs(1), waiter)
            .await
            .expect("settled although older and newer callbacks still run")
            .unwrap();
        p.finish(before);
        p.finish(later);
        assert!(p.running().is_empty());
    }
}
