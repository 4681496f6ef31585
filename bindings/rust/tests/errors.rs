//! Every error kind, with what it carries; client-side validation before any request.

mod common;

use std::io::Write;

use common::*;
use partner_center::{Client, ErrorKind, RetryPolicy, models};

#[tokio::test]
async fn validation_reports_every_field_at_once_and_sends_nothing() {
    let emu = emulator().await;
    let client = client(&emu);
    let mut body = new_customer("");
    body.billing_profile.default_address.address_line1 = "x".repeat(201);
    body.billing_profile.default_address.country = "USA".into();
    body.billing_profile.email = String::new();
    let err = client.customers().create(&body).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert_eq!(err.status(), None, "nothing was sent");
    let errors = &err.validation().expect("field errors").errors;
    let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    for expected in [
        "billingProfile.defaultAddress.addressLine1",
        "billingProfile.defaultAddress.country",
    ] {
        assert!(
            paths.contains(&expected),
            "{expected} missing from {paths:?}"
        );
    }
    assert!(errors.len() >= 3, "every problem is reported: {errors:?}");
    // Nothing reached the service: no customer exists.
    let page = client.customers().list().await.unwrap();
    assert!(page.items.is_empty());
}

#[tokio::test]
async fn country_rules_are_checked_on_the_client() {
    let emu = emulator().await;
    let client = client(&emu);
    let mut body = new_customer(&unique_domain("brazil"));
    body.billing_profile.default_address = address("BR");
    body.billing_profile.default_address.phone_number = Some("  ".into());
    let err = client.customers().create(&body).await.unwrap_err();
    let errors = &err.validation().expect("client-side").errors;
    let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    assert!(
        paths.contains(&"companyProfile.organizationRegistrationNumber"),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"billingProfile.defaultAddress.phoneNumber"),
        "{paths:?}"
    );

    // The same body with validation off reaches the service, which answers with its own code.
    let unchecked = builder(&emu).validation(false).build().unwrap();
    let err = unchecked.customers().create(&body).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BadRequest);
    let code = err.api().and_then(|e| e.code.clone()).unwrap_or_default();
    assert!(["600049", "600051"].contains(&code.as_str()), "{err}");
}

#[tokio::test]
async fn closed_enums_are_checked_but_open_ones_are_not() {
    let emu = emulator().await;
    let client = client(&emu);
    let err = client
        .customers()
        .list()
        .seek_operation(models::SeekOperation::from("Sideways"))
        .await
        .unwrap_err();
    let errors = &err.validation().expect("a closed enum").errors;
    assert_eq!(errors[0].path, "seekOperation");
    assert!(
        errors[0].message.contains("Sideways"),
        "{}",
        errors[0].message
    );
}

#[tokio::test]
async fn api_errors_carry_status_code_description_and_ids() {
    let emu = emulator().await;
    let client = client(&emu);
    let missing = uuid::Uuid::new_v4();
    let err = client
        .customers()
        .get(missing)
        .request_id("0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d")
        .await
        .unwrap_err();
    let api = err.api().expect("an API error");
    assert_eq!(api.status, 404);
    assert_eq!(api.code.as_deref(), Some("60003"));
    assert!(api.description.as_deref().is_some_and(|d| !d.is_empty()));
    assert_eq!(api.source.as_deref(), Some("PartnerFD"));
    assert_eq!(
        api.request_id.as_deref(),
        Some("0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d")
    );
    assert_eq!(api.correlation_id.as_deref(), Some(client.correlation_id()));
    let shown = err.to_string();
    assert!(shown.contains("404") && shown.contains("60003"), "{shown}");
}

#[tokio::test]
async fn each_status_maps_to_its_kind() {
    let emu = emulator_with(sandbox::Config {
        token: Some(TOKEN.into()),
        ..Default::default()
    })
    .await;
    let client = client(&emu);
    let unchecked = builder(&emu).validation(false).build().unwrap();

    // 400: the service's own validation (client-side validation off).
    let mut bad = new_customer(&unique_domain("bad"));
    bad.billing_profile.culture = "english".into();
    assert_eq!(
        unchecked.customers().create(&bad).await.unwrap_err().kind(),
        ErrorKind::BadRequest
    );

    // 401: a token the service does not accept.
    let wrong = builder(&emu).token("not-the-token").build().unwrap();
    let err = wrong.customers().list().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert!(
        !err.to_string().contains("not-the-token"),
        "the token never appears in errors"
    );

    // 409: a domain that exists.
    let domain = unique_domain("dup");
    client
        .customers()
        .create(&new_customer(&domain))
        .await
        .unwrap();
    let dup = client
        .customers()
        .create(&new_customer(&domain))
        .await
        .unwrap_err();
    assert_eq!(dup.kind(), ErrorKind::Conflict);

    // 412: a stale etag.
    let created = client
        .customers()
        .create(&new_customer(&unique_domain("etag")))
        .await
        .unwrap();
    let id = created.id.unwrap();
    let billing = client.profiles().get_billing(id).await.unwrap();
    client
        .profiles()
        .update_billing(id, &billing)
        .await
        .unwrap();
    let stale = client
        .profiles()
        .update_billing(id, &billing)
        .await
        .unwrap_err();
    assert_eq!(stale.kind(), ErrorKind::PreconditionFailed);
    assert_eq!(stale.api().and_then(|e| e.code.as_deref()), Some("2055"));
    // An explicit If-Match wins over the body's etag.
    let fresh = client.profiles().get_billing(id).await.unwrap();
    let fresh_etag = fresh
        .attributes
        .as_ref()
        .and_then(|a| a.etag.clone())
        .unwrap();
    client
        .profiles()
        .update_billing(id, &billing)
        .if_match(format!("\"{fresh_etag}\""))
        .await
        .expect("explicit If-Match");
}

#[tokio::test]
async fn transport_errors_when_nothing_listens() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .token(TOKEN)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.customers().list().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn decode_errors_carry_the_status_and_an_excerpt() {
    // A server that answers 200 with something that is not a customer list.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut buf = [0u8; 4096];
            let _ = std::io::Read::read(&mut stream, &mut buf);
            let body = "<html>maintenance</html>";
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .token(TOKEN)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.customers().list().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert_eq!(err.status(), Some(200));
    assert!(
        format!("{err:?}").contains("maintenance"),
        "the excerpt: {err:?}"
    );
}
