//! The OAuth2 token endpoint of a Microsoft Entra-style sign-in service: where it is, how to post a
//! grant to it, and how to read its answers (Entra's v1 endpoint sends numbers as strings).

use std::fmt;
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};

use super::{AccessToken, CredentialOptions};
use crate::auth::TokenRequest;
use crate::error::{AuthError, Error};
use crate::retry::{RetryPolicy, parse_retry_after};
use crate::secret::Secret;
use crate::transport::ensure_crypto_provider;

/// One attempt at the token endpoint may take this long.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

/// The token endpoint of one tenant, at the credential's authority host or the client's.
#[derive(Clone)]
pub struct TokenEndpoint {
    tenant: String,
    authority_host: Option<String>,
    http: Option<reqwest::Client>,
    retry: RetryPolicy,
}

impl fmt::Debug for TokenEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenEndpoint")
            .field("tenant", &self.tenant)
            .field("authority_host", &self.authority_host)
            .finish_non_exhaustive()
    }
}

/// A successful answer: the token, and the rotated refresh token when there is one.
pub struct Granted {
    pub access: AccessToken,
    pub refresh_token: Option<Secret>,
}

impl TokenEndpoint {
    pub fn new(tenant: impl Into<String>, options: &CredentialOptions) -> Result<Self, Error> {
        let tenant = tenant.into();
        // The tenant becomes a path segment: a GUID or a domain name, nothing that could change the URL.
        if tenant.is_empty()
            || tenant.starts_with('.')
            || !tenant
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
        {
            return Err(Error::Config(format!(
                "tenant_id {tenant:?} must be a tenant GUID or domain name"
            )));
        }
        if let Some(host) = &options.authority_host {
            authority(host)?;
        }
        Ok(Self {
            tenant,
            authority_host: options.authority_host.clone(),
            http: options.http.clone(),
            retry: RetryPolicy::default(),
        })
    }

    pub fn tenant(&self) -> &str {
        &self.tenant
    }

    /// `{authority}/{tenant}/oauth2/v2.0/{what}`.
    pub fn url(&self, request: &TokenRequest, what: &str) -> Result<String, Error> {
        let host = match &self.authority_host {
            Some(h) => h.as_str(),
            None if !request.authority_host.is_empty() => request.authority_host.as_str(),
            None => {
                return Err(Error::Config(
                    "no authority host: give the credential an authority_host".into(),
                ));
            }
        };
        Ok(format!(
            "{}/{}/oauth2/v2.0/{what}",
            authority(host)?,
            self.tenant
        ))
    }

    fn http(&self, request: &TokenRequest) -> Result<reqwest::Client, Error> {
        if let Some(c) = self.http.as_ref().or(request.http.as_ref()) {
            return Ok(c.clone());
        }
        ensure_crypto_provider();
        reqwest::Client::builder()
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))
    }

    /// Posts a grant; a refusal becomes [`Error::Auth`]. Transient failures (connection errors,
    /// 429, 5xx, `temporarily_unavailable`) are retried with backoff.
    pub async fn grant(
        &self,
        request: &TokenRequest,
        form: &[(&str, &str)],
    ) -> Result<Granted, Error> {
        let (status, body) = self.post(request, "token", form).await?;
        if !(200..300).contains(&status) {
            return Err(AuthError::from_body(status, &body).into());
        }
        parse_grant(&body)
    }

    /// Posts a form to `{authority}/{tenant}/oauth2/v2.0/{what}` and returns the final status and
    /// body, retrying transient failures.
    pub async fn post(
        &self,
        request: &TokenRequest,
        what: &str,
        form: &[(&str, &str)],
    ) -> Result<(u16, bytes::Bytes), Error> {
        let url = self.url(request, what)?;
        let http = self.http(request)?;
        let body = form_urlencoded(form);
        let attempts = self.retry.attempts();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let sent = http
                .post(&url)
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .header(reqwest::header::ACCEPT, "application/json")
                .timeout(ATTEMPT_TIMEOUT)
                .body(body.clone())
                .send()
                .await;
            let (retry_after, failure) = match sent {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let retry_after = resp
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| parse_retry_after(v, SystemTime::now()));
                    let bytes = resp.bytes().await;
                    match bytes {
                        Ok(b) => {
                            let transient = status == 429
                                || status >= 500
                                || AuthError::from_body(status, &b).error
                                    == "temporarily_unavailable";
                            if !transient || attempt >= attempts {
                                return Ok((status, b));
                            }
                            (retry_after, None)
                        }
                        Err(e) => (None, Some(e)),
                    }
                }
                Err(e) => (None, Some(e)),
            };
            if attempt >= attempts {
                let e = failure.map(|e| e.to_string()).unwrap_or_default();
                return Err(Error::Transport {
                    message: format!("cannot reach the token endpoint {url}: {e}"),
                    request_id: None,
                });
            }
            tokio::time::sleep(self.retry.delay(attempt, retry_after)).await;
        }
    }
}

