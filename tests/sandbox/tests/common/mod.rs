//! Shared helpers: start an emulator in-process and talk to it over real HTTP.
#![allow(dead_code)]

pub mod signin;

use std::time::{Duration, Instant};

use reqwest::{Method, RequestBuilder, Response};
use sandbox::{Config, Running};
use serde_json::{Value, json};

pub const TOKEN: &str = "test-token";

pub struct Env {
    pub server: Running,
    pub client: reqwest::Client,
    pub base: String,
}

pub fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().build().expect("reqwest client")
}

pub async fn env() -> Env {
    env_with(Config::default()).await
}

pub async fn env_with(config: Config) -> Env {
    let server = sandbox::start(Config { port: 0, ..config })
        .await
        .expect("emulator starts");
    let base = server.base_url();
    Env {
        server,
        client: client(),
        base,
    }
}

impl Env {
    pub fn req(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{}", self.base, path))
            .bearer_auth(TOKEN)
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.req(Method::GET, path)
    }

    /// A request without an Authorization header.
    pub fn no_token(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{}", self.base, path))
    }

    /// `GET path` without an Authorization header.
    pub async fn get_no_token(&self, path: &str) -> Response {
        self.no_token(Method::GET, path)
            .send()
            .await
            .expect("request")
    }

    /// An authorised `GET path` that must be throttled (429); the response.
    pub async fn get_throttled(&self, path: &str) -> Response {
        let r = self.get(path).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 429, "GET {path}");
        r
    }

    /// The status of an authorised GET of `path`.
    pub async fn get_status(&self, path: &str) -> u16 {
        self.get(path).send().await.unwrap().status().as_u16()
    }

    pub async fn create(&self, body: &Value) -> Response {
        self.try_create(body).await.expect("create request")
    }

    /// Sends a create as it is: a create dropped after commit is an `Err`.
    pub async fn try_create(&self, body: &Value) -> reqwest::Result<Response> {
        self.req(Method::POST, "/v1/customers")
            .json(body)
            .send()
            .await
    }

    /// Creates a customer and returns the 201 body.
    pub async fn create_ok(&self, body: &Value) -> Value {
        let resp = self.create(body).await;
        let status = resp.status().as_u16();
        let json: Value = resp.json().await.expect("json body");
        assert_eq!(status, 201, "create failed: {json}");
        json
    }

    pub async fn admin(&self, method: Method, path: &str, body: Option<Value>) -> Response {
        let mut r = self.no_token(method, path);
        if let Some(b) = body {
            r = r.json(&b);
        }
        r.send().await.expect("admin request")
    }

    pub async fn customer_count(&self) -> usize {
        let v: Value = self
            .get("/v1/customers")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["items"].as_array().unwrap().len()
    }
}

pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A minimal valid camelCase create body for `domain`.
pub fn customer(domain: &str, company: &str) -> Value {
    json!({
        "companyProfile": {"domain": domain},
        "billingProfile": {
            "email": "someone@example.com",
            "culture": "en-US",
            "language": "en",
            "companyName": company,
            "defaultAddress": {
                "addressLine1": "1 Microsoft Way",
                "city": "Redmond",
                "state": "WA",
                "postalCode": "98052",
                "country": "US"
            }
        }
    })
}

/// Asserts a Partner Center error: status, code, and returns the body.
pub async fn expect_error(resp: Response, status: u16, code: i64) -> Value {
    let got = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    let body: Value = resp.json().await.expect("error body is JSON");
    assert_eq!(got, status, "status; body {body}");
    assert_eq!(body["code"], json!(code), "code; body {body}");
    assert!(
        body["description"].as_str().is_some_and(|d| !d.is_empty()),
        "{body}"
    );
    assert_eq!(body["source"], "PartnerFD");
    assert!(body["data"].is_array());
    assert_eq!(ct.as_deref(), Some("application/json; charset=utf-8"));
    body
}

/// No `null` anywhere in a response (the service omits null fields).
pub fn assert_no_nulls(v: &Value, path: &str) {
    match v {
        Value::Null => panic!("null at {path}"),
        Value::Object(m) => m
            .iter()
            .for_each(|(k, v)| assert_no_nulls(v, &format!("{path}.{k}"))),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, v)| assert_no_nulls(v, &format!("{path}[{i}]"))),
        _ => {}
    }
}

