//! Helpers for the sign-in tests: form posts to the emulated token endpoint, admin calls,
//! JWT decoding and client assertions signed with the test-only RSA key in fixtures/.

use reqwest::Method;
use ring::rand::SystemRandom;
use ring::signature::{self, RsaKeyPair};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivatePkcs8KeyDer};
use serde_json::{Value, json};

use super::Env;

pub const PC: &str = "https://api.partnercenter.microsoft.com";
pub const PC_DEFAULT: &str = "https://api.partnercenter.microsoft.com/.default";
pub const PC_USER: &str = "https://api.partnercenter.microsoft.com/user_impersonation";
pub const TENANT: &str = "8f1d0c2a-5b3e-4c6f-9a7d-2e4b6c8d0f1a";
pub const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub raw: String,
    pub headers: reqwest::header::HeaderMap,
}

impl Env {
    /// POSTs a form to `path` (e.g. `/{tenant}/oauth2/v2.0/token`).
    pub async fn form(&self, path: &str, fields: &[(&str, &str)]) -> Answer {
        self.form_with(path, fields, |r| r).await
    }

    pub async fn form_with(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        f: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
    ) -> Answer {
        let r = self
            .client
            .post(format!("{}{}", self.base, path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(fields));
        let resp = f(r).send().await.expect("token request");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let raw = resp.text().await.unwrap();
        let body = serde_json::from_str(&raw).unwrap_or(Value::Null);
        Answer {
            status,
            body,
            raw,
            headers,
        }
    }

    pub async fn v2_token(&self, fields: &[(&str, &str)]) -> Answer {
        self.form(&format!("/{TENANT}/oauth2/v2.0/token"), fields)
            .await
    }

    pub async fn v1_token(&self, fields: &[(&str, &str)]) -> Answer {
        self.form(&format!("/{TENANT}/oauth2/token"), fields).await
    }

    /// Registers an app; panics unless 201.
    pub async fn register_app(&self, body: Value) -> Value {
        let r = self
            .admin(Method::POST, "/_sandbox/auth/apps", Some(body))
            .await;
        let status = r.status().as_u16();
        let v: Value = r.json().await.unwrap();
        assert_eq!(status, 201, "{v}");
        v
    }

    pub async fn refresh_token_for(&self, client_id: &str, upn: &str, mfa: bool) -> String {
        self.refresh_token_with(
            json!({"clientId": client_id, "userPrincipalName": upn, "mfa": mfa}),
        )
        .await
    }

    pub async fn refresh_token_with(&self, body: Value) -> String {
        let r = self
            .admin(Method::POST, "/_sandbox/auth/refresh-tokens", Some(body))
            .await;
        let status = r.status().as_u16();
        let v: Value = r.json().await.unwrap();
        assert_eq!(status, 201, "{v}");
        v["refreshToken"].as_str().unwrap().to_string()
    }

    pub async fn settings(&self, body: Value) -> Value {
        let r = self
            .admin(Method::POST, "/_sandbox/auth/settings", Some(body))
            .await;
        assert_eq!(r.status().as_u16(), 200);
        r.json().await.unwrap()
    }

    /// An app-only Partner Center token from a fresh app with a secret.
    pub async fn app_only_token(&self, client_id: &str) -> String {
        self.register_app(json!({"clientId": client_id, "clientSecret": "s3cret-value"}))
            .await;
        let a = self
            .v2_token(&[
                ("grant_type", "client_credentials"),
                ("client_id", client_id),
                ("client_secret", "s3cret-value"),
                ("scope", PC_DEFAULT),
            ])
            .await;
        assert_eq!(a.status, 200, "{}", a.raw);
        a.body["access_token"].as_str().unwrap().to_string()
    }

    /// An App+User Partner Center token for a public client.
    pub async fn app_user_token(&self, client_id: &str, mfa: bool) -> String {
        self.register_app(json!({"clientId": client_id})).await;
        let rt = self
            .refresh_token_for(client_id, "admin@contoso.onmicrosoft.com", mfa)
            .await;
        let a = self
            .v2_token(&[
                ("grant_type", "refresh_token"),
                ("client_id", client_id),
                ("refresh_token", &rt),
                ("scope", &format!("{PC_USER} offline_access")),
            ])
            .await;
        assert_eq!(a.status, 200, "{}", a.raw);
        a.body["access_token"].as_str().unwrap().to_string()
    }

    /// Status and body of `GET path` with `token`.
    pub async fn pc_get(
        &self,
        path: &str,
        token: &str,
    ) -> (u16, Value, reqwest::header::HeaderMap) {
        let r = self
            .client
            .get(format!("{}{}", self.base, path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        (status, r.json().await.unwrap_or(Value::Null), headers)
    }
}

/// The payload of a JWT.
pub fn claims(jwt: &str) -> Value {
    let part = jwt.split('.').nth(1).expect("a JWT");
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .expect("base64url payload");
    serde_json::from_slice(&bytes).expect("JSON payload")
}

/// Asserts an AADSTS error: status, `error`, code, and the body's shape.
pub fn assert_aad_error(a: &Answer, status: u16, error: &str, code: u64) {
    assert_eq!(a.status, status, "{}", a.raw);
    let b = &a.body;
    assert_eq!(b["error"], error, "{}", a.raw);
    assert_eq!(b["error_codes"], json!([code]), "{}", a.raw);
    let d = b["error_description"].as_str().unwrap();
    assert!(d.starts_with(&format!("AADSTS{code}: ")), "{d}");
    assert!(
        d.contains("Trace ID: ") && d.contains("Correlation ID: ") && d.contains("Timestamp: "),
        "{d}"
    );
    let ts = b["timestamp"].as_str().unwrap();
    assert!(
        regex::Regex::new(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$")
            .unwrap()
            .is_match(ts),
        "{ts}"
    );
    assert!(uuid::Uuid::parse_str(b["trace_id"].as_str().unwrap()).is_ok());
    assert!(b["correlation_id"].as_str().is_some_and(|c| !c.is_empty()));
    assert_eq!(
        b["error_uri"],
        format!("https://login.microsoftonline.com/error?code={code}")
    );
    assert!(
        a.headers
            .get("content-type")
            .is_some_and(|v| v.to_str().unwrap().starts_with("application/json"))
    );
}

/// The test-only client certificate and its keys (tests/fixtures/test-only-*.pem).
pub struct TestCert {
    pub pem: String,
    pub der: Vec<u8>,
    pub key: RsaKeyPair,
    pub other_key: RsaKeyPair,
}

fn key(name: &str) -> RsaKeyPair {
    let pem = super::fixture(name);
    let der = PrivatePkcs8KeyDer::from_pem_slice(pem.as_bytes()).expect("PKCS#8 PEM");
    RsaKeyPair::from_pkcs8(der.secret_pkcs8_der()).expect("RSA key")
}

pub fn test_cert() -> TestCert {
    let pem = super::fixture("test-only-client-cert.pem");
    let der = CertificateDer::from_pem_slice(pem.as_bytes())
        .unwrap()
        .as_ref()
        .to_vec();
    TestCert {
        pem,
        der,
        key: key("test-only-client-key.pem"),
        other_key: key("test-only-other-key.pem"),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// PS256 + x5t#S256 (current Entra docs, MSAL).
    Ps256,
    /// RS256 + x5t (older docs, azure_identity for Rust).
    Rs256,
}

fn b64url(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

impl TestCert {
    pub fn sha1(&self) -> Vec<u8> {
        ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &self.der)
            .as_ref()
            .to_vec()
    }

    pub fn sha256(&self) -> Vec<u8> {
        ring::digest::digest(&ring::digest::SHA256, &self.der)
            .as_ref()
            .to_vec()
    }

    /// A client assertion with the given claims, signed with `key` in `style`.
    pub fn assertion_with(&self, style: Style, key: &RsaKeyPair, claims: &Value) -> String {
        let header = match style {
            Style::Ps256 => {
                json!({"alg": "PS256", "typ": "JWT", "x5t#S256": b64url(&self.sha256())})
            }
            Style::Rs256 => json!({"alg": "RS256", "typ": "JWT", "x5t": b64url(&self.sha1())}),
        };
        let input = format!(
            "{}.{}",
            b64url(header.to_string().as_bytes()),
            b64url(claims.to_string().as_bytes())
        );
        let alg: &dyn signature::RsaEncoding = match style {
            Style::Ps256 => &signature::RSA_PSS_SHA256,
            Style::Rs256 => &signature::RSA_PKCS1_SHA256,
        };
        let mut sig = vec![0u8; key.public().modulus_len()];
        key.sign(alg, &SystemRandom::new(), input.as_bytes(), &mut sig)
            .expect("RSA signing");
        format!("{input}.{}", b64url(&sig))
    }

    /// Standard claims for `client_id` at `aud`, valid for ten minutes.
    pub fn claims_for(client_id: &str, aud: &str) -> Value {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        json!({
            "aud": aud, "iss": client_id, "sub": client_id,
            "jti": uuid::Uuid::new_v4().to_string(),
            "nbf": now, "iat": now, "exp": now + 600,
        })
    }

    pub fn assertion(&self, style: Style, client_id: &str, aud: &str) -> String {
        self.assertion_with(style, &self.key, &Self::claims_for(client_id, aud))
    }
}