/// The authority host without a trailing slash; https only, except a loopback address (a local
/// emulator), since the request carries a client secret or a refresh token.
fn authority(host: &str) -> Result<&str, Error> {
    let host = host.trim().trim_end_matches('/');
    let url = url::Url::parse(host)
        .map_err(|e| Error::Config(format!("invalid authority host {host:?}: {e}")))?;
    let loopback = matches!(
        url.host(),
        Some(url::Host::Ipv4(ip)) if ip.is_loopback()
    ) || matches!(url.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback())
        || url.host_str() == Some("localhost");
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => {
            return Err(Error::Config(format!(
                "authority host {host:?} must be https (http only on a loopback address)"
            )));
        }
    }
    if url.query().is_some() || url.fragment().is_some() || url.path() != "/" {
        return Err(Error::Config(format!(
            "authority host {host:?} must be a scheme and host only, e.g. https://login.microsoftonline.com"
        )));
    }
    Ok(host)
}

fn form_urlencoded(form: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form.iter().copied())
        .finish()
}

/// A number the endpoint may send as a JSON number or, on Entra's v1 endpoint, as a string.
fn seconds(map: &Map<String, Value>, key: &str) -> Option<u64> {
    match map.get(key)? {
        Value::Number(n) => n.as_u64().or_else(|| n.as_f64().map(|f| f.max(0.0) as u64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Reads a successful token answer.
pub fn parse_grant(body: &[u8]) -> Result<Granted, Error> {
    let bad = |what: &str| Error::Decode {
        status: 200,
        message: format!("the token endpoint's answer {what}"),
        // Never an excerpt: the body holds tokens.
        body_excerpt: String::new(),
        request_id: None,
    };
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
        return Err(bad("is not a JSON object"));
    };
    let token = match map.get("access_token") {
        Some(Value::String(t)) if !t.is_empty() => Secret::new(t.clone()),
        _ => return Err(bad("has no access_token")),
    };
    let now = SystemTime::now();
    // expires_on (absolute) is what the v1 endpoint and some proxies send; it wins when present.
    let expires_on = match (seconds(&map, "expires_on"), seconds(&map, "expires_in")) {
        (Some(on), _) => SystemTime::UNIX_EPOCH + Duration::from_secs(on),
        (None, Some(s)) => now + Duration::from_secs(s),
        (None, None) => return Err(bad("has neither expires_in nor expires_on")),
    };
    let refresh_on = seconds(&map, "refresh_in").map(|s| now + Duration::from_secs(s));
    let refresh_token = match map.get("refresh_token") {
        Some(Value::String(t)) if !t.is_empty() => Some(Secret::new(t.clone())),
        _ => None,
    };
    Ok(Granted {
        access: AccessToken {
            token,
            expires_on,
            refresh_on,
        },
        refresh_token,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_may_be_strings() {
        let v2 = br#"{"token_type":"Bearer","expires_in":3599,"access_token":"a"}"#;
        let g = parse_grant(v2).unwrap();
        let left = g
            .access
            .expires_on
            .duration_since(SystemTime::now())
            .unwrap();
        assert!(left > Duration::from_secs(3590) && left <= Duration::from_secs(3599));
        let v1 = br#"{"expires_in":"3600","expires_on":"4102444800","access_token":"a","refresh_token":"r","refresh_in":"1800"}"#;
        let g = parse_grant(v1).unwrap();
        assert_eq!(
            g.access.expires_on,
            SystemTime::UNIX_EPOCH + Duration::from_secs(4_102_444_800)
        );
        assert!(g.access.refresh_on.is_some());
        assert_eq!(g.refresh_token.unwrap().expose(), "r");
    }

    #[test]
    fn malformed_answers_name_what_is_missing_and_show_no_token() {
        for (body, says) in [
            (&b"[]"[..], "not a JSON object"),
            (br#"{"expires_in":1}"#, "no access_token"),
            (br#"{"access_token":"secret-tok"}"#, "neither expires_in"),
        ] {
            let e = parse_grant(body).err().unwrap().to_string();
            assert!(e.contains(says), "{e}");
            assert!(!e.contains("secret-tok"), "{e}");
        }
    }

    #[test]
    fn authority_must_be_https_unless_loopback() {
        assert!(authority("https://login.microsoftonline.com/").is_ok());
        assert!(authority("http://127.0.0.1:8080").is_ok());
        assert!(authority("http://localhost:1").is_ok());
        for bad in [
            "http://login.microsoftonline.com",
            "ftp://x",
            "https://login.test/tenant",
            "nonsense",
        ] {
            assert!(matches!(authority(bad), Err(Error::Config(_))), "{bad}");
        }
    }

    #[test]
    fn tenant_must_be_one_segment() {
        let o = CredentialOptions::default();
        assert!(TokenEndpoint::new("contoso.onmicrosoft.com", &o).is_ok());
        assert!(TokenEndpoint::new("1a7d4d0c-3a8f-4c5e-9b37-0a6a8b1d2e11", &o).is_ok());
        for bad in ["", "a/b", "a?b", "../x", ".."] {
            assert!(TokenEndpoint::new(bad, &o).is_err(), "{bad}");
        }
    }
}
