//! The real binary: first stdout line, request log on stderr, clean exit on SIGTERM.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

use serde_json::Value;

#[test]
fn help_lists_every_flag() {
    let out = Command::new(env!("CARGO_BIN_EXE_sandbox"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--port",
        "--token",
        "--quota",
        "--resellers",
        "--throttle-per-minute",
        "--max-body-bytes",
        "--partner-id",
        "--error-rate",
        "--throttle-rate",
        "--retry-after-seconds",
        "--drop-after-create-rate",
        "--latency-ms",
        "--quiet",
        "--auth",
        "--mfa-enforcement",
        "--tls",
        "--tls-cert-out",
    ] {
        assert!(help.contains(flag), "{flag} missing from --help:\n{help}");
    }
}

#[test]
fn bad_flag_values_are_refused() {
    for args in [
        &["--error-rate", "2"][..],
        &["--auth", "loose"],
        &["--mfa-enforcement", "maybe"],
        &["--tls-cert-out", "/tmp/x.pem"], // needs --tls
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_sandbox"))
            .args(args)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
    }
}

#[test]
fn binary_serves_https_with_tls_and_writes_the_ca() {
    let dir = std::env::temp_dir().join(format!("sandbox-cli-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca = dir.join("ca.pem");
    let mut child = Command::new(env!("CARGO_BIN_EXE_sandbox"))
        .args([
            "--port",
            "0",
            "--quiet",
            "--tls",
            "--auth",
            "strict",
            "--mfa-enforcement",
            "off",
        ])
        .arg("--tls-cert-out")
        .arg(&ca)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let base = first
        .trim_end()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {first:?}"))
        .to_string();
    assert!(base.starts_with("https://127.0.0.1:"), "{base}");
    let pem = std::fs::read_to_string(&ca).unwrap();

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .tls_certs_only([reqwest::Certificate::from_pem(pem.as_bytes()).unwrap()])
            .build()
            .unwrap();
        let h: Value = client
            .get(format!("{base}/_sandbox/health"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(h["auth"], "strict", "--auth reaches the server");
        let s: Value = client
            .get(format!("{base}/_sandbox/auth/settings"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            s["mfaEnforced"], false,
            "--mfa-enforcement reaches the server"
        );
    });
    // Close the client's (HTTP/2) connection first, or graceful shutdown waits for it.
    drop(rt);
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    assert!(child.wait().unwrap().success());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn binary_prints_its_address_logs_requests_and_stops_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sandbox"))
        .args(["--port", "0", "--token", "cli-secret-token", "--quota", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let first = first.trim_end();
    let base = first
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {first:?}"));
    let port: u16 = base
        .strip_prefix("http://127.0.0.1:")
        .unwrap()
        .parse()
        .unwrap();
    assert_ne!(port, 0);

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::new();
        let r = client
            .get(format!("{base}/v1/customers"))
            .bearer_auth("cli-secret-token")
            .header("MS-RequestId", "5b1f3a6e-8d7c-4e2a-9f10-0000000000c1")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["totalCount"], 0);
        let r = client
            .get(format!("{base}/v1/customers"))
            .bearer_auth("wrong")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 401);
        let h: Value = client
            .get(format!("{base}/_sandbox/health"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(h["quota"], 1, "--quota reaches the server");
    });

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "clean exit on SIGTERM: {exit:?}");

    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(
        log.lines().any(|l| l
            .starts_with("GET /v1/customers 200 rid=5b1f3a6e-8d7c-4e2a-9f10-0000000000c1 ")
            && l.ends_with("ms")),
        "log:\n{log}"
    );
    assert!(log.contains("GET /v1/customers 401"), "log:\n{log}");
    assert!(
        !log.contains("cli-secret-token"),
        "never log a token:\n{log}"
    );
}
