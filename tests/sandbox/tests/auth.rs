//! The emulated Entra token endpoint over real HTTP: every grant in v2 and v1, rotation,
//! device code, certificate assertions, the AADSTS error rows, discovery, the admin calls.

mod common;

use std::time::Duration;

use common::signin::*;
use common::{Env, env, env_with};
use reqwest::Method;
use sandbox::Config;
use serde_json::{Value, json};

const SECRET: &str = "Sup3r-secret~value";

async fn confidential(env: &Env, client_id: &str) {
    env.register_app(json!({"clientId": client_id, "clientSecret": SECRET}))
        .await;
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn client_credentials_v2_issue_an_app_only_token() {
    let env = env().await;
    let client = "11111111-1111-4111-8111-111111111111";
    confidential(&env, client).await;
    let a = env
        .form_with(
            &format!("/{TENANT}/oauth2/v2.0/token?x-client-SKU=test&x-client-Ver=1"),
            &[
                ("grant_type", "client_credentials"),
                ("client_id", client),
                ("client_secret", SECRET),
                ("scope", PC_DEFAULT),
                ("client_info", "1"),
                ("x-client-sku", "MSAL.Python"),
                ("claims", "{}"),
            ],
            |r| r.header("client-request-id", "c0ffee00-0000-4000-8000-000000000001"),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.raw);
    let b = &a.body;
    assert_eq!(b["token_type"], "Bearer");
    assert_eq!(b["scope"], PC_DEFAULT);
    assert_eq!(b["expires_in"], json!(3600), "a JSON number");
    assert_eq!(b["ext_expires_in"], json!(3600));
    assert!(
        b.get("refresh_token").is_none(),
        "never a refresh token for client credentials"
    );
    assert_eq!(
        a.headers["client-request-id"],
        "c0ffee00-0000-4000-8000-000000000001"
    );
    assert!(
        a.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("no-store")
    );
    assert!(
        a.headers.get("ms-requestid").is_none(),
        "no Partner Center headers"
    );

    let token = b["access_token"].as_str().unwrap();
    let header: Value = {
        use base64::Engine;
        let h = token.split('.').next().unwrap();
        serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(h)
                .unwrap(),
        )
        .unwrap()
    };
    assert_eq!(
        header,
        json!({"alg": "HS256", "typ": "JWT", "kid": "sandbox"})
    );
    let c = claims(token);
    assert_eq!(c["aud"], PC);
    assert_eq!(c["iss"], format!("https://sts.windows.net/{TENANT}/"));
    assert_eq!(c["tid"], TENANT);
    assert_eq!(c["appid"], client);
    assert_eq!(c["azp"], client);
    assert_eq!(c["appidacr"], "1");
    assert_eq!(c["idtyp"], "app");
    assert!(c["roles"].as_array().is_some_and(|r| !r.is_empty()));
    assert!(c.get("scp").is_none() && c.get("upn").is_none() && c.get("amr").is_none());
    assert_eq!(c["oid"], c["sub"]);
    assert!(uuid::Uuid::parse_str(c["oid"].as_str().unwrap()).is_ok());
    assert_eq!(c["ver"], "1.0");
    assert!(c["uti"].as_str().is_some_and(|u| !u.is_empty()));
    let (iat, nbf, exp) = (
        c["iat"].as_u64().unwrap(),
        c["nbf"].as_u64().unwrap(),
        c["exp"].as_u64().unwrap(),
    );
    assert!(iat.abs_diff(now()) <= 5 && nbf == iat && exp == iat + 3600);

    // The token works on Partner Center.
    let (status, _, _) = env.pc_get("/v1/customers", token).await;
    assert_eq!(status, 200);

    // HTTP Basic client authentication (RFC 6749 §2.3.1), the multi-tenant alias, another audience.
    let a = env
        .form_with(
            "/common/oauth2/v2.0/token",
            &[
                ("grant_type", "client_credentials"),
                ("scope", "https://graph.windows.net/.default"),
            ],
            |r| r.basic_auth(urlencode(client), Some(urlencode(SECRET))),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.raw);
    let c = claims(a.body["access_token"].as_str().unwrap());
    assert_eq!(
        c["tid"],
        sandbox::config::DEFAULT_PARTNER_ID,
        "common → the partner's tenant"
    );
    assert_eq!(c["aud"], "https://graph.windows.net");
}

