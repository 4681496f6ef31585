//! Rust load generator (the flags and the JSON line are the contract in bench/README.md).
//!
//! Clients:
//! - `ours`: the generated `partner_center::Client`, default options (validation, retries, request
//!   ids), as a partner would use it.
//! - `reqwest`: the same requests written by hand on one shared `reqwest::Client`, with the status
//!   checked and the body decoded by serde_json into the same `partner_center::models::Customer`. The
//!   gap between `ours` and `reqwest` is our client's machinery.
//! - `ceiling`: the same requests in a tight raw loop, the body read and dropped without decoding:
//!   roughly what the emulator can serve to this process.
//!
//! N tasks share one client on a multi-thread tokio runtime. Calls completing during the warm-up are
//! not counted; calls completing during the measured window are counted as requests or errors.

use std::error::Error as StdError;
use std::fmt;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use partner_center::models::{Customer, NewCustomer};
use sdk_runtime::reqwest;
use sdk_runtime::reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use uuid::Uuid;

/// The create body, shared with the soak's Rust runner (tests/reliability/rust).
#[path = "../../../tests/tools/create_body.rs"]
mod create_body;

type BoxError = Box<dyn StdError + Send + Sync>;

const USAGE: &str = "usage: load --base-url URL --token T --client ours|credential|signed-token|reqwest|ceiling --op get|create \
[--customer-id UUID] [--concurrency N] [--seconds S] [--warmup-seconds W]";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Get,
    Create,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Get => "get",
            Op::Create => "create",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Ours,
    /// Ours signed in with a client-secret credential (its token cache on every call) instead
    /// of a static token.
    Credential,
    /// Ours with a static token that the emulator issued (a JWT it verifies on every call, as it
    /// does the credential's): the baseline the credential is measured against.
    SignedToken,
    Reqwest,
    Ceiling,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Ours => "ours",
            Kind::Credential => "credential",
            Kind::SignedToken => "signed-token",
            Kind::Reqwest => "reqwest",
            Kind::Ceiling => "ceiling",
        }
    }
}

struct Args {
    base_url: String,
    token: String,
    client: Kind,
    op: Op,
    customer_id: Option<Uuid>,
    concurrency: usize,
    seconds: f64,
    warmup_seconds: f64,
}

#[derive(Debug)]
struct UsageError(String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\n{USAGE}", self.0)
    }
}

impl StdError for UsageError {}

/// `--name value` or `--name=value`; seven flags do not justify an argument-parsing dependency.
fn parse_args(raw: impl IntoIterator<Item = String>) -> Result<Args, UsageError> {
    let mut base_url = None;
    let mut token = None;
    let mut client = None;
    let mut op = None;
    let mut customer_id = None;
    let mut concurrency = 1usize;
    let mut seconds = 2.0f64;
    let mut warmup_seconds = 0.5f64;

    let mut raw = raw.into_iter();
    while let Some(arg) = raw.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
            None => (arg, None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| raw.next())
                .ok_or_else(|| UsageError(format!("{name} needs a value")))
        };
        let bad = |what: &str, v: &str| UsageError(format!("{what}: bad value {v:?}"));
        match name.as_str() {
            "--base-url" => base_url = Some(value()?.trim_end_matches('/').to_owned()),
            "--token" => token = Some(value()?),
            "--client" => {
                let v = value()?;
                client = Some(match v.as_str() {
                    "ours" => Kind::Ours,
                    "credential" => Kind::Credential,
                    "signed-token" => Kind::SignedToken,
                    "reqwest" => Kind::Reqwest,
                    "ceiling" => Kind::Ceiling,
                    _ => return Err(bad("--client", &v)),
                });
            }
            "--op" => {
                op = Some(match value()?.as_str() {
                    "get" => Op::Get,
                    "create" => Op::Create,
                    other => return Err(bad("--op", other)),
                })
            }
            "--customer-id" => {
                let v = value()?;
                customer_id = Some(Uuid::parse_str(&v).map_err(|_| bad("--customer-id", &v))?);
            }
            "--concurrency" => {
                let v = value()?;
                concurrency = v
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| bad("--concurrency", &v))?;
            }
            "--seconds" | "--warmup-seconds" => {
                let v = value()?;
                let secs: f64 = v
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s >= 0.0)
                    .ok_or_else(|| bad(&name, &v))?;
                if name == "--seconds" {
                    seconds = secs;
                } else {
                    warmup_seconds = secs;
                }
            }
            "-h" | "--help" => return Err(UsageError(String::new())),
            other => return Err(UsageError(format!("unknown argument {other:?}"))),
        }
    }

    let op = required(op, "--op")?;
    if op == Op::Get && customer_id.is_none() {
        return Err(UsageError("--op get needs --customer-id".into()));
    }
    if seconds <= 0.0 {
        return Err(UsageError("--seconds must be positive".into()));
    }
    Ok(Args {
        base_url: required(base_url, "--base-url")?,
        token: required(token, "--token")?,
        client: required(client, "--client")?,
        op,
        customer_id,
        concurrency,
        seconds,
        warmup_seconds,
    })
}

