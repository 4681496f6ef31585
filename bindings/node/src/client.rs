//! `NativeClient`: a `partner_center::Client` (the generated client crate this addon is built
//! with) and one generic `call` (docs/contract.md §5).
//!
//! A call ends early, its Rust future dropped (the request's connection closed, nothing retried),
//! when its [`NativeAbort`] is aborted (`lib/runtime.js` aborts it from the call's `AbortSignal`)
//! or when the JS environment that made it goes away (a `worker_threads` worker terminated
//! mid-call): [`crate::abort`].

use napi::bindgen_prelude::*;
use napi_derive::napi;
use sdk_runtime::{Error as PcError, FieldError, RequestOptions, ValidationError};

use bridge::{Call, Outcome};

use std::sync::Arc;

use crate::abort::{NativeAbort, Stopped, env_closing, until_stopped};
use crate::completions;
use crate::credentials::{NativeCredential, Pending};
use crate::errors::{aborted_error, js_error};
use crate::logs::{JsLog, LogFn, level};
use crate::options::{NativeOptions, build_client, millis};

/// What a successful call resolves to.
#[napi(object)]
pub struct NativeOutcome {
    pub status: u32,
    /// Lower-case names, in the order received.
    pub headers: Vec<(String, String)>,
    pub request_id: String,
    /// The decoded answer as JSON text (`null` for none).
    pub body: String,
}

impl From<Outcome> for NativeOutcome {
    fn from(o: Outcome) -> Self {
        Self {
            status: u32::from(o.status),
            headers: o.headers,
            request_id: o.request_id,
            body: String::from_utf8_lossy(&o.body).into_owned(),
        }
    }
}

/// One configured Rust client (one connection pool). The token or credential is held by the Rust
/// client only and never readable from JavaScript.
#[napi]
pub struct NativeClient {
    client: partner_center::Client,
    /// The credential's JS callbacks (`onRefresh`) a call waits for before it resolves.
    callbacks: Option<Arc<Pending>>,
}

fn config_error(e: PcError) -> Error {
    Error::new(Status::InvalidArg, format!("config: {e}"))
}

fn invalid(path: &str, message: impl Into<String>) -> PcError {
    PcError::Validation(ValidationError {
        errors: vec![FieldError {
            path: path.to_string(),
            message: message.into(),
        }],
    })
}

/// The [`Call`] for `NativeClient.call`'s arguments; checked before any request.
pub fn node_call(
    operation: &str,
    params: &str,
    body: Option<String>,
    request_id: Option<String>,
    timeout_ms: Option<f64>,
    headers: Option<Vec<(String, String)>>,
    continuation_token: Option<String>,
) -> std::result::Result<Call, PcError> {
    if !partner_center::OPERATIONS.contains(&operation) {
        return Err(invalid(
            "operation",
            format!("unknown operation {operation:?}"),
        ));
    }
    let timeout = timeout_ms
        .map(|ms| {
            millis(ms)
                .ok_or_else(|| invalid("timeout", "must be a positive number of milliseconds"))
        })
        .transpose()?;
    let mut call = bridge::build_call(
        params.as_bytes(),
        body.as_deref().map(str::as_bytes),
        request_id,
        None,
        headers,
        continuation_token,
    )?;
    call.options = RequestOptions {
        timeout,
        ..call.options
    };
    Ok(call)
}

#[napi]
impl NativeClient {
    /// Throws an `Error` whose message starts with `config:` on bad options (unknown cloud, ...).
    #[napi(constructor)]
    pub fn new(options: NativeOptions) -> Result<Self> {
        build_client(options, None)
            .map(|client| Self {
                client,
                callbacks: None,
            })
            .map_err(config_error)
    }

    /// A client that signs in with `credential` (shared, with its token cache, by every client
    /// given it). `options.token` must be absent.
    #[napi(factory)]
    pub fn with_credential(options: NativeOptions, credential: &NativeCredential) -> Result<Self> {
        build_client(options, Some(credential.provider()))
            .map(|client| Self {
                client,
                callbacks: credential.pending(),
            })
            .map_err(config_error)
    }

    /// The correlation id sent with every call of this client.
    #[napi(getter)]
    pub fn correlation_id(&self) -> String {
        self.client.correlation_id().to_string()
    }

