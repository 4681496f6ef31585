//! Sends requests: URL joining, headers, auth, per-attempt timeout and the retry loop.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, Once, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, RETRY_AFTER,
    USER_AGENT,
};
use tracing::Instrument;
use url::Url;

use crate::auth::{TokenProvider, TokenRequest};
use crate::body_limit::{DEFAULT_MAX_RESPONSE_BYTES, ReadError, read_capped, too_large};
use crate::call_log::{CallEvent, CallLog, Next, TracingLog};
use crate::error::{ApiError, Error, ErrorKind};
use crate::pacing::RateLimit;
use crate::response::ByteStream;
use crate::retry::{RetryPolicy, parse_retry_after};
use crate::secret::Secret;

pub use crate::request::{Request, RequestOptions};
pub use crate::response::RawResponse;

/// Default per-attempt timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// User-Agent sent when the config gives none.
pub const DEFAULT_USER_AGENT: &str = concat!("sdk-runtime/", env!("CARGO_PKG_VERSION"));

/// Everything spec-specific a [`Transport`] needs, supplied by generated code.
#[derive(Clone, Default)]
pub struct TransportConfig {
    pub base_url: String,
    pub token: Option<Arc<dyn TokenProvider>>,
    /// What the token provider is asked for (scopes, the cloud's sign-in service).
    pub token_request: TokenRequest,
    /// Caller-supplied client (shares its pool, proxy and TLS settings); otherwise one is built.
    pub http: Option<reqwest::Client>,
    /// Per attempt; default 60 s.
    pub timeout: Option<Duration>,
    pub retry: RetryPolicy,
    /// Sent on every call, e.g. a locale or application name. Per-call headers with the same name win.
    pub default_headers: Vec<(String, String)>,
    /// Header carrying the per-call request id (reused across retries), e.g. "MS-RequestId".
    pub request_id_header: Option<String>,
    /// Header carrying the per-transport correlation id, e.g. "MS-CorrelationId".
    pub correlation_id_header: Option<String>,
    /// Default: a new UUID v4 per Transport.
    pub correlation_id: Option<String>,
    pub user_agent: Option<String>,
    /// PEM certificates trusted on top of the system's roots (a local emulator, a corporate TLS
    /// inspection proxy). Ignored when `http` is given: configure that client instead.
    pub extra_root_certificates: Vec<String>,
    /// Paces every attempt of every call (shared with whoever holds a clone); none by default.
    pub rate_limit: Option<RateLimit>,
    /// Answers larger than this are refused (a Decode error) without being read whole; default 32 MiB.
    pub max_response_bytes: Option<usize>,
}

impl TransportConfig {
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            ..Self::default()
        }
    }
}

impl fmt::Debug for TransportConfig {
    // Hand-written so the token can never show; header values are left out too, as a caller may
    // have put a credential among them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self
            .default_headers
            .iter()
            .map(|(k, _)| k.as_str())
            .collect();
        f.debug_struct("TransportConfig")
            .field("base_url", &self.base_url)
            .field("token", &self.token.as_ref().map(|_| Redacted))
            .field("token_request", &self.token_request)
            .field("http", &self.http.as_ref().map(|_| "reqwest::Client"))
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("default_headers", &header_names)
            .field("request_id_header", &self.request_id_header)
            .field("correlation_id_header", &self.correlation_id_header)
            .field("correlation_id", &self.correlation_id)
            .field("user_agent", &self.user_agent)
            .field(
                "extra_root_certificates",
                &self.extra_root_certificates.len(),
            )
            .field("rate_limit", &self.rate_limit)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Installs rustls' ring provider as the process default (once; harmless if one is already
/// installed). reqwest is built without a provider, and building a client without one panics, so
/// call this before building your own `reqwest::Client` to pass as [`TransportConfig::http`].
pub fn ensure_crypto_provider() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// Sends [`Request`]s. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
}

