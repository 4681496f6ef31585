//! Signing in, against the emulator's token endpoint with only the tokens it issues accepted:
//! `login` by device code keeps the refresh token in a file only its owner can read, later runs
//! use it and keep the rotated one, a file others can read is refused; app-only from the
//! environment.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use sandbox::{AuthMode, Config, Running};
use serde_json::{Value, json};

fn binary(base: &str, config_dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_partner-center"));
    cmd.env("PARTNER_CENTER_BASE_URL", base)
        .env("PARTNER_CENTER_AUTHORITY_HOST", base)
        .env("PARTNER_CENTER_CONFIG_DIR", config_dir)
        .env("PARTNER_CENTER_OUTPUT", "json")
        .env_remove("PARTNER_CENTER_TOKEN")
        .env_remove("PARTNER_CENTER_TENANT_ID")
        .env_remove("PARTNER_CENTER_CLIENT_ID")
        .env_remove("PARTNER_CENTER_CLIENT_SECRET");
    cmd
}

async fn admin(emu: &Running, path: &str, body: Value) {
    // The client's own HTTP client: reqwest here is built without a default TLS provider.
    let http = partner_center::Client::builder()
        .base_url(emu.base_url())
        .token("admin")
        .build()
        .unwrap()
        .transport()
        .http_client()
        .clone();
    let status = http
        .post(format!("{}{path}", emu.base_url()))
        .json(&body)
        .send()
        .await
        .expect("the emulator answers")
        .status();
    assert!(status.is_success(), "{path}: {status}");
}

async fn strict_emulator() -> Running {
    sandbox::start(Config {
        port: 0,
        auth: AuthMode::Strict,
        ..Config::default()
    })
    .await
    .expect("the emulator starts")
}

fn stored_refresh_token(file: &Path) -> String {
    let login: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    login["refreshToken"].as_str().unwrap().to_string()
}

#[cfg(unix)]
fn mode(file: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(file).unwrap().permissions().mode() & 0o777
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_by_device_code_is_kept_private_used_and_rotated() {
    let emu = strict_emulator().await;
    let base = emu.base_url();
    admin(
        &emu,
        "/_sandbox/auth/apps",
        json!({"clientId": "cli-public"}),
    )
    .await;
    admin(
        &emu,
        "/_sandbox/auth/settings",
        json!({"deviceCodeIntervalSeconds": 1}),
    )
    .await;
    let dir = std::env::temp_dir().join(format!("pc-cli-login-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let file = dir.join("login.json");

    // Not signed in yet: refused before any call, saying how to sign in.
    let out = binary(&base, &dir)
        .args(["customers", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));

    let mut login = binary(&base, &dir)
        .args(["login", "--client-id", "cli-public"])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // The prompt names the code to type; the user then signs in "elsewhere".
    let mut stderr = BufReader::new(login.stderr.take().unwrap());
    let mut shown = String::new();
    let code = loop {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "no prompt: {shown}"
        );
        shown.push_str(&line);
        if let Some(rest) = line.split("enter the code ").nth(1) {
            break rest.split_whitespace().next().unwrap().to_string();
        }
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    admin(
        &emu,
        "/_sandbox/auth/device-codes/approve",
        json!({"userCode": code, "userPrincipalName": "admin@partner.test", "mfa": true}),
    )
    .await;
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert!(login.wait().unwrap().success(), "{shown}{rest}");
    #[cfg(unix)]
    assert_eq!(mode(&file), 0o600, "the stored sign-in is its owner's only");
    let first = stored_refresh_token(&file);
    assert!(
        !format!("{shown}{rest}").contains(&first),
        "the refresh token was printed"
    );

    // A later run signs in with it (the emulator accepts only tokens it issued) and keeps the
    // new refresh token it was handed.
    let out = binary(&base, &dir)
        .args(["customers", "list"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let second = stored_refresh_token(&file);
    assert!(first != second, "the refresh token is rotated on use");
    #[cfg(unix)]
    assert_eq!(mode(&file), 0o600);

    // The stored sign-in is the global cloud's: another cloud is refused, not sent the token.
    let out = binary(&base, &dir)
        .args(["customers", "list", "--cloud", "china"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is for the global cloud"));
    assert_eq!(stored_refresh_token(&file), second, "nothing was exchanged");

    // A file others can read is refused (its token must be treated as leaked).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = binary(&base, &dir)
            .args(["customers", "list"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("others can read"));
    }

    let out = binary(&base, &dir).arg("logout").output().unwrap();
    assert!(out.status.success());
    assert!(!file.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_only_from_the_environment() {
    let emu = strict_emulator().await;
    let base = emu.base_url();
    admin(
        &emu,
        "/_sandbox/auth/apps",
        json!({"clientId": "cli-app", "clientSecret": "cli-s3cret"}),
    )
    .await;
    let dir = std::env::temp_dir().join("pc-cli-app-only");
    let run = |secret: &str| {
        binary(&base, &dir)
            .env("PARTNER_CENTER_TENANT_ID", "partner.onmicrosoft.com")
            .env("PARTNER_CENTER_CLIENT_ID", "cli-app")
            .env("PARTNER_CENTER_CLIENT_SECRET", secret)
            .args(["customers", "list"])
            .output()
            .unwrap()
    };
    let out = run("cli-s3cret");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A wrong secret: the token endpoint refuses, exit 6, and the secret is not echoed.
    let out = run("wrong-s3cret");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{stderr}");
    assert!(!stderr.contains("wrong-s3cret"), "{stderr}");
}
