//! Rust runner of the soak (the flags and the JSON line are the contract in tests/reliability/README.md).
//!
//! `--creates` logical creates (`POST /v1/customers` through `partner_center::Client`), each with its
//! own domain and its own request id, `--concurrency` tokio tasks sharing one client. A create that
//! still fails after the client's own retries with a transient error (transport, timeout, 429, 5xx)
//! is replayed with the same request id (`--replay-id fresh`: a new one, to show why not), at most
//! `--max-replays` times. Every client call runs under a deadline: one that has not settled by then
//! counts as hung (and is replayed like a transient failure), so a hang shows in the numbers instead
//! of stopping the run.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use partner_center::{Client, Error, ErrorKind, RetryPolicy};
use uuid::Uuid;

/// The create body, shared with the Rust benchmark clients (bench/rust).
#[path = "../../../tools/create_body.rs"]
mod create_body;
use create_body::new_customer;

const USAGE: &str = "usage: soak --base-url URL --token T --prefix P [--creates N] [--concurrency C] \
[--timeout-seconds S] [--call-deadline-seconds D] [--max-retries R] [--max-replays M] \
[--replay-id same|fresh] [--ids-out FILE]";

#[derive(Debug)]
struct Args {
    base_url: String,
    token: String,
    prefix: String,
    creates: usize,
    concurrency: usize,
    timeout: Duration,
    call_deadline: Duration,
    max_retries: u32,
    max_replays: u32,
    fresh_replay_id: bool,
    ids_out: Option<String>,
}

#[derive(Debug)]
struct UsageError(String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\n{USAGE}", self.0)
    }
}

/// `--name value` or `--name=value`.
fn parse_args(raw: impl IntoIterator<Item = String>) -> Result<Args, UsageError> {
    let mut args = Args {
        base_url: String::new(),
        token: String::new(),
        prefix: String::new(),
        creates: 2000,
        concurrency: 32,
        timeout: Duration::from_secs(10),
        call_deadline: Duration::from_secs(60),
        max_retries: 2,
        max_replays: 20,
        fresh_replay_id: false,
        ids_out: None,
    };
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
        let bad = |v: &str| UsageError(format!("{name}: bad value {v:?}"));
        let count = |v: String| v.parse::<u64>().map_err(|_| bad(&v));
        let seconds = |v: String| {
            v.parse::<f64>()
                .ok()
                .filter(|s| s.is_finite() && *s > 0.0)
                .map(Duration::from_secs_f64)
                .ok_or_else(|| bad(&v))
        };
        match name.as_str() {
            "--base-url" => args.base_url = value()?.trim_end_matches('/').to_owned(),
            "--token" => args.token = value()?,
            "--prefix" => args.prefix = value()?,
            "--creates" => args.creates = count(value()?)? as usize,
            "--concurrency" => args.concurrency = count(value()?)? as usize,
            "--timeout-seconds" => args.timeout = seconds(value()?)?,
            "--call-deadline-seconds" => args.call_deadline = seconds(value()?)?,
            "--max-retries" => args.max_retries = count(value()?)? as u32,
            "--max-replays" => args.max_replays = count(value()?)? as u32,
            "--replay-id" => {
                let v = value()?;
                args.fresh_replay_id = match v.as_str() {
                    "same" => false,
                    "fresh" => true,
                    _ => return Err(bad(&v)),
                };
            }
            "--ids-out" => args.ids_out = Some(value()?),
            "-h" | "--help" => return Err(UsageError(String::new())),
            other => return Err(UsageError(format!("unknown argument {other:?}"))),
        }
    }
    for (flag, v) in [
        ("--base-url", &args.base_url),
        ("--token", &args.token),
        ("--prefix", &args.prefix),
    ] {
        if v.is_empty() {
            return Err(UsageError(format!("{flag} is required")));
        }
    }
    if args.concurrency == 0 {
        return Err(UsageError("--concurrency must be at least 1".into()));
    }
    Ok(args)
}

/// What a replay may fix: the failures the client itself retries.
fn transient(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::Transport | ErrorKind::Timeout | ErrorKind::Throttled | ErrorKind::Server
    )
}

#[derive(Default)]
struct Tally {
    calls: AtomicU64,
    replays: AtomicU64,
    succeeded: AtomicU64,
    failed: AtomicU64,
    hung: AtomicU64,
    max_call_micros: AtomicU64,
    /// Client calls that failed (after the client's own retries), by kind.
    errors: Mutex<BTreeMap<String, u64>>,
    /// domain -> customer id of every logical create that succeeded.
    ids: Mutex<HashMap<String, String>>,
}

impl Tally {
    fn error(&self, kind: &str, message: &dyn fmt::Display) {
        let mut errors = self.errors.lock().unwrap_or_else(|e| e.into_inner());
        let n = errors.entry(kind.to_owned()).or_insert(0);
        if *n == 0 {
            eprintln!("first {kind} error: {message}");
        }
        *n += 1;
    }
}