fn required<T>(value: Option<T>, flag: &str) -> Result<T, UsageError> {
    value.ok_or_else(|| UsageError(format!("{flag} is required")))
}

/// The create body every client sends (the same in every language); only the domain varies.
fn new_customer(domain: String) -> NewCustomer {
    create_body::new_customer(domain, "Contoso Bench")
}

/// The headers every call carries: bearer token, JSON accepted, one correlation id per client.
fn default_headers(token: &str) -> Result<HeaderMap, BoxError> {
    let mut auth = HeaderValue::try_from(format!("Bearer {token}"))?;
    auth.set_sensitive(true);
    let mut headers = HeaderMap::new();
    headers.insert(AUTHORIZATION, auth);
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    headers.insert(
        "MS-CorrelationId",
        HeaderValue::try_from(Uuid::new_v4().to_string())?,
    );
    Ok(headers)
}

fn http_client(token: &str, timeout: Option<Duration>) -> Result<reqwest::Client, BoxError> {
    // The workspace builds reqwest with rustls but no crypto provider, and building a client without
    // one panics (even for plain http); this installs the same provider ours uses.
    sdk_runtime::ensure_crypto_provider();
    let mut builder = reqwest::Client::builder().default_headers(default_headers(token)?);
    if let Some(timeout) = timeout {
        builder = builder.timeout(timeout);
    }
    Ok(builder.build()?)
}

/// A Partner Center client as a careful developer writes it without an SDK.
struct HandWritten {
    http: reqwest::Client,
    base_url: String,
}

impl HandWritten {
    async fn get_customer(&self, id: Uuid) -> Result<Customer, BoxError> {
        let res = self
            .http
            .get(format!("{}/v1/customers/{id}", self.base_url))
            .header("MS-RequestId", Uuid::new_v4().to_string())
            .send()
            .await?;
        Self::decode(res).await
    }

    async fn create_customer(&self, body: &NewCustomer) -> Result<Customer, BoxError> {
        let res = self
            .http
            .post(format!("{}/v1/customers", self.base_url))
            .header("MS-RequestId", Uuid::new_v4().to_string())
            .json(body)
            .send()
            .await?;
        Self::decode(res).await
    }

    async fn decode(res: reqwest::Response) -> Result<Customer, BoxError> {
        let status = res.status();
        let body = res.bytes().await?;
        if !status.is_success() {
            let text = String::from_utf8_lossy(&body[..body.len().min(500)]).into_owned();
            return Err(format!("HTTP {status}: {text}").into());
        }
        Ok(serde_json::from_slice(&body)?)
    }
}

/// The emulator's ceiling: the same bytes on the wire, nothing done with the answer but a status
/// check. Everything that can be is prepared once.
struct Ceiling {
    http: reqwest::Client,
    get_url: String,
    create_url: String,
    /// The serialized create body split around its domain, so a call only concatenates.
    body_head: String,
    body_tail: String,
}

impl Ceiling {
    /// A create with `Some(domain)`, a get with `None`.
    async fn call(&self, create_domain: Option<String>) -> Result<(), BoxError> {
        let request_id = Uuid::new_v4().to_string();
        let request = match create_domain {
            Some(domain) => self
                .http
                .post(&self.create_url)
                .header(CONTENT_TYPE, "application/json")
                .body([self.body_head.as_str(), &domain, &self.body_tail].concat()),
            None => self.http.get(&self.get_url),
        };
        let res = request.header("MS-RequestId", request_id).send().await?;
        let status = res.status();
        let body = res.bytes().await?;
        if !status.is_success() {
            return Err(format!("HTTP {status}: {}", String::from_utf8_lossy(&body)).into());
        }
        Ok(())
    }
}

enum Caller {
    Ours(partner_center::Client),
    Reqwest(HandWritten),
    Ceiling(Ceiling),
}

