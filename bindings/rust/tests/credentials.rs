//! Signing in against the emulator's token endpoint: every credential, rotation, the cache's
//! refresh policy under load, the 401 retry, and every sign-in error.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use partner_center::{
    CertificateCredential, ClientCertificate, ClientSecretCredential, CredentialOptions,
    DeviceCodeCredential, ErrorKind, RefreshTokenCredential, Secret, TokenProvider, models,
};
use sandbox::Running;
use sdk_runtime::reqwest;
use serde_json::{Value, json};

const TENANT: &str = "8f1d0c2a-5b3e-4c6f-9a7d-2e4b6c8d0f1a";
const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/sandbox/tests/fixtures"
);

async fn token_requests(emu: &Running) -> u64 {
    let health: Value = reqwest::Client::new()
        .get(format!("{}/_sandbox/health", emu.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    health["tokenRequests"].as_u64().expect("tokenRequests")
}

/// A confidential app with `secret`, tokens living `lifetime` seconds.
async fn register(emu: &Running, client_id: &str, secret: Option<&str>, lifetime: u64) {
    let mut app = json!({"clientId": client_id, "accessTokenLifetimeSeconds": lifetime});
    if let Some(s) = secret {
        app["clientSecret"] = json!(s);
    }
    admin(emu, "/_sandbox/auth/apps", app).await;
}

async fn stored_refresh_token(emu: &Running, client_id: &str, mfa: bool, expires: u64) -> String {
    let answer = admin(
        emu,
        "/_sandbox/auth/refresh-tokens",
        json!({"clientId": client_id, "userPrincipalName": "admin@partner.test", "mfa": mfa, "expiresInSeconds": expires}),
    )
    .await;
    answer["refreshToken"].as_str().unwrap().to_string()
}

fn at(emu: &Running) -> CredentialOptions {
    CredentialOptions::default().with_authority_host(emu.base_url())
}

fn signed_in(emu: &Running, credential: impl TokenProvider) -> partner_center::Client {
    partner_center::Client::builder()
        .base_url(emu.base_url())
        .credential(credential)
        .build()
        .unwrap()
}

async fn a_customer(client: &partner_center::Client) -> models::Customer {
    client
        .customers()
        .create(&new_customer(&unique_domain("signin")))
        .await
        .expect("create")
}

#[tokio::test]
async fn client_secret_signs_in_app_only_and_is_refused_app_user_operations() {
    let emu = emulator().await;
    register(&emu, "app-secret", Some("s3cret-value"), 3600).await;
    let cred = ClientSecretCredential::new(TENANT, "app-secret", "s3cret-value", at(&emu)).unwrap();
    assert!(!format!("{cred:?}").contains("s3cret-value"));
    let client = signed_in(&emu, cred);
    let customer = a_customer(&client).await;
    client.customers().list().await.expect("app-only may list");
    let err = client
        .profiles()
        .get_company(customer.id.unwrap())
        .await
        .expect_err("App+User only");
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    assert_eq!(err.api().and_then(|a| a.code.as_deref()), Some("900150"));
    assert!(err.to_string().contains("App+User"), "{err}");
    // One sign-in served every call.
    assert_eq!(token_requests(&emu).await, 1);
}

#[tokio::test]
async fn certificate_signs_in_and_a_wrong_key_is_refused() {
    let emu = emulator().await;
    let cert = std::fs::read_to_string(format!("{FIXTURES}/test-only-client-cert.pem")).unwrap();
    let key = std::fs::read_to_string(format!("{FIXTURES}/test-only-client-key.pem")).unwrap();
    let other = std::fs::read_to_string(format!("{FIXTURES}/test-only-other-key.pem")).unwrap();
    admin(
        &emu,
        "/_sandbox/auth/apps",
        json!({"clientId": "app-cert", "certificate": cert}),
    )
    .await;
    let good = ClientCertificate::from_pem(format!("{cert}\n{key}").as_bytes(), None).unwrap();
    let client = signed_in(
        &emu,
        CertificateCredential::new(TENANT, "app-cert", good, at(&emu)).unwrap(),
    );
    client.customers().list().await.expect("signed in");

    let wrong = ClientCertificate::from_pem(format!("{cert}\n{other}").as_bytes(), None).unwrap();
    let client = signed_in(
        &emu,
        CertificateCredential::new(TENANT, "app-cert", wrong, at(&emu)).unwrap(),
    );
    let err = client.customers().list().await.expect_err("bad signature");
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(err.auth().map(|a| a.error.as_str()), Some("invalid_client"));

    let no_key = ClientCertificate::from_pem(cert.as_bytes(), None).expect_err("no key");
    assert!(no_key.to_string().contains("no private key"), "{no_key}");
}

#[tokio::test]
async fn refresh_tokens_rotate_into_the_callback_and_calls_outlive_their_tokens() {
    let emu = emulator().await;
    register(&emu, "app-sam", Some("sam-secret"), 2).await;
    let stored = stored_refresh_token(&emu, "app-sam", true, 86_400).await;
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = Arc::clone(&seen);
    let cred = RefreshTokenCredential::new(
        TENANT,
        "app-sam",
        stored.clone(),
        Some(Secret::new("sam-secret")),
        Some(Arc::new(move |rt: Secret| {
            sink.lock().unwrap().push(rt.into_inner())
        })),
        at(&emu),
    )
    .unwrap();
    let shown = format!("{cred:?}");
    assert!(
        !shown.contains(&stored) && !shown.contains("sam-secret"),
        "{shown}"
    );
    let client = signed_in(&emu, cred);
    let customer = a_customer(&client).await;
    let id = customer.id.unwrap();
    // Tokens live 2 s: five seconds of calls need several refreshes and no call may fail.
    let until = Instant::now() + Duration::from_secs(5);
    let mut calls = 0;
    while Instant::now() < until {
        client
            .profiles()
            .get_company(id)
            .await
            .expect("App+User call");
        calls += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let requests = token_requests(&emu).await;
    assert!(requests >= 3, "{requests} token requests for {calls} calls");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen.len() as u64,
        requests,
        "every rotation reaches the callback"
    );
    let mut distinct = seen.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), seen.len());
    assert!(!seen.contains(&stored));
}