struct Inner {
    base_url: String,
    /// The base URL as parsed (perhaps with a trailing slash): a request's path is set on a copy
    /// of it, without parsing the scheme and host again.
    base: Url,
    base_origin: url::Origin,
    token: Option<Arc<dyn TokenProvider>>,
    /// With `http` set to this transport's client.
    token_request: TokenRequest,
    http: reqwest::Client,
    timeout: Duration,
    retry: RetryPolicy,
    /// Accept, User-Agent (custom clients only), correlation id and defaults, parsed once.
    headers: HeaderMap,
    request_id_header: Option<HeaderName>,
    correlation_id_header: Option<HeaderName>,
    correlation_id: String,
    rate_limit: Option<RateLimit>,
    max_response_bytes: usize,
    /// Where call events go; unset: `tracing`. Set once, after the transport is built (generated
    /// builders build it themselves), and read with one load per event.
    call_log: OnceLock<Arc<dyn CallLog>>,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &*self.inner;
        let header_names: Vec<&str> = i.headers.keys().map(HeaderName::as_str).collect();
        f.debug_struct("Transport")
            .field("base_url", &i.base_url)
            .field("token", &i.token.as_ref().map(|_| Redacted))
            .field("timeout", &i.timeout)
            .field("retry", &i.retry)
            .field("headers", &header_names)
            .field("request_id_header", &i.request_id_header)
            .field("correlation_id_header", &i.correlation_id_header)
            .field("correlation_id", &i.correlation_id)
            .field("rate_limit", &i.rate_limit)
            .field("max_response_bytes", &i.max_response_bytes)
            .field(
                "call_log",
                &i.call_log.get().map_or("tracing", |_| "custom"),
            )
            .finish()
    }
}

fn header_name(name: &str) -> Result<HeaderName, Error> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::Config(format!("invalid header name {name:?}")))
}

fn header_value(name: &str, value: &str) -> Result<HeaderValue, Error> {
    // The value itself is not echoed: it may be a credential.
    HeaderValue::from_str(value)
        .map_err(|_| Error::Config(format!("invalid value for header {name:?}")))
}

fn is_absolute(path: &str) -> bool {
    let starts = |p: &str| {
        path.get(..p.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(p))
    };
    starts("http://") || starts("https://")
}

impl Transport {
    pub fn new(config: TransportConfig) -> Result<Self, Error> {
        let parsed = Url::parse(config.base_url.trim())
            .map_err(|e| Error::Config(format!("invalid base URL {:?}: {e}", config.base_url)))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.cannot_be_a_base() {
            return Err(Error::Config(format!(
                "base URL {:?} must be an http or https URL",
                config.base_url
            )));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(Error::Config(format!(
                "base URL {:?} must not have a query or fragment",
                config.base_url
            )));
        }
        let base_url = parsed.as_str().trim_end_matches('/').to_owned();
        let max_response_bytes = match config.max_response_bytes {
            Some(0) => {
                return Err(Error::Config(
                    "the maximum response size must be a positive number of bytes".into(),
                ));
            }
            Some(n) => n,
            None => DEFAULT_MAX_RESPONSE_BYTES,
        };

        let correlation_id = config
            .correlation_id
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let request_id_header = config
            .request_id_header
            .as_deref()
            .map(header_name)
            .transpose()?;
        let correlation_id_header = config
            .correlation_id_header
            .as_deref()
            .map(header_name)
            .transpose()?;

        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(name) = &correlation_id_header {
            headers.insert(name.clone(), header_value(name.as_str(), &correlation_id)?);
        }
        for (name, value) in &config.default_headers {
            headers.insert(header_name(name)?, header_value(name, value)?);
        }

        let user_agent = config.user_agent.as_deref().unwrap_or(DEFAULT_USER_AGENT);
        let http = match config.http {
            Some(client) => {
                // A caller's client has its own defaults; send ours per request instead.
                if config.user_agent.is_some() && !headers.contains_key(USER_AGENT) {
                    headers.insert(USER_AGENT, header_value("User-Agent", user_agent)?);
                }
                client
            }
            None => {
                ensure_crypto_provider();
                let mut builder =
                    reqwest::Client::builder().user_agent(header_value("User-Agent", user_agent)?);
                for pem in &config.extra_root_certificates {
                    builder = builder.add_root_certificate(root_certificate(pem)?);
                }
                builder
                    .build()
                    .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?
            }
        };
        let token_request = TokenRequest {
            http: Some(http.clone()),
            ..config.token_request
        };

        Ok(Self {
            inner: Arc::new(Inner {
                base_origin: parsed.origin(),
                base: parsed,
                base_url,
                token: config.token,
                token_request,
                http,
                timeout: config.timeout.unwrap_or(DEFAULT_TIMEOUT),
                retry: config.retry,
                headers,
                request_id_header,
                correlation_id_header,
                correlation_id,
                rate_limit: config.rate_limit,
                max_response_bytes,
                call_log: OnceLock::new(),
            }),
        })
    }