// The phases of a run, as seen by the tasks after each call.
const WARMUP: u8 = 0;
const MEASURE: u8 = 1;
const DONE: u8 = 2;

/// The hand-written peer's per-request timeout.
const PEER_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the end of a run waits for the calls in flight: a hung call must not hang the benchmark.
const DRAIN_GRACE: Duration = Duration::from_secs(10);

struct Bench {
    caller: Caller,
    client: Kind,
    op: Op,
    customer_id: Uuid,
    pid: u32,
    next_domain: AtomicU64,
    phase: AtomicU8,
    reported_error: AtomicBool,
    /// Calls completed in the measured window. Shared rather than per task so that a task stuck in
    /// a hung call does not take its count with it.
    requests: AtomicU64,
    errors: AtomicU64,
}

impl Bench {
    fn next_domain(&self) -> String {
        let n = self.next_domain.fetch_add(1, Ordering::Relaxed);
        format!(
            "bench-{}-{}-{n}.onmicrosoft.com",
            self.client.name(),
            self.pid
        )
    }

    /// One call; the decoded customer goes through `black_box` so no work can be skipped.
    async fn call(&self) -> Result<(), BoxError> {
        match (&self.caller, self.op) {
            (Caller::Ours(client), Op::Get) => {
                std::hint::black_box(client.customers().get(self.customer_id).send().await?);
            }
            (Caller::Ours(client), Op::Create) => {
                let body = new_customer(self.next_domain());
                std::hint::black_box(client.customers().create(&body).send().await?);
            }
            (Caller::Reqwest(client), Op::Get) => {
                std::hint::black_box(client.get_customer(self.customer_id).await?);
            }
            (Caller::Reqwest(client), Op::Create) => {
                let body = new_customer(self.next_domain());
                std::hint::black_box(client.create_customer(&body).await?);
            }
            (Caller::Ceiling(ceiling), op) => {
                let domain = (op == Op::Create).then(|| self.next_domain());
                ceiling.call(domain).await?;
            }
        }
        Ok(())
    }

    /// Calls back to back until the run is over.
    async fn worker(self: Arc<Self>) {
        loop {
            let outcome = self.call().await;
            let phase = self.phase.load(Ordering::Relaxed);
            if let Err(e) = &outcome {
                if !self.reported_error.swap(true, Ordering::Relaxed) {
                    let (client, op) = (self.client.name(), self.op.name());
                    eprintln!("first error ({client} {op}): {e}");
                }
                // A call can fail without awaiting anything (a validation error, a refused
                // connection): yield so failing tasks cannot starve the timer that ends the run.
                tokio::task::yield_now().await;
            }
            match phase {
                WARMUP => {}
                MEASURE if outcome.is_ok() => _ = self.requests.fetch_add(1, Ordering::Relaxed),
                MEASURE => _ = self.errors.fetch_add(1, Ordering::Relaxed),
                _ => return,
            }
        }
    }
}

fn build_caller(args: &Args, signed_token: Option<String>) -> Result<Caller, BoxError> {
    Ok(match args.client {
        Kind::Ours | Kind::SignedToken => Caller::Ours(
            partner_center::Client::builder()
                .base_url(&args.base_url)
                .token(signed_token.as_deref().unwrap_or(&args.token))
                .build()?,
        ),
        Kind::Credential => Caller::Ours(
            partner_center::Client::builder()
                .base_url(&args.base_url)
                .credential(partner_center::ClientSecretCredential::new(
                    "bench.onmicrosoft.com",
                    BENCH_APP,
                    BENCH_SECRET,
                    partner_center::CredentialOptions::default()
                        .with_authority_host(args.base_url.clone()),
                )?)
                .build()?,
        ),
        Kind::Reqwest => Caller::Reqwest(HandWritten {
            // reqwest has no default timeout; a careful developer sets one (ours has 60 s per
            // attempt, the Python peers 30 s).
            http: http_client(&args.token, Some(PEER_TIMEOUT))?,
            base_url: args.base_url.clone(),
        }),
        Kind::Ceiling => {
            const MARK: &str = "bench-domain-placeholder";
            let template = serde_json::to_string(&new_customer(MARK.into()))?;
            let (head, tail) = template.split_once(MARK).ok_or("no domain in the body")?;
            Caller::Ceiling(Ceiling {
                // No timeout: the ceiling does nothing it does not have to.
                http: http_client(&args.token, None)?,
                get_url: format!(
                    "{}/v1/customers/{}",
                    args.base_url,
                    args.customer_id.unwrap_or_default()
                ),
                create_url: format!("{}/v1/customers", args.base_url),
                body_head: head.to_owned(),
                body_tail: tail.to_owned(),
            })
        }
    })
}