pub fn is_guid(v: &Value) -> bool {
    v.as_str()
        .is_some_and(|s| s.len() == 36 && uuid::Uuid::parse_str(s).is_ok() && s == s.to_lowercase())
}

/// The Retry-After of a response, in whole seconds.
pub fn retry_after(resp: &Response) -> u64 {
    resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// Status and JSON body of a response (`Value::Null` for an empty body).
pub async fn status_json(resp: Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

impl Env {
    /// Creates a customer with `domain` and returns its id.
    pub async fn new_customer(&self, domain: &str) -> String {
        let v = self.create_ok(&customer(domain, "Onboarding Ltd")).await;
        v["id"].as_str().expect("customer id").to_string()
    }

    /// A /v1 call with the default (lenient, App+User) token.
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Response {
        self.call_as(TOKEN, method, path, body).await
    }

    /// A /v1 call with `token`.
    pub async fn call_as(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Response {
        let mut r = self
            .client
            .request(method, format!("{}{}", self.base, path))
            .bearer_auth(token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        r.send().await.expect("request")
    }

    /// Status and body of a /v1 call with the default token.
    pub async fn json(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        status_json(self.call(method, path, body).await).await
    }

    /// An admin call that must answer 200; returns the body.
    pub async fn admin_ok(&self, path: &str, body: Value) -> Value {
        let (status, v) = status_json(self.admin(Method::POST, path, Some(body)).await).await;
        assert_eq!(status, 200, "{path}: {v}");
        v
    }

    /// `GET /_sandbox/health`.
    pub async fn health(&self) -> Value {
        self.admin(Method::GET, "/_sandbox/health", None)
            .await
            .json()
            .await
            .unwrap()
    }

    /// Polls health until `ok` holds (5 s at most); returns the last health seen.
    pub async fn wait_health(&self, what: &str, ok: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let h = self.health().await;
            if ok(&h) {
                return h;
            }
            assert!(Instant::now() < deadline, "{what}: health stayed {h}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// `POST /_sandbox/faults`, which must answer 200; returns the fault state.
    pub async fn set_faults(&self, cfg: Value) -> Value {
        let r = self
            .admin(Method::POST, "/_sandbox/faults", Some(cfg))
            .await;
        assert_eq!(r.status().as_u16(), 200);
        r.json().await.unwrap()
    }

    /// `GET /_sandbox/faults`: the fault state.
    pub async fn fault_state(&self) -> Value {
        self.admin(Method::GET, "/_sandbox/faults", None)
            .await
            .json()
            .await
            .unwrap()
    }

    /// Moves the emulator's clock forward.
    pub async fn advance_days(&self, days: i64) -> Value {
        self.admin_ok("/_sandbox/clock", json!({"advanceDays": days}))
            .await
    }

    /// Asserts that an App-only token gets 403 900150 for each call, and that the default
    /// (App+User) token does not.
    pub async fn assert_app_user_only(&self, calls: &[(Method, String, Option<Value>)]) {
        let app_only = self.app_only_token("onboarding-daemon").await;
        for (method, path, body) in calls {
            let resp = self
                .call_as(&app_only, method.clone(), path, body.clone())
                .await;
            let err = expect_error(resp, 403, 900150).await;
            assert_eq!(
                err["description"], "This resource can't be accessed by application credentials.",
                "{method} {path}"
            );
            let status = self
                .call(method.clone(), path, body.clone())
                .await
                .status()
                .as_u16();
            assert_ne!(status, 403, "{method} {path} with App+User");
        }
    }

    /// Asserts that an App-only token is accepted (not 401/403) for each GET.
    pub async fn assert_app_only_allowed(&self, paths: &[String]) {
        let app_only = self.app_only_token("onboarding-reader").await;
        for path in paths {
            let status = self
                .call_as(&app_only, Method::GET, path, None)
                .await
                .status()
                .as_u16();
            assert_eq!(status, 200, "GET {path} with App-only");
        }
    }
}

/// A GUID no customer or user has.
pub const UNKNOWN_ID: &str = "9f3c5b2e-1d4a-4c6b-8e7f-0a1b2c3d4e5f";