    /// The base URL without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    pub fn correlation_id(&self) -> &str {
        &self.inner.correlation_id
    }

    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// Sends the events of this transport's calls (one per attempt, see [`crate::call_log`]) to
    /// `log` instead of `tracing`. Once per transport, and for its clones too (they share it):
    /// a second sink is a config error. Set it before the first call to see every event.
    pub fn set_call_log(&self, log: Arc<dyn CallLog>) -> Result<(), Error> {
        self.inner
            .call_log
            .set(log)
            .map_err(|_| Error::Config("this client already has a call log".into()))
    }

    /// The sink of this transport's call events.
    fn call_log(&self) -> &dyn CallLog {
        match self.inner.call_log.get() {
            Some(log) => &**log,
            None => &TracingLog,
        }
    }

    /// The reqwest client in use (shared with every clone of this transport).
    pub fn http_client(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// The URL a request path resolves to: `/…` is appended to the base URL's path, an absolute
    /// http(s) URL is used as-is, anything else is taken relative to the base URL.
    pub fn resolve_url(
        &self,
        path: &str,
        query: &[(Cow<'static, str>, String)],
    ) -> Result<Url, Error> {
        let mut url = if path.starts_with('/') && !path.contains(['?', '#']) {
            refuse_dot_segments(path)?;
            // Every generated operation's path: set on the parsed base, whose scheme and host
            // (and its IDNA processing) are not parsed again on every call.
            let base = &self.inner.base;
            let mut url = base.clone();
            url.set_path(&format!("{}{path}", base.path().trim_end_matches('/')));
            url
        } else {
            let joined;
            let full = if is_absolute(path) {
                path
            } else {
                let sep = if path.starts_with('/') { "" } else { "/" };
                joined = format!("{}{sep}{path}", self.inner.base_url);
                &joined
            };
            Url::parse(full)
                .map_err(|e| Error::Config(format!("invalid request URL {full:?}: {e}")))?
        };
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (k.as_ref(), v.as_str())));
        }
        Ok(url)
    }

    /// Sends one logical call, retrying per the retry policy. Statuses outside 2xx and
    /// `accept_statuses` become [`Error::Api`].
    pub async fn execute(
        &self,
        request: Request,
        options: &RequestOptions,
    ) -> Result<RawResponse, Error> {
        let answer = self.execute_inner(request, options, false).await?;
        let body = match answer.body {
            AnswerBody::Read(body) => body,
            // Not asked for; read it all the same.
            AnswerBody::Open(mut response) => {
                self.read_body(
                    &mut response,
                    answer.status,
                    &answer.request_id,
                    Instant::now(),
                )
                .await?
            }
        };
        Ok(RawResponse {
            status: answer.status,
            headers: answer.headers,
            body,
            request_id: answer.request_id,
            correlation_id: answer.correlation_id,
            attempts: answer.attempts,
        })
    }

    /// Like [`execute`](Self::execute), but a success answer's body is handed over as it
    /// arrives instead of read whole: for large downloads. Retries and the per-attempt timeout
    /// cover the call up to the answer's headers; reading the body is the caller's.
    pub async fn execute_stream(
        &self,
        request: Request,
        options: &RequestOptions,
    ) -> Result<ByteStream, Error> {
        let answer = self.execute_inner(request, options, true).await?;
        let request_id = answer.request_id.clone();
        let chunks: futures::stream::BoxStream<'static, Result<Bytes, Error>> = match answer.body {
            AnswerBody::Read(body) => Box::pin(futures::stream::iter(
                (!body.is_empty()).then_some(Ok(body)),
            )),
            AnswerBody::Open(response) => {
                let started = Instant::now();
                Box::pin(futures::stream::try_unfold(
                    response,
                    move |mut response| {
                        let request_id = request_id.clone();
                        async move {
                            match response.chunk().await {
                                Ok(Some(chunk)) => Ok(Some((chunk, response))),
                                Ok(None) => Ok(None),
                                Err(e) => Err(transport_error(e, &request_id, started.elapsed())),
                            }
                        }
                    },
                ))
            }
        };
        Ok(ByteStream {
            status: answer.status,
            headers: answer.headers,
            request_id: answer.request_id,
            correlation_id: answer.correlation_id,
            attempts: answer.attempts,
            chunks,
        })
    }

    async fn execute_inner(
        &self,
        request: Request,
        options: &RequestOptions,
        stream: bool,
    ) -> Result<Answer, Error> {
        let request_id = match &options.request_id {
            Some(id) => id.clone(),
            None => uuid::Uuid::new_v4().to_string(),
        };
        let span = tracing::info_span!(
            "http_call",
            operation = request.operation,
            request_id = request_id.as_str()
        );
        self.run(request, options, request_id, stream)
            .instrument(span)
            .await
    }

    async fn run(
        &self,
        request: Request,
        options: &RequestOptions,
        request_id: String,
        stream: bool,
    ) -> Result<Answer, Error> {
        let inner = &*self.inner;
        let url = self.resolve_url(&request.path, &request.query)?;
        let request = match &options.raw_body {
            Some(raw) => Request {
                body: Some(raw.clone()),
                ..request
            },
            None => request,
        };

        let mut headers = inner.headers.clone();
        if request.body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        for (name, value) in request.headers.iter().chain(&options.headers) {
            headers.insert(header_name(name)?, header_value(name, value)?);
        }
        // Set last: the id is what makes a replayed call idempotent, so nothing may override it
        // except options.request_id.
        if let Some(name) = &inner.request_id_header {
            headers.insert(name.clone(), header_value(name.as_str(), &request_id)?);
        }
        let sent_correlation_id = inner.correlation_id_header.as_ref().map(|name| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or(&inner.correlation_id)
                .to_owned()
        });
        // An explicit per-call Authorization replaces the provider. The token never goes to another
        // origin than the base URL's: server-given absolute links must not be able to harvest it.
        let provider = match &inner.token {
            Some(p)
                if !headers.contains_key(AUTHORIZATION) && url.origin() == inner.base_origin =>
            {
                Some(p)
            }
            _ => None,
        };

        let policy = options.retry.as_ref().unwrap_or(&inner.retry);
        let max_attempts = policy.attempts();
        let timeout = options.timeout.unwrap_or(inner.timeout);
        // One event per attempt, built only when its level is wanted. The URL's path only: a
        // query string can hold a customer's data (a filter) or a server's paging token.
        let log = self.call_log();
        let (method, path) = (request.method.as_str(), url.path());
        let note =
            |attempt: u32, status: Option<u16>, error: Option<ErrorKind>, duration, next: Next| {
                if log.enabled(next.level()) {
                    log.log(&CallEvent {
                        operation: request.operation,
                        method,
                        path,
                        attempt,
                        max_attempts,
                        request_id: &request_id,
                        status,
                        error,
                        duration,
                        next,
                    });
                }
            };
        let mut attempt = 0u32;
        // A 401 is answered once by a fresh token and an immediate retry that is not counted
        // against the retry policy: an expired or revoked token is the client's business, not
        // the service's failure.
        let mut reauthorized = false;
        loop {
            attempt += 1;
            // Outside the per-attempt timeout: waiting for our turn is not the server being slow.
            if let Some(limit) = &inner.rate_limit {
                limit.acquire().await;
            }
            let started = Instant::now();
            let outcome = tokio::time::timeout(
                timeout,
                self.attempt(&request, &url, &headers, provider, &request_id, stream),
            )
            .await;
            let elapsed = started.elapsed();

            let error = match outcome {
                Err(_elapsed) => Error::Timeout {
                    after: timeout,
                    request_id: Some(request_id.clone()),
                },
                Ok(Err(e)) => e,
                Ok(Ok((status, resp_headers, answer, used_token))) => {
                    let echoed = |name: &Option<HeaderName>| {
                        name.as_ref()
                            .and_then(|n| resp_headers.get(n))
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_owned)
                    };
                    let resp_request_id = echoed(&inner.request_id_header);
                    let resp_correlation_id = echoed(&inner.correlation_id_header)
                        .or_else(|| sent_correlation_id.clone());
                    if (200..300).contains(&status) || request.accept_statuses.contains(&status) {
                        note(attempt, Some(status), None, elapsed, Next::Answer);
                        return Ok(Answer {
                            status,
                            headers: resp_headers,
                            body: answer,
                            request_id: resp_request_id.unwrap_or_else(|| request_id.clone()),
                            correlation_id: resp_correlation_id,
                            attempts: attempt,
                        });
                    }
                    if status == 401
                        && let (Some(p), Some(used)) = (provider, &used_token)
                    {
                        p.invalidate(used);
                        if !reauthorized && p.can_refresh() {
                            reauthorized = true;
                            let kind = Some(ErrorKind::Unauthorized);
                            note(attempt, Some(status), kind, elapsed, Next::Reauthorize);
                            attempt -= 1;
                            continue;
                        }
                    }
                    let body = match answer {
                        AnswerBody::Read(body) => body,
                        AnswerBody::Open(_) => Bytes::new(),
                    };
                    let mut api = ApiError::from_body(status, &body);
                    if status == 403 && request.requires_user {
                        api.hint = Some(
                            "this operation accepts only delegated (App+User) tokens; sign in \
                             with a refresh-token or device-code credential"
                                .into(),
                        );
                    }
                    api.request_id = resp_request_id.or_else(|| Some(request_id.clone()));
                    api.correlation_id = resp_correlation_id;
                    api.retry_after = resp_headers
                        .get(RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| parse_retry_after(v, SystemTime::now()));
                    Error::Api(Box::new(api))
                }
            };

            if attempt >= max_attempts || !error.is_retryable() {
                note(
                    attempt,
                    error.status(),
                    Some(error.kind()),
                    elapsed,
                    Next::Fail,
                );
                return Err(error);
            }
            let retry_after = error.retry_after();
            let delay = policy.delay(attempt, retry_after);
            let next = Next::Retry { delay, retry_after };
            note(attempt, error.status(), Some(error.kind()), elapsed, next);
            tokio::time::sleep(delay).await;
        }
    }

    /// One attempt: token, send, read the whole body (or, with `stream`, leave a success
    /// answer's body unread). Runs under the per-attempt timeout.
    async fn attempt(
        &self,
        request: &Request,
        url: &Url,
        headers: &HeaderMap,
        provider: Option<&Arc<dyn TokenProvider>>,
        request_id: &str,
        stream: bool,
    ) -> Result<(u16, HeaderMap, AnswerBody, Option<Secret>), Error> {
        // The request is built directly: a RequestBuilder would copy `headers` into a map of its
        // own entry by entry.
        let mut outgoing = reqwest::Request::new(request.method.clone(), url.clone());
        *outgoing.headers_mut() = headers.clone();
        let mut used_token = None;
        if let Some(provider) = provider {
            let token = provider.token(&self.inner.token_request).await?;
            let mut value =
                HeaderValue::try_from(format!("Bearer {}", token.expose())).map_err(|_| {
                    Error::Config("the token contains characters not allowed in a header".into())
                })?;
            // Keeps it out of hyper/h2 header tables and Debug output.
            value.set_sensitive(true);
            outgoing.headers_mut().insert(AUTHORIZATION, value);
            used_token = Some(token);
        }
        if let Some(body) = &request.body {
            // Bytes clones share the buffer: retries do not copy the body.
            *outgoing.body_mut() = Some(body.clone().into());
        }
        let started = Instant::now();
        let transport_error = |e: reqwest::Error| transport_error(e, request_id, started.elapsed());
        let mut response = self
            .inner
            .http
            .execute(outgoing)
            .await
            .map_err(transport_error)?;
        let status = response.status().as_u16();
        let resp_headers = std::mem::take(response.headers_mut());
        let answer = (200..300).contains(&status) || request.accept_statuses.contains(&status);
        if stream && answer {
            return Ok((status, resp_headers, AnswerBody::Open(response), used_token));
        }
        let body = self
            .read_body(&mut response, status, request_id, started)
            .await?;
        Ok((status, resp_headers, AnswerBody::Read(body), used_token))
    }

    /// Reads a whole body, refusing one over the client's size cap.
    async fn read_body(
        &self,
        response: &mut reqwest::Response,
        status: u16,
        request_id: &str,
        started: Instant,
    ) -> Result<Bytes, Error> {
        let cap = self.inner.max_response_bytes;
        read_capped(response, cap).await.map_err(|e| match e {
            ReadError::TooLarge { start } => too_large(status, cap, &start, request_id),
            ReadError::Transport(e) => transport_error(e, request_id, started.elapsed()),
        })
    }
}