/// The one JSON line on stdout, its members in the order of the contract.
#[derive(serde::Serialize)]
struct Report {
    client: &'static str,
    op: &'static str,
    concurrency: usize,
    requests: u64,
    errors: u64,
    seconds: f64,
}

/// The app the credential signs in as, registered with the emulator before the run.
const BENCH_APP: &str = "bench-load-app";
const BENCH_SECRET: &str = "bench-load-secret";

/// One access token from the emulator's token endpoint, as the credential gets.
async fn signed_token(base_url: &str) -> Result<String, BoxError> {
    let answer: serde_json::Value = sdk_runtime::reqwest::Client::new()
        .post(format!(
            "{base_url}/bench.onmicrosoft.com/oauth2/v2.0/token"
        ))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "grant_type=client_credentials&client_id={BENCH_APP}&client_secret={BENCH_SECRET}\
             &scope=https%3A%2F%2Fapi.partnercenter.microsoft.com%2F.default"
        ))
        .send()
        .await?
        .json()
        .await?;
    match answer["access_token"].as_str() {
        Some(token) => Ok(token.to_owned()),
        None => Err(format!("the token endpoint answered {answer}").into()),
    }
}

async fn register_bench_app(base_url: &str) -> Result<(), BoxError> {
    sdk_runtime::ensure_crypto_provider();
    let status = sdk_runtime::reqwest::Client::new()
        .post(format!("{base_url}/_sandbox/auth/apps"))
        .json(&serde_json::json!({"clientId": BENCH_APP, "clientSecret": BENCH_SECRET}))
        .send()
        .await?
        .status();
    if !status.is_success() {
        return Err(format!("registering the bench app answered {status}").into());
    }
    Ok(())
}

async fn run(args: Args) -> Result<Report, BoxError> {
    let mut signed = None;
    if matches!(args.client, Kind::Credential | Kind::SignedToken) {
        register_bench_app(&args.base_url).await?;
        if args.client == Kind::SignedToken {
            signed = Some(signed_token(&args.base_url).await?);
        }
    }
    let bench = Arc::new(Bench {
        caller: build_caller(&args, signed)?,
        client: args.client,
        op: args.op,
        customer_id: args.customer_id.unwrap_or_default(),
        pid: std::process::id(),
        next_domain: AtomicU64::new(0),
        phase: AtomicU8::new(WARMUP),
        reported_error: AtomicBool::new(false),
        requests: AtomicU64::new(0),
        errors: AtomicU64::new(0),
    });
    let workers: Vec<_> = (0..args.concurrency)
        .map(|_| tokio::spawn(Arc::clone(&bench).worker()))
        .collect();

    tokio::time::sleep(Duration::from_secs_f64(args.warmup_seconds)).await;
    bench.phase.store(MEASURE, Ordering::Relaxed);
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs_f64(args.seconds)).await;
    bench.phase.store(DONE, Ordering::Relaxed);
    // The window is what actually elapsed: under load the timer can fire a little late.
    let seconds = started.elapsed().as_secs_f64();

    // Each worker finishes its call in flight (not counted) and returns. One stuck in a hung call is
    // left behind, to be dropped with the runtime, rather than hanging the benchmark; the hung call
    // counts as an error so that the measurement is rejected rather than quietly low.
    let deadline = tokio::time::Instant::now() + DRAIN_GRACE;
    let mut stuck = 0u64;
    for worker in workers {
        match tokio::time::timeout_at(deadline, worker).await {
            Ok(joined) => joined?,
            Err(_) => stuck += 1,
        }
    }
    if stuck > 0 {
        eprintln!("{stuck} calls still in flight {DRAIN_GRACE:?} after the end: counted as errors");
    }
    Ok(Report {
        client: args.client.name(),
        op: args.op.name(),
        concurrency: args.concurrency,
        requests: bench.requests.load(Ordering::Relaxed),
        errors: bench.errors.load(Ordering::Relaxed) + stuck,
        seconds: (seconds * 1000.0).round() / 1000.0,
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(report) => {
            println!(
                "{}",
                serde_json::to_string(&report).expect("a report serializes")
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("load: {e}");
            ExitCode::FAILURE
        }
    }
}