#[tokio::test]
async fn client_credentials_v1_answer_numbers_as_strings() {
    let env = env().await;
    let client = "22222222-2222-4222-8222-222222222222";
    env.register_app(
        json!({"clientId": client, "clientSecret": SECRET, "accessTokenLifetimeSeconds": 1800}),
    )
    .await;
    let a = env
        .v1_token(&[
            ("grant_type", "client_credentials"),
            ("client_id", client),
            ("client_secret", SECRET),
            ("resource", PC),
        ])
        .await;
    assert_eq!(a.status, 200, "{}", a.raw);
    let b = &a.body;
    assert_eq!(b["token_type"], "Bearer");
    assert_eq!(b["expires_in"], "1800");
    assert_eq!(b["ext_expires_in"], "1800");
    assert_eq!(b["resource"], PC);
    let expires_on: u64 = b["expires_on"].as_str().unwrap().parse().unwrap();
    let not_before: u64 = b["not_before"].as_str().unwrap().parse().unwrap();
    assert_eq!(expires_on, not_before + 1800);
    assert!(not_before.abs_diff(now()) <= 5);
    assert!(b.get("refresh_token").is_none() && b.get("scope").is_none());
    let c = claims(b["access_token"].as_str().unwrap());
    assert_eq!(c["aud"], PC);
    assert_eq!(c["idtyp"], "app");
    assert_eq!(c["exp"].as_u64().unwrap(), expires_on);
    // v1 takes `resource`, not `scope`.
    let a = env
        .v1_token(&[
            ("grant_type", "client_credentials"),
            ("client_id", client),
            ("client_secret", SECRET),
            ("scope", PC_DEFAULT),
        ])
        .await;
    assert_aad_error(&a, 400, "invalid_request", 900144);
    assert!(
        a.body["error_description"]
            .as_str()
            .unwrap()
            .contains("'resource'")
    );
}