/// A call's answer before its body is (necessarily) read.
struct Answer {
    status: u16,
    headers: HeaderMap,
    body: AnswerBody,
    request_id: String,
    correlation_id: Option<String>,
    attempts: u32,
}

enum AnswerBody {
    Read(Bytes),
    /// A success answer whose body the caller streams.
    Open(reqwest::Response),
}

/// A PEM certificate to trust as a root, with an error that says which input was wrong.
pub fn root_certificate(pem: &str) -> Result<reqwest::Certificate, Error> {
    if !pem.contains("-----BEGIN CERTIFICATE-----") {
        return Err(Error::Config(
            "the extra root certificate is not PEM (no BEGIN CERTIFICATE line)".into(),
        ));
    }
    reqwest::Certificate::from_pem(pem.as_bytes())
        .map_err(|e| Error::Config(format!("cannot read the extra root certificate: {e}")))
}

fn transport_error(e: reqwest::Error, request_id: &str, elapsed: Duration) -> Error {
    let request_id = Some(request_id.to_owned());
    if e.is_timeout() {
        // The caller's own client timed out before our per-attempt timer did.
        return Error::Timeout {
            after: elapsed,
            request_id,
        };
    }
    // reqwest's top-level message ("error sending request") hides the useful part in its sources.
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        let text = s.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = s.source();
    }
    Error::Transport {
        message,
        request_id,
    }
}

