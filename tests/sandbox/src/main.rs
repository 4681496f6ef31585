//! `sandbox` CLI: a thin wrapper over `sandbox::start`.

use std::io::Write;
use std::process::ExitCode;

use std::path::PathBuf;

use clap::Parser;
use sandbox::{AuthMode, Config, FaultConfig};

/// Local emulator of the Partner Center integration sandbox (customer endpoints).
///
/// Serves on 127.0.0.1 only. The first stdout line is `listening on http://127.0.0.1:PORT`
/// (`https://` with --tls). Also emulates Microsoft Entra ID's token endpoint
/// (POST /{tenant}/oauth2/v2.0/token and /{tenant}/oauth2/token).
/// Admin API (no auth): POST /_sandbox/reset, GET/POST/DELETE /_sandbox/faults,
/// GET /_sandbox/health, GET/POST /_sandbox/throttle,
/// /_sandbox/auth/{apps,refresh-tokens,device-codes/approve,settings},
/// POST /_sandbox/customers/{id}/{direct-signed,licenses,qualification},
/// POST /_sandbox/validation-codes, GET/POST /_sandbox/clock. See tests/sandbox/README.md.
#[derive(Parser, Debug)]
#[command(name = "sandbox", version)]
struct Cli {
    /// TCP port on 127.0.0.1 (0 picks a free port).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Accept only this bearer token (default: any non-empty token).
    #[arg(long)]
    token: Option<String>,
    /// Maximum number of customers (error 800018 beyond it).
    #[arg(long, default_value_t = sandbox::config::DEFAULT_QUOTA)]
    quota: usize,
    /// Known indirect reseller tenant ids, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = sandbox::config::DEFAULT_RESELLER)]
    resellers: Vec<String>,
    /// Requests per token per minute before 429 (0 = no throttling).
    #[arg(long, default_value_t = sandbox::config::DEFAULT_THROTTLE_PER_MINUTE)]
    throttle_per_minute: u32,
    /// Largest accepted request body in bytes (larger → 400 800002).
    #[arg(long, default_value_t = sandbox::config::DEFAULT_MAX_BODY_BYTES)]
    max_body_bytes: usize,
    /// The partner's tenant id (used in the relationship-request link).
    #[arg(long, default_value = sandbox::config::DEFAULT_PARTNER_ID)]
    partner_id: String,
    /// Fault injection: probability (0-1) of a 500/503 instead of the real answer.
    #[arg(long, default_value_t = 0.0, value_parser = rate)]
    error_rate: f64,
    /// Fault injection: probability (0-1) of a 429.
    #[arg(long, default_value_t = 0.0, value_parser = rate)]
    throttle_rate: f64,
    /// Fault injection: Retry-After seconds on injected 429s.
    #[arg(long, default_value_t = 1)]
    retry_after_seconds: u64,
    /// Fault injection: probability (0-1) that a committed create loses its response
    /// (connection dropped).
    #[arg(long, default_value_t = 0.0, value_parser = rate)]
    drop_after_create_rate: f64,
    /// Fault injection: latency added to every /v1 request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Do not log requests to stderr.
    #[arg(long)]
    quiet: bool,
    /// Tokens the emulator did not issue: lenient (accepted as App+User with MFA) or
    /// strict (refused with 401).
    #[arg(long, default_value = "lenient", value_parser = auth_mode)]
    auth: AuthMode,
    /// App+User tokens without MFA get 401 900421 (on) or pass (off).
    #[arg(long, default_value = "on", value_parser = on_off, action = clap::ArgAction::Set, value_name = "on|off")]
    mfa_enforcement: bool,
    /// Serve https with a certificate made at start (a local CA and a server certificate
    /// for 127.0.0.1 and localhost).
    #[arg(long)]
    tls: bool,
    /// With --tls: write the CA certificate (PEM) to this file, for clients to trust.
    #[arg(long, value_name = "FILE", requires = "tls")]
    tls_cert_out: Option<PathBuf>,
}

fn auth_mode(s: &str) -> Result<AuthMode, String> {
    s.parse()
}

fn on_off(s: &str) -> Result<bool, String> {
    match s.to_ascii_lowercase().as_str() {
        "on" | "true" => Ok(true),
        "off" | "false" => Ok(false),
        _ => Err("must be on or off".into()),
    }
}

fn rate(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|e| format!("{e}"))?;
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err("must be between 0 and 1".into())
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = Config {
        port: cli.port,
        token: cli.token,
        quota: cli.quota,
        resellers: cli
            .resellers
            .into_iter()
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty())
            .collect(),
        throttle_per_minute: cli.throttle_per_minute,
        max_body_bytes: cli.max_body_bytes,
        faults: FaultConfig {
            error_rate: cli.error_rate,
            throttle_rate: cli.throttle_rate,
            retry_after_seconds: cli.retry_after_seconds,
            drop_after_create_rate: cli.drop_after_create_rate,
            latency_ms: cli.latency_ms,
            script: Vec::new(),
        },
        partner_id: cli.partner_id,
        log_requests: !cli.quiet,
        auth: cli.auth,
        mfa_enforced: cli.mfa_enforcement,
        tls: cli.tls,
        tls_cert_out: cli.tls_cert_out,
    };
    let server = match sandbox::start(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("sandbox: cannot start on 127.0.0.1:{}: {e}", cli.port);
            return ExitCode::FAILURE;
        }
    };
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on {}", server.base_url());
        let _ = out.flush();
    }
    wait_for_signal().await;
    server.shutdown().await;
    ExitCode::SUCCESS
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
