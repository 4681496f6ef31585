//! The layer every request passes through: correlation headers, auth, throttling, fault
//! injection, connection dropping and the access log. `/_sandbox/*` (the admin API) skips
//! auth, throttling and faults so a test can always reset or reconfigure the emulator; so
//! do the emulated sign-in endpoints (`auth::is_auth_path`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use uuid::Uuid;

use crate::auth;
use crate::errors::ApiError;
use crate::faults::{self, Decision};
use crate::state::App;

pub const MS_REQUEST_ID: HeaderName = HeaderName::from_static("ms-requestid");
pub const MS_CORRELATION_ID: HeaderName = HeaderName::from_static("ms-correlationid");
pub const MS_CV: HeaderName = HeaderName::from_static("ms-cv");
pub const X_LOCALE: HeaderName = HeaderName::from_static("x-locale");

/// Set by the create handler on a response whose customer was committed, so the
/// drop-after-create fault knows which responses it may swallow.
#[derive(Clone, Copy)]
pub struct Committed;

pub async fn handle(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let headers = req.headers();
    let request_id = id_header(headers, &MS_REQUEST_ID);
    let correlation_id = id_header(headers, &MS_CORRELATION_ID);
    // "If a ms-cv is not provided, the server will generate a new one" (reference §2.1).
    let cv = headers.get(&MS_CV).cloned().unwrap_or_else(|| {
        header_value(format!("{}.0", &Uuid::new_v4().simple().to_string()[..16]))
    });
    let locale = headers.get(&X_LOCALE).cloned();
    let method = req.method().clone();
    let path = req.uri().path().to_string();

    let admin = path == "/_sandbox" || path.starts_with("/_sandbox/");
    // The emulated Entra endpoints answer like Entra: no Partner Center auth, throttling,
    // faults or MS-* headers (they set their own client-request-id / x-ms-request-id).
    let sign_in = !admin && auth::is_auth_path(&path);
    let (mut resp, dropped) = if admin || sign_in {
        (next.run(req).await, false)
    } else {
        let handling = app.in_flight.handling();
        let answer = guarded(&app, req, next, &method, &path).await;
        handling.answered();
        answer
    };

    if !sign_in {
        let h = resp.headers_mut();
        h.insert(MS_REQUEST_ID, request_id.clone());
        h.insert(MS_CORRELATION_ID, correlation_id);
        h.insert(MS_CV, cv);
        if let Some(locale) = locale {
            h.insert(X_LOCALE, locale);
        }
    }

    if let Some(logger) = &app.logger {
        let status = if dropped {
            "dropped".to_string()
        } else {
            resp.status().as_u16().to_string()
        };
        // Never the Authorization header or the query (a filter may hold customer data).
        logger.log(format!(
            "{method} {path} {status} rid={} {:.2}ms",
            request_id.to_str().unwrap_or("-"),
            start.elapsed().as_secs_f64() * 1000.0
        ));
    }
    resp
}

async fn guarded(
    app: &App,
    req: Request,
    next: Next,
    method: &axum::http::Method,
    path: &str,
) -> (Response, bool) {
    // Dropped when this returns, or, for a streamed answer fault, when its body is done.
    let serving = app.in_flight.enter();
    match authorize(app, req.headers(), method, path) {
        Ok(token) => {
            if let Err(e) = check_ids(req.headers()) {
                return (e.into_response(), false);
            }
            if let Err(secs) = app.throttle.check(token) {
                return (ApiError::throttled(secs).into_response(), false);
            }
        }
        Err(e) => return (e.into_response(), false),
    }
    let (latency, decision) = app.faults.decide(method, path);
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    match decision {
        Decision::Respond(e) => (e.into_response(), false),
        Decision::Answer(answer) => {
            // Read (and discard) the request body first, like a server that answers. A body
            // left unread that has not fully arrived makes hyper stop reading the connection,
            // and then it would not see the client go away while a stalled answer waits.
            let mut body = req.into_body().into_data_stream();
            while let Some(Ok(_)) = body.next().await {}
            (faults::answer::respond(answer, serving), false)
        }
        Decision::DropAfterCommit => {
            let _ = next.run(req).await;
            (dropped_response(), true)
        }
        Decision::Pass => {
            let resp = next.run(req).await;
            if resp.extensions().get::<Committed>().is_some() && app.faults.drop_create() {
                (dropped_response(), true)
            } else {
                (resp, false)
            }
        }
    }
}

/// `Authorization: Bearer <token>`, then `--token`, then the sign-in checks
/// (`auth::enforce`: expiry, audience, MFA, App+User-only operations); returns the token.
fn authorize<'h>(
    app: &App,
    headers: &'h HeaderMap,
    method: &axum::http::Method,
    path: &str,
) -> Result<&'h str, ApiError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(ApiError::token_missing)?;
    let (scheme, token) = value
        .trim()
        .split_once(' ')
        .ok_or_else(ApiError::token_missing)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() || token.contains(' ') {
        return Err(ApiError::token_missing());
    }
    if let Some(expected) = &app.config.token
        && expected != token
    {
        return Err(ApiError::access_denied());
    }
    auth::enforce::check(app, token, method, path)?;
    Ok(token)
}

/// `MS-RequestId` and `MS-CorrelationId` are documented as GUIDs (reference §2.1) and the
/// spec types them `format: uuid`; a value that is present but not a GUID is refused so a
/// client that sends a malformed id finds out here rather than in production.
fn check_ids(headers: &HeaderMap) -> Result<(), ApiError> {
    for name in [&MS_REQUEST_ID, &MS_CORRELATION_ID] {
        if let Some(v) = headers.get(name)
            && !v.to_str().is_ok_and(|s| Uuid::try_parse(s.trim()).is_ok())
        {
            return Err(ApiError::bad_input(format!("{name} must be a GUID")));
        }
    }
    Ok(())
}

fn id_header(headers: &HeaderMap, name: &HeaderName) -> HeaderValue {
    headers
        .get(name)
        .filter(|v| !v.is_empty())
        .cloned()
        .unwrap_or_else(|| header_value(Uuid::new_v4().to_string()))
}

fn header_value(s: String) -> HeaderValue {
    HeaderValue::try_from(s).unwrap_or_else(|_| HeaderValue::from_static("-"))
}

/// A response whose body fails before its first byte. hyper then aborts the connection
/// without flushing the buffered status line and headers, so the client sees a
/// connection error and no response at all, exactly like a network failure after the
/// server committed the work.
fn dropped_response() -> Response {
    let stream = futures::stream::once(async {
        Err::<bytes::Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "sandbox fault injection: connection dropped after commit",
        ))
    });
    let mut resp = Response::new(Body::from_stream(stream));
    *resp.status_mut() = StatusCode::OK;
    resp
}