    /// The base URL calls go to.
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.client.transport().base_url().to_string()
    }

    /// Hands this client's call events at `level` (`"debug"`, `"info"` or `"warn"`) and above to
    /// `log`, one per attempt (see `NativeLogEvent`); once per client, before its first call.
    /// Throws `config: …` on an unknown level or a second log.
    #[napi]
    pub fn set_log(
        &self,
        level_name: String,
        #[napi(ts_arg_type = "(event: NativeLogEvent) => void")] log: LogFn,
    ) -> Result<()> {
        let min = level(&level_name).ok_or_else(|| {
            config_error(PcError::Config(format!(
                "unknown log level {level_name:?}: expected \"debug\", \"info\" or \"warn\""
            )))
        })?;
        self.client
            .transport()
            .set_call_log(Arc::new(JsLog { min, log }))
            .map_err(config_error)
    }

    /// Runs one operation on the shared tokio runtime; never blocks the event loop.
    /// `params`: JSON object text (wire names). Rejects with an `Error` carrying `kind`, `status`,
    /// `partnerCenterCode`, `description`, `data`, `source`, `requestId`, `correlationId`,
    /// `retryAfter` (seconds), `errors` and `body`. With `abort`, `abort.abort()` (or the end of
    /// this JS environment) drops the call at once: it rejects with `kind: "aborted"`.
    #[napi(ts_return_type = "Promise<NativeOutcome>")]
    #[allow(clippy::too_many_arguments)]
    pub fn call<'env>(
        &self,
        env: &'env Env,
        operation: String,
        params: String,
        body: Option<String>,
        request_id: Option<String>,
        timeout_ms: Option<f64>,
        headers: Option<Vec<(String, String)>>,
        continuation_token: Option<String>,
        abort: Option<&NativeAbort>,
    ) -> Result<PromiseRaw<'env, NativeOutcome>> {
        let aborted = abort.map(NativeAbort::receiver).transpose()?;
        let closing = env_closing(env)?;
        let client = self.client.clone();
        let callbacks = self.callbacks.clone();
        let mark = callbacks.as_ref().map(|c| c.mark());
        let call = node_call(
            &operation,
            &params,
            body,
            request_id,
            timeout_ms,
            headers,
            continuation_token,
        );
        let correlation = self.client.correlation_id().to_string();
        let work = async move {
            let result = match call {
                Ok(call) => partner_center::dispatch(&client, &operation, call)
                    .await
                    .map_err(|e| (e, Some(client.correlation_id().to_string()))),
                Err(e) => Err((e, None)),
            };
            // A refresh during this call told `onRefresh`; resolve once it has run.
            if let (Some(callbacks), Some(mark)) = (callbacks, mark) {
                callbacks.settled(mark).await;
            }
            result
        };
        let (promise, pending) = completions::start(env)?;
        napi::bindgen_prelude::spawn(async move {
            let finished = until_stopped(work, aborted, closing).await;
            pending.finish(Box::new(move |env| match finished {
                // SAFETY: called on the JS thread of `env`, by `completions`.
                Ok(Ok(outcome)) => unsafe {
                    NativeOutcome::to_napi_value(env.raw(), NativeOutcome::from(outcome))
                },
                Ok(Err((e, correlation))) => Err(js_error(env, &e, correlation.as_deref())),
                Err(Stopped::Aborted | Stopped::EnvClosing) => {
                    Err(aborted_error(env, Some(&correlation)))
                }
            }));
        });
        Ok(promise)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn calls_are_checked_before_any_request() {
        let call = node_call(
            "getCustomer",
            r#"{"customer_tenant_id":"x"}"#,
            None,
            Some("r".into()),
            Some(1500.0),
            Some(vec![("X-A".into(), "b".into())]),
            None,
        )
        .unwrap();
        assert_eq!(call.options.timeout, Some(Duration::from_millis(1500)));
        assert_eq!(call.options.request_id.as_deref(), Some("r"));
        assert_eq!(call.options.headers.len(), 1);
        for (op, params, timeout) in [
            ("nope", "{}", None),
            ("getCustomer", "[1]", None),
            ("getCustomer", "{", None),
            ("getCustomer", "{}", Some(0.0)),
            ("getCustomer", "{}", Some(f64::NAN)),
        ] {
            let err = node_call(op, params, None, None, timeout, None, None).unwrap_err();
            assert!(matches!(err, PcError::Validation(_)), "{op} {params}");
        }
    }

    #[test]
    fn outcome_body_is_text() {
        let o = NativeOutcome::from(Outcome {
            status: 204,
            headers: vec![("a".into(), "b".into())],
            request_id: "r".into(),
            body: b"null".to_vec(),
        });
        assert_eq!((o.status, o.body.as_str()), (204, "null"));
    }
}
