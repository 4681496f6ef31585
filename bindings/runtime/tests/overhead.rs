//! Rough per-call overhead of Transport::execute against a bare reqwest loop on the same server.
//! Ignored by default (timing is not a pass/fail signal on a shared 2-core machine); run with
//! `cargo test -p sdk-runtime --release --test overhead -- --ignored --nocapture`.

mod common;

use std::sync::Arc;
use std::time::Instant;

use common::TestServer;
use sdk_runtime::reqwest::{self, Method};
use sdk_runtime::{Request, RequestOptions, StaticToken, Transport, TransportConfig};

const CALLS: u32 = 5000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "timing report, not a check"]
async fn overhead_vs_raw_reqwest() {
    let server = TestServer::start().await;
    let t = Transport::new(TransportConfig {
        token: Some(Arc::new(StaticToken::new("tok"))),
        request_id_header: Some("X-Request-Id".into()),
        correlation_id_header: Some("X-Correlation-Id".into()),
        default_headers: vec![("X-Locale".into(), "en-US".into())],
        ..TransportConfig::new(&server.base)
    })
    .expect("transport");
    sdk_runtime::ensure_crypto_provider();
    let raw = reqwest::Client::new();
    let url = format!("{}/v1/things/abc", server.base);

    for round in 0..6 {
        let start = Instant::now();
        for _ in 0..CALLS {
            let r = raw
                .get(&url)
                .header("authorization", "Bearer tok")
                .header("accept", "application/json")
                .header("x-request-id", uuid::Uuid::new_v4().to_string())
                .send()
                .await
                .expect("send");
            let _ = r.bytes().await.expect("body");
        }
        let raw_time = start.elapsed();

        let start = Instant::now();
        let opts = RequestOptions::default();
        for _ in 0..CALLS {
            let req = Request::new("getThing", Method::GET, "/v1/things/abc");
            let resp = t.execute(req, &opts).await.expect("execute");
            let _ = resp.json::<serde_json::Value>().expect("json");
        }
        let sdk_time = start.elapsed();
        println!(
            "round {round}: raw {:.1} µs/call, sdk {:.1} µs/call ({:+.1}%)",
            raw_time.as_secs_f64() * 1e6 / f64::from(CALLS),
            sdk_time.as_secs_f64() * 1e6 / f64::from(CALLS),
            (sdk_time.as_secs_f64() / raw_time.as_secs_f64() - 1.0) * 100.0
        );
    }
}

/// What the token cache adds to a call: `Cached::get` on a fresh token (two short locks, a clock
/// read, a clone of a JWT-sized token) against `StaticToken`. A report, not a check; the load
/// benchmark cannot resolve a 2% difference through the emulator's noise, this can.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "timing report, not a check"]
async fn cached_credential_cost_per_call() {
    use sdk_runtime::credentials::{AccessToken, Cached, RefreshPolicy, TokenSource};
    use sdk_runtime::{BoxFuture, Error, Secret, TokenProvider, TokenRequest};
    use std::time::{Duration, Instant, SystemTime};

    // A token the size of the emulator's JWTs (~1 KB).
    let jwt = "x".repeat(1000);
    struct Fixed(String);
    impl TokenSource for Fixed {
        fn fetch<'a>(&'a self, _: &'a TokenRequest) -> BoxFuture<'a, Result<AccessToken, Error>> {
            Box::pin(async move {
                Ok(AccessToken {
                    token: Secret::new(self.0.clone()),
                    expires_on: SystemTime::now() + Duration::from_secs(3600),
                    refresh_on: None,
                })
            })
        }
    }
    let request = TokenRequest::new(
        "https://login.microsoftonline.com",
        "https://api.partnercenter.microsoft.com/.default",
        "https://api.partnercenter.microsoft.com/user_impersonation",
    );
    let cached = Arc::new(Cached::with_source(
        Fixed(jwt.clone()),
        RefreshPolicy::default(),
    ));
    let fixed = Arc::new(StaticToken::new(jwt));
    const N: u32 = 200_000;
    async fn per_call(p: Arc<dyn TokenProvider>, request: &TokenRequest) -> Duration {
        p.token(request).await.expect("token");
        let started = Instant::now();
        for _ in 0..N {
            std::hint::black_box(p.token(request).await.expect("token"));
        }
        started.elapsed() / N
    }
    for round in 1..=3 {
        let c = per_call(cached.clone(), &request).await;
        let s = per_call(fixed.clone(), &request).await;
        println!(
            "round {round}: cached credential {c:?}/call, static token {s:?}/call, difference {:?}",
            c.saturating_sub(s)
        );
    }
}