#[tokio::test]
async fn two_hundred_calls_across_an_expiry_make_one_token_request() {
    let emu = emulator().await;
    register(&emu, "app-burst", Some("burst-secret"), 2).await;
    let cred = ClientSecretCredential::new(TENANT, "app-burst", "burst-secret", at(&emu)).unwrap();
    let client = signed_in(&emu, cred);
    client.customers().list().await.unwrap();
    assert_eq!(token_requests(&emu).await, 1);
    tokio::time::sleep(Duration::from_millis(2200)).await; // the token has expired
    let calls: Vec<_> = (0..200)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.customers().list().await.map(|_| ()) })
        })
        .collect();
    for call in calls {
        call.await.unwrap().expect("every call succeeds");
    }
    assert_eq!(
        token_requests(&emu).await,
        2,
        "one refresh for 200 waiting calls"
    );
}

#[tokio::test]
async fn a_401_drops_the_token_and_the_call_is_retried_once_with_a_fresh_one() {
    let emu = emulator().await;
    register(&emu, "app-401", Some("secret-401"), 3600).await;
    let client = signed_in(
        &emu,
        ClientSecretCredential::new(TENANT, "app-401", "secret-401", at(&emu)).unwrap(),
    );
    client.customers().list().await.unwrap();
    admin(
        &emu,
        "/_sandbox/faults",
        json!({"script": [{"method": "GET", "path": "/v1/customers", "fault": "status", "status": 401, "times": 1}]}),
    )
    .await;
    let page = client
        .customers()
        .list()
        .send_with_response()
        .await
        .expect("retried with a fresh token");
    assert_eq!(page.status, 200);
    assert_eq!(
        token_requests(&emu).await,
        2,
        "the rejected token was dropped"
    );
}

