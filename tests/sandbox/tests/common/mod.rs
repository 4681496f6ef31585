//! Shared helpers: start an emulator in-process and talk to it over real HTTP.
#![allow(dead_code)]

pub mod signin;

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

    /// The status of an authorised GET of `path`.
    pub async fn get_status(&self, path: &str) -> u16 {
        self.get(path).send().await.unwrap().status().as_u16()
    }

    pub async fn create(&self, body: &Value) -> Response {
        self.req(Method::POST, "/v1/customers")
            .json(body)
            .send()
            .await
            .expect("create request")
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
        let mut r = self
            .client
            .request(method, format!("{}{}", self.base, path));
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
