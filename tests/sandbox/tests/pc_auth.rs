//! Partner Center's side of sign-in over real HTTP: what /v1 does with emulator-issued
//! tokens (expiry, audience, MFA, App+User-only operations), lenient and strict modes,
//! and --tls.

mod common;

use std::time::Duration;

use common::signin::*;
use common::{TOKEN, customer, env, env_with};
use reqwest::Method;
use sandbox::{AuthMode, Config};
use serde_json::{Value, json};

fn assert_pc_401(status: u16, body: &Value, headers: &reqwest::header::HeaderMap, code: i64) {
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["code"], code, "{body}");
    let challenge = headers["www-authenticate"].to_str().unwrap();
    assert!(
        challenge.starts_with("OAuth realm=urn:cpsvc:cpid:")
            && challenge.len() > "OAuth realm=urn:cpsvc:cpid:".len(),
        "{challenge}"
    );
}

#[tokio::test]
async fn the_set_of_app_user_operations_comes_from_the_spec() {
    let set = sandbox::auth::ops::operations().app_user_only();
    assert!(!set.is_empty());
    assert!(set.contains(&(
        "GET".to_string(),
        "/v1/customers/{customer-tenant-id}/profiles/company".to_string()
    )));
}

#[tokio::test]
async fn a_graph_audience_token_is_refused_with_900420() {
    let env = env().await;
    env.register_app(json!({"clientId": "graph-app", "clientSecret": "s3cret-value"}))
        .await;
    let a = env
        .v2_token(&[
            ("grant_type", "client_credentials"),
            ("client_id", "graph-app"),
            ("client_secret", "s3cret-value"),
            ("scope", "https://graph.windows.net/.default"),
        ])
        .await;
    let token = a.body["access_token"].as_str().unwrap();
    let (status, body, headers) = env.pc_get("/v1/customers", token).await;
    assert_pc_401(status, &body, &headers, 900420);
    assert_eq!(
        body["description"],
        "Invalid Token: The audience 'https://graph.windows.net' in the token is invalid and is no longer supported in Partner Center API."
    );
}