/// One logical create: the first call, then replays while it fails transiently.
async fn logical_create(client: &Client, args: &Args, tally: &Tally, n: usize) {
    let domain = format!("{}-{n}.onmicrosoft.com", args.prefix);
    let body = new_customer(domain.clone(), "Contoso Soak");
    let mut request_id = Uuid::new_v4().to_string();
    let mut replay = 0u32;
    loop {
        tally.calls.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let call = client
            .customers()
            .create(&body)
            .request_id(request_id.clone())
            .send();
        let outcome = tokio::time::timeout(args.call_deadline, call).await;
        let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        tally.max_call_micros.fetch_max(micros, Ordering::Relaxed);
        let retry = match outcome {
            Ok(Ok(customer)) => {
                let id = customer.id.map(|id| id.to_string()).unwrap_or_default();
                tally
                    .ids
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(domain, id);
                tally.succeeded.fetch_add(1, Ordering::Relaxed);
                return;
            }
            Ok(Err(err)) => {
                let kind = err.kind();
                tally.error(kind.as_str(), &err);
                transient(kind)
            }
            Err(_) => {
                tally.hung.fetch_add(1, Ordering::Relaxed);
                tally.error(
                    "hung",
                    &format!("{domain}: no answer within {:?}", args.call_deadline),
                );
                true
            }
        };
        if !retry || replay >= args.max_replays {
            tally.failed.fetch_add(1, Ordering::Relaxed);
            return;
        }
        replay += 1;
        tally.replays.fetch_add(1, Ordering::Relaxed);
        if args.fresh_replay_id {
            request_id = Uuid::new_v4().to_string();
        }
        // A short pause that grows with the replays, on top of the client's own backoff.
        tokio::time::sleep(Duration::from_millis(200 * u64::from(replay.min(10)))).await;
    }
}

fn build_client(args: &Args) -> Result<Client, Error> {
    Client::builder()
        .base_url(&args.base_url)
        .token(&args.token)
        .timeout(args.timeout)
        .retry(RetryPolicy::default().with_max_attempts(args.max_retries + 1))
        .build()
}

async fn run(args: Args) -> Result<serde_json::Value, Error> {
    let args = Arc::new(args);
    let client = build_client(&args)?;
    let tally = Arc::new(Tally::default());
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(args.concurrency);
    for _ in 0..args.concurrency {
        let (client, args, tally, next) =
            (client.clone(), args.clone(), tally.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= args.creates {
                    return;
                }
                logical_create(&client, &args, &tally, n).await;
            }
        }));
    }
    for task in tasks {
        if let Err(e) = task.await {
            // A panicking task loses its logical create: it shows as missing, and here.
            eprintln!("a task failed: {e}");
        }
    }
    let seconds = started.elapsed().as_secs_f64();

    let ids = std::mem::take(&mut *tally.ids.lock().unwrap_or_else(|e| e.into_inner()));
    if let Some(path) = &args.ids_out {
        let text = serde_json::to_string(&ids).unwrap_or_default();
        if let Err(e) = std::fs::write(path, text) {
            eprintln!("cannot write {path}: {e}");
        }
    }
    let errors = tally
        .errors
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    Ok(serde_json::json!({
        "language": "rust",
        "creates": args.creates,
        "concurrency": args.concurrency,
        "calls": tally.calls.load(Ordering::Relaxed),
        "replays": tally.replays.load(Ordering::Relaxed),
        "succeeded": tally.succeeded.load(Ordering::Relaxed),
        "failed": tally.failed.load(Ordering::Relaxed),
        "hung": tally.hung.load(Ordering::Relaxed),
        "errors": errors,
        "max_call_seconds": tally.max_call_micros.load(Ordering::Relaxed) as f64 / 1e6,
        "seconds": seconds,
    }))
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start tokio: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("soak: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, UsageError> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn defaults_and_flags() {
        let a = parse(&["--base-url", "http://x/", "--token=t", "--prefix", "p"]).unwrap();
        assert_eq!(a.base_url, "http://x");
        assert_eq!((a.creates, a.concurrency, a.max_replays), (2000, 32, 20));
        assert!(!a.fresh_replay_id);
        let a = parse(&[
            "--base-url=u",
            "--token=t",
            "--prefix=p",
            "--max-replays=0",
            "--replay-id=fresh",
            "--timeout-seconds=0.5",
        ])
        .unwrap();
        assert_eq!(a.max_replays, 0);
        assert!(a.fresh_replay_id);
        assert_eq!(a.timeout, Duration::from_millis(500));
        assert!(parse(&["--base-url=u", "--token=t"]).is_err());
        assert!(parse(&["--base-url=u", "--token=t", "--prefix=p", "--replay-id=x"]).is_err());
        assert!(parse(&["--base-url=u", "--token=t", "--prefix=p", "--concurrency=0"]).is_err());
    }

    #[test]
    fn only_transient_kinds_are_replayed() {
        assert!(transient(ErrorKind::Server));
        assert!(transient(ErrorKind::Throttled));
        assert!(transient(ErrorKind::Transport));
        assert!(transient(ErrorKind::Timeout));
        assert!(!transient(ErrorKind::Conflict));
        assert!(!transient(ErrorKind::Validation));
        assert!(!transient(ErrorKind::Decode));
    }
}