#[tokio::test]
async fn sign_in_errors_have_their_kinds_and_fields() {
    let emu = emulator().await;
    register(&emu, "app-errors", Some("right-secret"), 3600).await;

    let bad = ClientSecretCredential::new(TENANT, "app-errors", "wrong-secret", at(&emu)).unwrap();
    let err = signed_in(&emu, bad).customers().list().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    let auth = err.auth().expect("a token endpoint refusal");
    assert_eq!(auth.error, "invalid_client");
    assert_eq!(auth.error_codes, vec![7_000_215]);
    assert!(auth.trace_id.is_some() && auth.correlation_id.is_some());
    assert!(!err.to_string().contains("wrong-secret"), "{err}");

    let expired = stored_refresh_token(&emu, "app-errors", true, 0).await;
    let cred = RefreshTokenCredential::new(
        TENANT,
        "app-errors",
        expired.clone(),
        Some(Secret::new("right-secret")),
        None,
        at(&emu),
    )
    .unwrap();
    let err = signed_in(&emu, cred).customers().list().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ReauthenticationRequired);
    assert_eq!(err.auth().unwrap().error_codes, vec![700_082]);
    assert!(!err.to_string().contains(&expired));

    let no_mfa = stored_refresh_token(&emu, "app-errors", false, 86_400).await;
    let cred = RefreshTokenCredential::new(
        TENANT,
        "app-errors",
        no_mfa,
        Some(Secret::new("right-secret")),
        None,
        at(&emu),
    )
    .unwrap();
    let err = signed_in(&emu, cred).customers().list().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert_eq!(err.api().and_then(|a| a.code.as_deref()), Some("900421"));

    // A token for the retired Azure AD Graph audience.
    let graph: Value = reqwest::Client::new()
        .post(format!("{}/{TENANT}/oauth2/v2.0/token", emu.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(
            "grant_type=client_credentials&client_id=app-errors&client_secret=right-secret\
             &scope=https%3A%2F%2Fgraph.windows.net%2F.default",
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let client = partner_center::Client::builder()
        .base_url(emu.base_url())
        .token(graph["access_token"].as_str().unwrap())
        .build()
        .unwrap();
    let err = client.customers().list().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert_eq!(err.api().and_then(|a| a.code.as_deref()), Some("900420"));
}

#[tokio::test]
async fn device_code_prompts_polls_until_approved_then_refreshes() {
    let emu = emulator().await;
    register(&emu, "app-public", None, 3600).await;
    admin(
        &emu,
        "/_sandbox/auth/settings",
        json!({"deviceCodeIntervalSeconds": 1}),
    )
    .await;
    let base = emu.base_url();
    let prompts: Arc<Mutex<Vec<String>>> = Arc::default();
    let shown = Arc::clone(&prompts);
    let rotated: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = Arc::clone(&rotated);
    let cred = DeviceCodeCredential::new(
        "organizations",
        "app-public",
        None,
        Some(Arc::new(move |p: &partner_center::DeviceCodePrompt| {
            shown.lock().unwrap().push(p.message.clone());
            // The user signs in elsewhere a little later.
            let (base, code) = (base.clone(), p.user_code.clone());
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(1500)).await;
                let status = reqwest::Client::new()
                    .post(format!("{base}/_sandbox/auth/device-codes/approve"))
                    .json(&json!({"userCode": code, "userPrincipalName": "admin@partner.test", "mfa": true}))
                    .send()
                    .await
                    .unwrap()
                    .status();
                assert_eq!(status.as_u16(), 204);
            });
        })),
        Some(Arc::new(move |rt: Secret| sink.lock().unwrap().push(rt.into_inner()))),
        at(&emu),
    )
    .unwrap();
    let client = signed_in(&emu, cred);
    let customer = a_customer(&client).await;
    client
        .profiles()
        .get_company(customer.id.unwrap())
        .await
        .expect("an App+User token");
    let prompts = prompts.lock().unwrap().clone();
    assert_eq!(prompts.len(), 1);
    assert!(prompts[0].contains("devicelogin"), "{prompts:?}");
    assert_eq!(
        rotated.lock().unwrap().len(),
        1,
        "the refresh token is handed over"
    );
    // Polled at least twice while pending, then redeemed.
    assert!(token_requests(&emu).await >= 2);
}

#[tokio::test]
async fn tls_with_an_extra_root_certificate() {
    let emu = emulator_with(sandbox::Config {
        tls: true,
        ..Default::default()
    })
    .await;
    let ca = emu.ca_cert_pem().expect("a CA");
    assert!(emu.base_url().starts_with("https://"));
    let without = partner_center::Client::builder()
        .base_url(emu.base_url())
        .token(TOKEN)
        .retry(partner_center::RetryPolicy::none())
        .build()
        .unwrap();
    let err = without.customers().list().await.expect_err("untrusted");
    assert_eq!(err.kind(), ErrorKind::Transport);
    let with = partner_center::Client::builder()
        .base_url(emu.base_url())
        .token(TOKEN)
        .ca_cert(ca)
        .build()
        .unwrap();
    with.customers().list().await.expect("trusted");
}