#[tokio::test]
async fn app_user_tokens_without_mfa_are_refused_while_enforcement_is_on() {
    let env = env().await;
    let token = env.app_user_token("no-mfa-app", false).await;
    let (status, body, headers) = env.pc_get("/v1/customers", &token).await;
    assert_pc_401(status, &body, &headers, 900421);
    assert!(
        body["description"].as_str().unwrap().contains("App+User"),
        "{body}"
    );

    let with_mfa = env.app_user_token("mfa-app", true).await;
    assert_eq!(env.pc_get("/v1/customers", &with_mfa).await.0, 200);

    // Enforcement off at run time …
    env.settings(json!({"mfaEnforced": false})).await;
    assert_eq!(env.pc_get("/v1/customers", &token).await.0, 200);
    env.settings(json!({"mfaEnforced": true})).await;
    assert_eq!(env.pc_get("/v1/customers", &token).await.0, 401);

    // … or from the start (--mfa-enforcement off).
    let env = env_with(Config {
        mfa_enforced: false,
        ..Config::default()
    })
    .await;
    let token = env.app_user_token("no-mfa-app", false).await;
    assert_eq!(env.pc_get("/v1/customers", &token).await.0, 200);
    let s: Value = env
        .admin(Method::GET, "/_sandbox/auth/settings", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(s["mfaEnforced"], false);
}

#[tokio::test]
async fn app_only_tokens_are_refused_on_app_user_only_operations() {
    let env = env().await;
    let app_only = env.app_only_token("daemon-app").await;
    let app_user = env.app_user_token("native-app", true).await;

    // App-only may list and create customers.
    assert_eq!(env.pc_get("/v1/customers", &app_only).await.0, 200);
    let r = env
        .client
        .post(format!("{}/v1/customers", env.base))
        .bearer_auth(&app_only)
        .json(&customer("apponly1234.onmicrosoft.com", "App Only Ltd"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        env.pc_get(&format!("/v1/customers/{id}"), &app_only)
            .await
            .0,
        200
    );
    assert_eq!(
        env.pc_get(&format!("/v1/customers/{id}/profiles/billing"), &app_only)
            .await
            .0,
        200
    );

    // The company profile is App+User only (spec: x-pc-requires-app-user).
    let (status, body, _) = env
        .pc_get(&format!("/v1/customers/{id}/profiles/company"), &app_only)
        .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["code"], 900150);
    assert_eq!(
        body["description"],
        "This resource can't be accessed by application credentials."
    );

    // App+User (and an opaque token, lenient) may.
    assert_eq!(
        env.pc_get(&format!("/v1/customers/{id}/profiles/company"), &app_user)
            .await
            .0,
        200
    );
    assert_eq!(
        env.pc_get(&format!("/v1/customers/{id}/profiles/company"), TOKEN)
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn expired_access_tokens_are_refused() {
    let env = env().await;
    env.register_app(json!({"clientId": "short-lived", "clientSecret": "s3cret-value", "accessTokenLifetimeSeconds": 1}))
        .await;
    let a = env
        .v2_token(&[
            ("grant_type", "client_credentials"),
            ("client_id", "short-lived"),
            ("client_secret", "s3cret-value"),
            ("scope", PC_DEFAULT),
        ])
        .await;
    assert_eq!(a.body["expires_in"], 1);
    let token = a.body["access_token"].as_str().unwrap().to_string();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (status, body, headers) = env.pc_get("/v1/customers", &token).await;
    assert_pc_401(status, &body, &headers, 400);
    assert_eq!(body["description"], "Access denied: the token has expired");
}

#[tokio::test]
async fn lenient_mode_accepts_tokens_it_did_not_issue() {
    let env = env().await;
    // An opaque token and a JWT signed by someone else both count as App+User with MFA,
    // whatever they claim.
    assert_eq!(env.pc_get("/v1/customers", TOKEN).await.0, 200);
    let foreign = format!(
        "{}.{}.c2lnbmF0dXJl",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6InNhbmRib3gifQ",
        {
            use base64::Engine;
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(
                json!({"aud": "https://graph.windows.net", "exp": 1, "idtyp": "app"}).to_string(),
            )
        }
    );
    assert_eq!(env.pc_get("/v1/customers", &foreign).await.0, 200);
    // Missing token: still 800001.
    let r = env.get_no_token("/v1/customers").await;
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], 800001);
}

#[tokio::test]
async fn strict_mode_accepts_only_emulator_tokens() {
    let env = env_with(Config {
        auth: AuthMode::Strict,
        ..Config::default()
    })
    .await;
    let (status, body, headers) = env.pc_get("/v1/customers", TOKEN).await;
    assert_pc_401(status, &body, &headers, 400);
    let token = env.app_only_token("strict-app").await;
    assert_eq!(env.pc_get("/v1/customers", &token).await.0, 200);
    let h = env.health().await;
    assert_eq!(h["auth"], "strict");
    // The token endpoint itself needs no Partner Center token, and is never throttled.
    let env = env_with(Config {
        auth: AuthMode::Strict,
        throttle_per_minute: 1,
        ..Config::default()
    })
    .await;
    for _ in 0..3 {
        let a = env.v2_token(&[("grant_type", "client_credentials")]).await;
        assert_eq!(a.status, 400);
    }
}

#[tokio::test]
async fn fixed_token_keeps_its_meaning() {
    let env = env_with(Config {
        token: Some("fixed".into()),
        ..Config::default()
    })
    .await;
    assert_eq!(env.pc_get("/v1/customers", "fixed").await.0, 200);
    let issued = env.app_only_token("some-app").await;
    let (status, body, _) = env.pc_get("/v1/customers", &issued).await;
    assert_eq!((status, body["code"].clone()), (401, json!(400)));
}

#[tokio::test]
async fn tls_serves_https_with_the_ca_as_trust_root() {
    let dir = std::env::temp_dir().join(format!("sandbox-tls-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("ca.pem");
    let server = sandbox::start(Config {
        tls: true,
        tls_cert_out: Some(out.clone()),
        ..Config::default()
    })
    .await
    .unwrap();
    let base = server.base_url();
    assert!(base.starts_with("https://127.0.0.1:"), "{base}");
    let pem = server.ca_cert_pem().expect("a CA with --tls");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), pem);
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));

    let _ = rustls::crypto::ring::default_provider().install_default();
    let ca = reqwest::Certificate::from_pem(pem.as_bytes()).unwrap();
    // webpki with only our root, and the platform verifier with our root merged in.
    let only = reqwest::Client::builder()
        .tls_certs_only([ca.clone()])
        .build()
        .unwrap();
    let merged = reqwest::Client::builder()
        .tls_certs_merge([ca])
        .build()
        .unwrap();
    for (client, host) in [
        (&only, base.clone()),
        (&merged, base.replace("127.0.0.1", "localhost")),
    ] {
        let r = client
            .get(format!("{host}/_sandbox/health"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let m: Value = client
            .get(format!(
                "{host}/common/v2.0/.well-known/openid-configuration"
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            m["token_endpoint"],
            format!("{host}/common/oauth2/v2.0/token")
        );
    }
    // A token over TLS, used over TLS.
    let env = common::Env {
        server,
        client: only,
        base: base.clone(),
    };
    let token = env.app_only_token("tls-app").await;
    assert_eq!(env.pc_get("/v1/customers", &token).await.0, 200);
    // Without the root, the handshake fails.
    let plain = common::client();
    assert!(
        plain
            .get(format!("{base}/_sandbox/health"))
            .send()
            .await
            .is_err()
    );
    env.server.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}