/// A path parameter that is `.` or `..` (percent-encoded dots included: URL parsers read `%2e`
/// as a dot) would make the URL name another resource: `/v1/domains/..` is `/v1/`. No spec's
/// path template has such a segment, so one here came from a parameter; it is refused before
/// anything is sent.
fn refuse_dot_segments(path: &str) -> Result<(), Error> {
    let dot = path.split('/').find(|segment| {
        let dots = segment.to_ascii_lowercase().replace("%2e", ".");
        dots == "." || dots == ".."
    });
    match dot {
        None => Ok(()),
        Some(segment) => Err(Error::Validation(crate::error::ValidationError {
            errors: vec![crate::error::FieldError {
                path: "path".into(),
                message: format!(
                    "`{path}`: a path parameter is {}, which would name another resource",
                    if segment.is_empty() {
                        "empty".to_string()
                    } else {
                        format!("`{segment}`")
                    }
                ),
            }],
        })),
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`), byte by
/// byte over UTF-8, so a value can be placed in one path segment.
pub fn encode_path_segment(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let unreserved = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
    let escaped = s.bytes().filter(|b| !unreserved(*b)).count();
    if escaped == 0 {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 2 * escaped);
    for b in s.bytes() {
        if unreserved(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xF)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_path_parameters_are_refused() {
        let t = transport("https://api.example.test/base/");
        for good in [
            "/v1/domains/contoso.onmicrosoft.com",
            "/v1/domains/.well",
            "/",
            "//x",
        ] {
            assert!(t.resolve_url(good, &[]).is_ok(), "{good}");
        }
        for bad in [
            "/v1/domains/..",
            "/v1/domains/.",
            "/v1/domains/%2E%2e",
            "/v1/domains/.%2E/x",
        ] {
            match t.resolve_url(bad, &[]) {
                Err(Error::Validation(v)) => assert_eq!(v.errors[0].path, "path", "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn encodes_path_segments() {
        assert_eq!(encode_path_segment("abc-XYZ_0.9~"), "abc-XYZ_0.9~");
        assert_eq!(encode_path_segment("a b/c?d#e%f"), "a%20b%2Fc%3Fd%23e%25f");
        assert_eq!(encode_path_segment("é"), "%C3%A9");
        assert_eq!(encode_path_segment("+&=:@"), "%2B%26%3D%3A%40");
        assert_eq!(encode_path_segment(""), "");
    }

    fn transport(base: &str) -> Transport {
        match Transport::new(TransportConfig::new(base)) {
            Ok(t) => t,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn a_path_set_on_the_base_reads_as_the_whole_url_parsed() {
        for base in [
            "https://api.example.test/base/",
            "http://127.0.0.1:9",
            "http://[::1]:8/a/b",
        ] {
            let t = transport(base);
            // (Dot segments are refused: `dot_path_parameters_are_refused`.)
            for path in ["/v1/a b", "/v1/ü/é", "/v1/%2F%20", "/", "//x", "/a/b/"] {
                let fast = t.resolve_url(path, &[]).map(String::from).ok();
                let whole = Url::parse(&format!("{}{path}", t.base_url()))
                    .map(String::from)
                    .ok();
                assert_eq!(fast, whole, "{base} + {path}");
            }
        }
    }

    #[test]
    fn joins_urls() {
        let t = transport("https://api.example.test/base/");
        assert_eq!(t.base_url(), "https://api.example.test/base");
        let u = t.resolve_url("/v1/items/a%20b", &[]).map(String::from);
        assert_eq!(
            u.ok().as_deref(),
            Some("https://api.example.test/base/v1/items/a%20b")
        );
        let u = t.resolve_url(
            "/v1/items",
            &[("size".into(), "10".into()), ("q".into(), "a b&c".into())],
        );
        assert_eq!(
            u.ok().map(String::from).as_deref(),
            Some("https://api.example.test/base/v1/items?size=10&q=a+b%26c")
        );
        let u = t.resolve_url("HTTPS://other.test/next?x=1", &[]);
        assert_eq!(
            u.ok().map(String::from).as_deref(),
            Some("https://other.test/next?x=1")
        );
        let u = t.resolve_url("v1/rel", &[]);
        assert_eq!(
            u.ok().map(String::from).as_deref(),
            Some("https://api.example.test/base/v1/rel")
        );
        let root = transport("http://127.0.0.1:9");
        let u = root.resolve_url("/x", &[]);
        assert_eq!(
            u.ok().map(String::from).as_deref(),
            Some("http://127.0.0.1:9/x")
        );
    }

    #[test]
    fn rejects_bad_config() {
        for base in [
            "not a url",
            "ftp://x.test",
            "http://x.test/?a=1",
            "mailto:a@b.c",
        ] {
            assert!(
                matches!(
                    Transport::new(TransportConfig::new(base)),
                    Err(Error::Config(_))
                ),
                "{base}"
            );
        }
        let bad_header = TransportConfig {
            default_headers: vec![("Bad Name".into(), "v".into())],
            ..TransportConfig::new("http://x.test")
        };
        assert!(matches!(Transport::new(bad_header), Err(Error::Config(_))));
        let bad_value = TransportConfig {
            default_headers: vec![("X-Ok".into(), "line\nbreak".into())],
            ..TransportConfig::new("http://x.test")
        };
        match Transport::new(bad_value) {
            Err(Error::Config(msg)) => assert!(msg.contains("X-Ok") && !msg.contains("line")),
            other => panic!("expected config error, got {other:?}"),
        }
        let bad_rid = TransportConfig {
            request_id_header: Some("MS RequestId".into()),
            ..TransportConfig::new("http://x.test")
        };
        assert!(matches!(Transport::new(bad_rid), Err(Error::Config(_))));
    }

    #[test]
    fn correlation_id_defaults_to_fresh_uuid() {
        let a = transport("http://x.test");
        let b = transport("http://x.test");
        assert_ne!(a.correlation_id(), b.correlation_id());
        assert!(uuid::Uuid::parse_str(a.correlation_id()).is_ok());
        assert_eq!(a.clone().correlation_id(), a.correlation_id());
    }
}
