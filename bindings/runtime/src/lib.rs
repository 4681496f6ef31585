//! Spec-agnostic HTTP runtime for generated API clients.
//!
//! Generated code describes each operation as a [`Request`] and hands it to a [`Transport`], which
//! owns everything that is the same for every API: URL joining, default and per-call headers, bearer
//! auth through a [`TokenProvider`], a request id reused across retries (so a replayed call can be
//! idempotent server-side), per-attempt timeouts, retries with jittered backoff and Retry-After, and
//! tolerant parsing of error bodies into [`Error`]. Models check themselves with [`Validate`] before
//! being sent, and list operations become streams with [`paginate`]. Each attempt of a call is told
//! to the client's [`CallLog`] (`tracing` by default), without a secret or a query string.
//!
//! Nothing here knows the API it serves: header names, URLs and rules all arrive through
//! [`TransportConfig`] and [`Request`], so one runtime serves every generated client.

pub mod auth;
pub mod body;
mod body_limit;
pub mod call_log;
pub mod credentials;
pub mod dates;
pub mod error;
pub mod pacing;
pub mod paging;
pub mod request;
pub mod response;
pub mod retry;
pub mod secret;
pub mod styles;
pub mod support;
pub mod transport;
pub mod validate;

pub use auth::{BoxFuture, StaticToken, TokenProvider, TokenRequest};
pub use body::{FilePart, FormBody, MultipartBody};
pub use body_limit::DEFAULT_MAX_RESPONSE_BYTES;
pub use call_log::{CallEvent, CallLog, LogLevel, Next, TracingLog};
pub use credentials::{
    AccessToken, CertificateCredential, ClientCertificate, ClientSecretCredential,
    CredentialOptions, DeviceCodeCredential, DeviceCodePrompt, RefreshPolicy,
    RefreshTokenCredential, TokenSource,
};
pub use error::{ApiError, AuthError, Error, ErrorKind, FieldError, ValidationError};
pub use pacing::RateLimit;
pub use paging::{Page, paginate};
pub use response::{ByteStream, RawResponse, Response};
pub use retry::{RetryPolicy, is_retryable_status, parse_retry_after};
pub use secret::Secret;
pub use styles::Style;
pub use support::{json_text, quote_etag};
pub use transport::{
    Request, RequestOptions, Transport, TransportConfig, encode_path_segment,
    ensure_crypto_provider, root_certificate,
};
pub use validate::{Validate, Validator};

// Re-exported so generated code uses exactly the versions this runtime was built with.
pub use bytes;
pub use futures;
pub use reqwest;
pub use serde_json;
pub use time;
pub use uuid;