#[tokio::test]
async fn refresh_tokens_rotate_and_the_old_ones_stay_valid() {
    let env = env().await;
    let client = "33333333-3333-4333-8333-333333333333";
    env.register_app(json!({"clientId": client})).await; // public client (native app)
    let upn = "integration@contoso.onmicrosoft.com";
    let rt0 = env.refresh_token_for(client, upn, true).await;

    let refresh = |rt: String| {
        let env = &env;
        async move {
            env.v2_token(&[
                ("grant_type", "refresh_token"),
                ("client_id", client),
                ("refresh_token", &rt),
                ("scope", &format!("{PC_USER} offline_access openid profile")),
                ("client_info", "1"),
            ])
            .await
        }
    };
    let a = refresh(rt0.clone()).await;
    assert_eq!(a.status, 200, "{}", a.raw);
    let b = &a.body;
    assert_eq!(b["token_type"], "Bearer");
    assert_eq!(b["scope"], PC_USER);
    assert_eq!(b["expires_in"], json!(3600));
    let rt1 = b["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(rt1, rt0, "every refresh returns a new refresh token");
    assert_eq!(rt1.split('.').count(), 2, "opaque, not a JWT");
    // openid was asked for: an ID token and client_info, as MSAL expects.
    let id = claims(b["id_token"].as_str().unwrap());
    assert_eq!(id["aud"], client);
    assert_eq!(id["preferred_username"], upn);
    assert_eq!(id["tid"], TENANT);
    assert!(
        id["iss"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/{TENANT}/v2.0"))
    );
    assert!(b["client_info"].as_str().is_some());

    let c = claims(b["access_token"].as_str().unwrap());
    assert_eq!(c["aud"], PC);
    assert_eq!(c["scp"], "user_impersonation");
    assert_eq!(c["upn"], upn);
    assert_eq!(c["unique_name"], upn);
    assert_eq!(c["amr"], json!(["pwd", "mfa"]));
    assert_eq!(c["appid"], client);
    assert_eq!(c["appidacr"], "0", "public client");
    assert_eq!(c["tid"], TENANT);
    assert_eq!(c["ver"], "1.0");
    assert!(c.get("idtyp").is_none() && c.get("roles").is_none());
    assert_eq!(id["oid"], c["oid"]);

    // The old token still works (Entra does not revoke it), and so does the new one.
    let a = refresh(rt0.clone()).await;
    assert_eq!(a.status, 200, "{}", a.raw);
    let rt2 = a.body["refresh_token"].as_str().unwrap().to_string();
    assert!(rt2 != rt0 && rt2 != rt1);
    let a = refresh(rt1.clone()).await;
    assert_eq!(a.status, 200, "{}", a.raw);
    assert_eq!(claims(a.body["access_token"].as_str().unwrap())["upn"], upn);

    // `.default` is granted as user_impersonation; no openid → no ID token.
    let a = env
        .v2_token(&[
            ("grant_type", "refresh_token"),
            ("client_id", client),
            ("refresh_token", &rt0),
            ("scope", PC_DEFAULT),
        ])
        .await;
    assert_eq!(a.status, 200, "{}", a.raw);
    assert_eq!(a.body["scope"], PC_USER);
    assert!(a.body.get("id_token").is_none());

    // An expired refresh token fails with 700082.
    let expired = env
        .refresh_token_with(json!({"clientId": client, "userPrincipalName": upn, "mfa": true, "expiresInSeconds": 0}))
        .await;
    let a = refresh(expired.clone()).await;
    assert_aad_error(&a, 400, "invalid_grant", 700082);
    assert!(!a.raw.contains(&expired));

    // MFA state travels with the refresh token, and through rotation.
    let no_mfa = env
        .refresh_token_for(client, "nomfa@contoso.onmicrosoft.com", false)
        .await;
    let a = refresh(no_mfa).await;
    assert_eq!(
        claims(a.body["access_token"].as_str().unwrap())["amr"],
        json!(["pwd"])
    );
    let a = refresh(a.body["refresh_token"].as_str().unwrap().to_string()).await;
    assert_eq!(
        claims(a.body["access_token"].as_str().unwrap())["amr"],
        json!(["pwd"])
    );
}

#[tokio::test]
async fn refresh_v1_and_confidential_clients() {
    let env = env().await;
    let client = "44444444-4444-4444-8444-444444444444";
    confidential(&env, client).await;
    let rt = env
        .refresh_token_for(client, "a@contoso.onmicrosoft.com", true)
        .await;

    // A confidential client must send its secret.
    let a = env
        .v2_token(&[
            ("grant_type", "refresh_token"),
            ("client_id", client),
            ("refresh_token", &rt),
            ("scope", PC_USER),
        ])
        .await;
    assert_aad_error(&a, 401, "invalid_client", 7000218);
    assert!(!a.raw.contains(&rt));

    let a = env
        .v1_token(&[
            ("grant_type", "refresh_token"),
            ("client_id", client),
            ("client_secret", SECRET),
            ("refresh_token", &rt),
            ("resource", PC),
            ("scope", "openid"),
        ])
        .await;
    assert_eq!(a.status, 200, "{}", a.raw);
    let b = &a.body;
    assert_eq!(b["token_type"], "Bearer");
    assert_eq!(b["scope"], "user_impersonation");
    assert_eq!(b["expires_in"], "3600");
    assert_eq!(b["ext_expires_in"], "3600");
    assert!(b["expires_on"].as_str().unwrap().parse::<u64>().is_ok());
    assert!(b["not_before"].as_str().unwrap().parse::<u64>().is_ok());
    assert_eq!(b["resource"], PC);
    let new_rt = b["refresh_token"].as_str().unwrap();
    assert_ne!(new_rt, rt);
    let c = claims(b["access_token"].as_str().unwrap());
    assert_eq!(c["appidacr"], "1");
    assert_eq!(c["scp"], "user_impersonation");
    assert_eq!(c["aud"], PC);

    // The rotated one works on v2 too.
    let a = env
        .v2_token(&[
            ("grant_type", "refresh_token"),
            ("client_id", client),
            ("client_secret", SECRET),
            ("refresh_token", new_rt),
            ("scope", PC_USER),
        ])
        .await;
    assert_eq!(a.status, 200, "{}", a.raw);
}

#[tokio::test]
async fn token_endpoint_errors_are_aadsts_shaped_and_never_echo_secrets() {
    let env = env().await;
    let client = "55555555-5555-4555-8555-555555555555";
    let public = "66666666-6666-4666-8666-666666666666";
    confidential(&env, client).await;
    env.register_app(json!({"clientId": public})).await;
    let rt = env
        .refresh_token_for(client, "a@contoso.onmicrosoft.com", true)
        .await;
    let cc = |secret: &'static str, scope: &'static str| {
        vec![
            ("grant_type", "client_credentials"),
            ("client_id", client),
            ("client_secret", secret),
            ("scope", scope),
        ]
    };

    // Unknown client.
    let a = env
        .v2_token(&[
            ("grant_type", "client_credentials"),
            ("client_id", "99999999-9999-4999-8999-999999999999"),
            ("client_secret", SECRET),
            ("scope", PC_DEFAULT),
        ])
        .await;
    assert_aad_error(&a, 400, "unauthorized_client", 700016);
    assert!(!a.raw.contains(SECRET));

    // Wrong secret.
    let a = env
        .form_with(
            &format!("/{TENANT}/oauth2/v2.0/token"),
            &cc("wrong-secret-value", PC_DEFAULT),
            |r| r.header("client-request-id", "4e0f9d4c-1111-4222-8333-444455556666"),
        )
        .await;
    assert_aad_error(&a, 401, "invalid_client", 7000215);
    assert!(!a.raw.contains("wrong-secret-value") && !a.raw.contains(SECRET));
    assert_eq!(
        a.body["correlation_id"],
        "4e0f9d4c-1111-4222-8333-444455556666"
    );
    assert!(
        a.body["error_description"]
            .as_str()
            .unwrap()
            .contains("Correlation ID: 4e0f9d4c-1111-4222-8333-444455556666")
    );

    // Client credentials without a credential, and for a public client.
    let a = env
        .v2_token(&[
            ("grant_type", "client_credentials"),
            ("client_id", client),
            ("scope", PC_DEFAULT),
        ])
        .await;
    assert_aad_error(&a, 401, "invalid_client", 7000218);
    let a = env
        .v2_token(&[
            ("grant_type", "client_credentials"),
            ("client_id", public),
            ("scope", PC_DEFAULT),
        ])
        .await;
    assert_aad_error(&a, 401, "invalid_client", 7000218);
    // A public client that presents a secret.
    let prt = env
        .refresh_token_for(public, "a@contoso.onmicrosoft.com", true)
        .await;
    let a = env
        .v2_token(&[
            ("grant_type", "refresh_token"),
            ("client_id", public),
            ("client_secret", "anything-at-all"),
            ("refresh_token", &prt),
            ("scope", PC_USER),
        ])
        .await;
    assert_aad_error(&a, 401, "invalid_client", 700025);

    // Scopes: a delegated scope for client credentials, two resources, none, a bare name.
    for scope in [
        PC_USER,
        "https://api.partnercenter.microsoft.com/.default https://graph.windows.net/.default",
    ] {
        let a = env.v2_token(&cc(SECRET, scope)).await;
        assert_aad_error(&a, 400, "invalid_scope", 70011);
    }
    let a = env
        .v2_token(&[
            ("grant_type", "client_credentials"),
            ("client_id", client),
            ("client_secret", SECRET),
        ])
        .await;
    assert_aad_error(&a, 400, "invalid_scope", 70011);
    for scope in [
        "offline_access openid",
        "user_impersonation",
        "https://api.partnercenter.microsoft.com/user_impersonation https://graph.windows.net/Directory.Read",
    ] {
        let a = env
            .v2_token(&[
                ("grant_type", "refresh_token"),
                ("client_id", client),
                ("client_secret", SECRET),
                ("refresh_token", &rt),
                ("scope", scope),
            ])
            .await;
        assert_aad_error(&a, 400, "invalid_scope", 70011);
    }

    // Refresh tokens: unknown/malformed, another client's.
    let a = env
        .v2_token(&[
            ("grant_type", "refresh_token"),
            ("client_id", client),
            ("client_secret", SECRET),
            ("refresh_token", "0.AXYZ-not-a-real-refresh-token"),
            ("scope", PC_USER),
        ])
        .await;
    assert_aad_error(&a, 400, "invalid_grant", 9002313);
    assert!(!a.raw.contains("0.AXYZ-not-a-real-refresh-token"));
    let a = env
        .v2_token(&[
            ("grant_type", "refresh_token"),
            ("client_id", public),
            ("refresh_token", &rt),
            ("scope", PC_USER),
        ])
        .await;
    assert_aad_error(&a, 400, "invalid_grant", 70000);
    assert!(!a.raw.contains(&rt));

    // Grant types and missing fields.
    let a = env
        .v2_token(&[
            ("grant_type", "password"),
            ("client_id", client),
            ("username", "u"),
            ("password", "p"),
        ])
        .await;
    assert_aad_error(&a, 400, "unsupported_grant_type", 70003);
    for (fields, missing) in [
        (
            vec![("client_id", client), ("scope", PC_DEFAULT)],
            "grant_type",
        ),
        (
            vec![("grant_type", "client_credentials"), ("scope", PC_DEFAULT)],
            "client_id",
        ),
        (
            vec![
                ("grant_type", "refresh_token"),
                ("client_id", client),
                ("scope", PC_USER),
            ],
            "refresh_token",
        ),
        (
            vec![("grant_type", DEVICE_GRANT), ("client_id", public)],
            "device_code",
        ),
    ] {
        let a = env.v2_token(&fields).await;
        assert_aad_error(&a, 400, "invalid_request", 900144);
        assert!(
            a.body["error_description"]
                .as_str()
                .unwrap()
                .contains(&format!("'{missing}'")),
            "{}",
            a.raw
        );
    }
    // A JSON body is not a form: Entra answers that grant_type is missing.
    let r = env
        .client
        .post(format!("{}/{TENANT}/oauth2/v2.0/token", env.base))
        .json(&json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error_codes"],
        json!([900144])
    );
}

#[tokio::test]
async fn device_code_pending_slow_down_approve_token_and_consumed() {
    let env = env().await;
    let client = "77777777-7777-4777-8777-777777777777";
    env.register_app(json!({"clientId": client})).await;
    let s = env.settings(json!({"deviceCodeIntervalSeconds": 1})).await;
    assert_eq!(s["deviceCodeIntervalSeconds"], 1);

    let a = env
        .form(
            "/organizations/oauth2/v2.0/devicecode",
            &[
                ("client_id", client),
                ("scope", &format!("{PC_USER} offline_access openid profile")),
            ],
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.raw);
    let b = &a.body;
    let device_code = b["device_code"].as_str().unwrap().to_string();
    let user_code = b["user_code"].as_str().unwrap().to_string();
    assert!(
        regex::Regex::new("^[A-Z]{4}-[A-Z]{4}$")
            .unwrap()
            .is_match(&user_code),
        "{user_code}"
    );
    assert_eq!(b["verification_uri"], "https://microsoft.com/devicelogin");
    assert_eq!(b["expires_in"], json!(900));
    assert_eq!(b["interval"], json!(1));
    assert_eq!(
        b["message"],
        format!(
            "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code {user_code} to authenticate."
        )
    );

    let fields = [
        ("grant_type", DEVICE_GRANT),
        ("client_id", client),
        ("device_code", device_code.as_str()),
    ];
    let poll = || env.form("/organizations/oauth2/v2.0/token", &fields);
    let a = poll().await;
    assert_aad_error(&a, 400, "authorization_pending", 70016);
    assert!(!a.raw.contains(&device_code));
    let a = poll().await;
    assert_eq!(a.status, 400);
    assert_eq!(a.body["error"], "slow_down", "{}", a.raw);

    // Approval: an unknown user code is 404; the real one 204.
    let r = env
        .admin(
            Method::POST,
            "/_sandbox/auth/device-codes/approve",
            Some(json!({"userCode": "ZZZZ-ZZZZ", "userPrincipalName": "x@y.z", "mfa": true})),
        )
        .await;
    assert_eq!(r.status().as_u16(), 404);
    let r = env
        .admin(
            Method::POST,
            "/_sandbox/auth/device-codes/approve",
            Some(json!({"userCode": user_code.to_lowercase(), "userPrincipalName": "dev@contoso.onmicrosoft.com", "mfa": true})),
        )
        .await;
    assert_eq!(r.status().as_u16(), 204);

    tokio::time::sleep(Duration::from_millis(1100)).await;
    // MSAL Node sends grant_type=device_code instead of the URN; Entra takes both.
    let a = env
        .form(
            "/organizations/oauth2/v2.0/token",
            &[
                ("grant_type", "device_code"),
                ("client_id", client),
                ("device_code", device_code.as_str()),
            ],
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.raw);
    assert_eq!(a.body["scope"], PC_USER);
    assert_eq!(a.body["expires_in"], json!(3600));
    assert!(a.body["id_token"].is_string() && a.body["client_info"].is_string());
    let rt = a.body["refresh_token"].as_str().unwrap().to_string();
    let c = claims(a.body["access_token"].as_str().unwrap());
    assert_eq!(c["upn"], "dev@contoso.onmicrosoft.com");
    assert_eq!(c["amr"], json!(["pwd", "mfa"]));
    assert_eq!(c["scp"], "user_impersonation");
    assert_eq!(c["tid"], sandbox::config::DEFAULT_PARTNER_ID);
    assert_eq!(c["appidacr"], "0");

    // The code is consumed; the refresh token it gave works.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let a = poll().await;
    assert_eq!(a.status, 400);
    assert_eq!(a.body["error"], "invalid_grant", "{}", a.raw);
    let a = env
        .v2_token(&[
            ("grant_type", "refresh_token"),
            ("client_id", client),
            ("refresh_token", &rt),
            ("scope", PC_USER),
        ])
        .await;
    assert_eq!(a.status, 200, "{}", a.raw);

    // Unknown device code; unknown client at /devicecode; missing scope.
    let a = env
        .v2_token(&[
            ("grant_type", DEVICE_GRANT),
            ("client_id", client),
            ("device_code", "DAQABnot-a-code"),
        ])
        .await;
    assert_aad_error(&a, 400, "bad_verification_code", 70019);
    let a = env
        .form(
            "/common/oauth2/v2.0/devicecode",
            &[("client_id", "nobody"), ("scope", PC_USER)],
        )
        .await;
    assert_aad_error(&a, 400, "unauthorized_client", 700016);
    let a = env
        .form("/common/oauth2/v2.0/devicecode", &[("client_id", client)])
        .await;
    assert_aad_error(&a, 400, "invalid_scope", 70011);
}

#[tokio::test]
async fn device_codes_expire() {
    let env = env().await;
    let client = "88888888-8888-4888-8888-888888888888";
    env.register_app(json!({"clientId": client})).await;
    env.settings(json!({"deviceCodeLifetimeSeconds": 1})).await;
    let a = env
        .form(
            "/common/oauth2/v2.0/devicecode",
            &[("client_id", client), ("scope", PC_USER)],
        )
        .await;
    assert_eq!(a.body["expires_in"], json!(1));
    let device_code = a.body["device_code"].as_str().unwrap().to_string();
    let user_code = a.body["user_code"].as_str().unwrap().to_string();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let r = env
        .admin(
            Method::POST,
            "/_sandbox/auth/device-codes/approve",
            Some(json!({"userCode": user_code, "userPrincipalName": "x@contoso.com", "mfa": true})),
        )
        .await;
    assert_eq!(
        r.status().as_u16(),
        404,
        "an expired code cannot be approved"
    );
    let a = env
        .v2_token(&[
            ("grant_type", DEVICE_GRANT),
            ("client_id", client),
            ("device_code", &device_code),
        ])
        .await;
    assert_aad_error(&a, 400, "expired_token", 70020);
}

#[tokio::test]
async fn certificate_assertions_in_both_header_styles() {
    let env = env().await;
    let cert = test_cert();
    let client = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
    let reg = env
        .register_app(json!({"clientId": client, "certificate": cert.pem}))
        .await;
    assert_eq!(reg["publicClient"], false);
    let thumb: String = cert.sha1().iter().map(|b| format!("{b:02X}")).collect();
    assert_eq!(reg["certificateThumbprint"], thumb);

    let v2_aud = format!("https://login.microsoftonline.com/{TENANT}/oauth2/v2.0/token");
    let v1_aud = format!("https://login.microsoftonline.com/{TENANT}/oauth2/token");
    let with = |assertion: &str| {
        vec![
            ("grant_type".to_string(), "client_credentials".to_string()),
            ("client_id".to_string(), client.to_string()),
            ("scope".to_string(), PC_DEFAULT.to_string()),
            ("client_assertion_type".to_string(), JWT_BEARER.to_string()),
            ("client_assertion".to_string(), assertion.to_string()),
        ]
    };
    let post = |fields: Vec<(String, String)>| {
        let env = &env;
        async move {
            let f: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            env.v2_token(&f).await
        }
    };

    for style in [Style::Ps256, Style::Rs256] {
        let a = post(with(&cert.assertion(style, client, &v2_aud))).await;
        assert_eq!(a.status, 200, "{}", a.raw);
        let c = claims(a.body["access_token"].as_str().unwrap());
        assert_eq!(c["appidacr"], "2", "certificate");
        assert_eq!(c["idtyp"], "app");
    }
    // NumericDates with a fraction, as MSAL Python sends them.
    let mut c = common::signin::TestCert::claims_for(client, &v2_aud);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    c["iat"] = json!(t);
    c["exp"] = json!(t + 600.5);
    c.as_object_mut().unwrap().remove("nbf");
    let a = post(with(&cert.assertion_with(Style::Ps256, &cert.key, &c))).await;
    assert_eq!(a.status, 200, "{}", a.raw);
    // v1 endpoint with a v1 audience.
    let a = env
        .v1_token(&[
            ("grant_type", "client_credentials"),
            ("client_id", client),
            ("resource", PC),
            ("client_assertion_type", JWT_BEARER),
            (
                "client_assertion",
                &cert.assertion(Style::Rs256, client, &v1_aud),
            ),
        ])
        .await;
    assert_eq!(a.status, 200, "{}", a.raw);
    assert_eq!(a.body["expires_in"], "3600");

    // Refused: wrong key, wrong audience, expired, too long-lived, iss ≠ client, no jti.
    let claims_ok = || common::signin::TestCert::claims_for(client, &v2_aud);
    let mut bad: Vec<(&str, String)> = vec![(
        "wrong key",
        cert.assertion_with(Style::Ps256, &cert.other_key, &claims_ok()),
    )];
    let mut c = claims_ok();
    c["aud"] = json!("https://login.microsoftonline.com/another-tenant/oauth2/v2.0/token");
    bad.push(("audience", cert.assertion_with(Style::Rs256, &cert.key, &c)));
    let mut c = claims_ok();
    c["exp"] = json!(now() - 10);
    c["nbf"] = json!(now() - 100);
    c["iat"] = json!(now() - 100);
    bad.push(("expired", cert.assertion_with(Style::Ps256, &cert.key, &c)));
    let mut c = claims_ok();
    c["exp"] = json!(now() + 3 * 86_400);
    bad.push(("lifetime", cert.assertion_with(Style::Ps256, &cert.key, &c)));
    let mut c = claims_ok();
    c["iss"] = json!("someone-else");
    bad.push(("issuer", cert.assertion_with(Style::Rs256, &cert.key, &c)));
    let mut c = claims_ok();
    c.as_object_mut().unwrap().remove("jti");
    bad.push(("jti", cert.assertion_with(Style::Rs256, &cert.key, &c)));
    // A tampered payload (signature no longer matches).
    let good = cert.assertion(Style::Rs256, client, &v2_aud);
    let mut parts: Vec<String> = good.split('.').map(str::to_string).collect();
    let mut c = claims_ok();
    c["sub"] = json!(client.to_uppercase());
    {
        use base64::Engine;
        parts[1] = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(c.to_string());
    }
    bad.push(("tampered", parts.join(".")));
    for (what, assertion) in bad {
        let a = post(with(&assertion)).await;
        assert_eq!(a.status, 401, "{what}: {}", a.raw);
        assert_aad_error(&a, 401, "invalid_client", 700027);
        assert!(
            !a.raw.contains(&assertion),
            "{what}: the assertion is never echoed"
        );
    }

    // A certificate-only app cannot use a secret; assertion type must be jwt-bearer.
    let a = env
        .v2_token(&[
            ("grant_type", "client_credentials"),
            ("client_id", client),
            ("client_secret", "x"),
            ("scope", PC_DEFAULT),
        ])
        .await;
    assert_aad_error(&a, 401, "invalid_client", 7000215);
    let mut f = with(&cert.assertion(Style::Ps256, client, &v2_aud));
    f.retain(|(k, _)| k != "client_assertion_type");
    let a = post(f).await;
    assert_aad_error(&a, 400, "invalid_request", 900144);
}

#[tokio::test]
async fn discovery_points_back_at_the_server() {
    let env = env().await;
    let host = env.base.strip_prefix("http://").unwrap().to_string();
    let get = |path: String| {
        let env = &env;
        async move {
            let r = env.get_no_token(&path).await;
            assert_eq!(r.status().as_u16(), 200, "{path}");
            r.json::<Value>().await.unwrap()
        }
    };
    let m = get(format!(
        "/{TENANT}/v2.0/.well-known/openid-configuration?appid=x"
    ))
    .await;
    let t = format!("{}/{TENANT}", env.base);
    assert_eq!(m["issuer"], format!("{t}/v2.0"));
    assert_eq!(m["token_endpoint"], format!("{t}/oauth2/v2.0/token"));
    assert_eq!(
        m["authorization_endpoint"],
        format!("{t}/oauth2/v2.0/authorize")
    );
    assert_eq!(
        m["device_authorization_endpoint"],
        format!("{t}/oauth2/v2.0/devicecode")
    );
    assert_eq!(m["jwks_uri"], format!("{t}/discovery/v2.0/keys"));
    for key in [
        "response_types_supported",
        "subject_types_supported",
        "id_token_signing_alg_values_supported",
        "token_endpoint_auth_methods_supported",
    ] {
        assert!(m[key].as_array().is_some_and(|a| !a.is_empty()), "{key}");
    }
    assert!(m["tenant_region_scope"].is_string());
    assert_eq!(m["cloud_instance_name"], "microsoftonline.com");

    let m = get("/organizations/v2.0/.well-known/openid-configuration".into()).await;
    assert_eq!(
        m["token_endpoint"],
        format!("{}/organizations/oauth2/v2.0/token", env.base)
    );

    let d = get(format!(
        "/common/discovery/instance?api-version=1.1&authorization_endpoint=https://{host}/{TENANT}/oauth2/v2.0/authorize"
    ))
    .await;
    assert_eq!(
        d["tenant_discovery_endpoint"],
        format!("{t}/v2.0/.well-known/openid-configuration")
    );
    assert_eq!(d["api-version"], "1.1");
    assert_eq!(d["metadata"][0]["preferred_network"], host);
    assert_eq!(d["metadata"][0]["preferred_cache"], host);
    assert_eq!(d["metadata"][0]["aliases"], json!([host]));

    assert_eq!(
        get(format!("/{TENANT}/discovery/v2.0/keys")).await,
        json!({"keys": []})
    );
}

#[tokio::test]
async fn admin_calls_check_their_bodies_and_reset_keeps_sign_in_state() {
    let env = env().await;
    let post = |path: &'static str, body: Value| {
        let env = &env;
        async move {
            let r = env.admin(Method::POST, path, Some(body)).await;
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    // Unknown members are named.
    for (path, body, member) in [
        (
            "/_sandbox/auth/apps",
            json!({"clientId": "x", "clientSecrets": "s"}),
            "clientsecrets",
        ),
        (
            "/_sandbox/auth/refresh-tokens",
            json!({"clientId": "x", "userPrincipalName": "u", "mfa": true, "upn": "u"}),
            "upn",
        ),
        (
            "/_sandbox/auth/device-codes/approve",
            json!({"userCode": "x", "userPrincipalName": "u", "mfa": true, "x": 1}),
            "x",
        ),
        (
            "/_sandbox/auth/settings",
            json!({"mfaEnforcement": false}),
            "mfaenforcement",
        ),
    ] {
        let (status, b) = post(path, body).await;
        assert_eq!(status, 400, "{path}");
        assert_eq!(b["code"], 800002, "{path}");
        assert!(
            b["description"]
                .as_str()
                .unwrap()
                .contains(&format!("'{member}'")),
            "{b}"
        );
    }
    // Wrong types, missing members, a bad certificate, an unknown client.
    for (path, body) in [
        ("/_sandbox/auth/apps", json!({})),
        (
            "/_sandbox/auth/apps",
            json!({"clientId": "x", "accessTokenLifetimeSeconds": -1}),
        ),
        (
            "/_sandbox/auth/apps",
            json!({"clientId": "x", "certificate": "not a pem"}),
        ),
        (
            "/_sandbox/auth/refresh-tokens",
            json!({"clientId": "unregistered", "userPrincipalName": "u", "mfa": true}),
        ),
        (
            "/_sandbox/auth/refresh-tokens",
            json!({"clientId": "x", "userPrincipalName": "u"}),
        ),
        (
            "/_sandbox/auth/settings",
            json!({"deviceCodeIntervalSeconds": 0}),
        ),
        ("/_sandbox/auth/settings", json!({"mfaEnforced": "no"})),
    ] {
        let (status, b) = post(path, body.clone()).await;
        assert_eq!(status, 400, "{path} {body}: {b}");
        assert_eq!(b["code"], 800002);
    }

    // The registration never shows the secret; re-registering replaces it.
    let (status, b) = post(
        "/_sandbox/auth/apps",
        json!({"clientId": "app-one", "clientSecret": "first-secret"}),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(
        b,
        json!({"clientId": "app-one", "publicClient": false, "hasClientSecret": true, "accessTokenLifetimeSeconds": 3600})
    );
    post(
        "/_sandbox/auth/apps",
        json!({"clientId": "APP-ONE", "clientSecret": "second-secret"}),
    )
    .await;
    let cc = |secret: &'static str| {
        vec![
            ("grant_type", "client_credentials"),
            ("client_id", "app-one"),
            ("client_secret", secret),
            ("scope", PC_DEFAULT),
        ]
    };
    assert_eq!(env.v2_token(&cc("first-secret")).await.status, 401);
    assert_eq!(env.v2_token(&cc("second-secret")).await.status, 200);

    // Settings: GET and partial POST.
    let r = env
        .admin(Method::GET, "/_sandbox/auth/settings", None)
        .await;
    let s: Value = r.json().await.unwrap();
    assert_eq!(
        s,
        json!({"mfaEnforced": true, "deviceCodeIntervalSeconds": 5, "deviceCodeLifetimeSeconds": 900})
    );
    let s = env.settings(json!({"mfaEnforced": false})).await;
    assert_eq!(s["mfaEnforced"], false);
    assert_eq!(s["deviceCodeIntervalSeconds"], 5);

    // Reset keeps registrations, refresh tokens, settings and the token counter.
    let rt = env
        .refresh_token_for("app-one", "u@contoso.com", true)
        .await;
    let before = env.health().await;
    assert_eq!(
        env.admin(Method::POST, "/_sandbox/reset", None)
            .await
            .status()
            .as_u16(),
        204
    );
    let after = env.health().await;
    assert_eq!(after["tokenRequests"], before["tokenRequests"]);
    assert_eq!(env.v2_token(&cc("second-secret")).await.status, 200);
    let a = env
        .v2_token(&[
            ("grant_type", "refresh_token"),
            ("client_id", "app-one"),
            ("client_secret", "second-secret"),
            ("refresh_token", &rt),
            ("scope", PC_USER),
        ])
        .await;
    assert_eq!(a.status, 200, "{}", a.raw);
    let s: Value = env
        .admin(Method::GET, "/_sandbox/auth/settings", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(s["mfaEnforced"], false);
}

#[tokio::test]
async fn token_requests_are_counted() {
    let env = env_with(Config::default()).await;
    let h = env.health().await;
    assert_eq!(h["tokenRequests"], 0);
    assert_eq!(h["auth"], "lenient");
    env.app_only_token("counted-app").await; // 1 success
    env.v2_token(&[("grant_type", "client_credentials")]).await; // 1 error
    env.v1_token(&[]).await; // 1 error (v1)
    env.form(
        "/common/oauth2/v2.0/devicecode",
        &[("client_id", "counted-app"), ("scope", PC_USER)],
    )
    .await; // not a token request
    env.get_no_token("/common/v2.0/.well-known/openid-configuration")
        .await;
    assert_eq!(env.health().await["tokenRequests"], 3);
}
