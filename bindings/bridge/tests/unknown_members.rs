//! A body member the model does not have, through the dispatch the bindings call, against the
//! emulator: refused before sending when the client validates, sent as given when it does not.

use bridge::{Call, build_call};
use partner_center::{Client, Error, dispatch};
use serde_json::{Value, json};

const RESELLER: &str = "484e548c-f5f3-4528-93a9-c16c6373cb59";

fn new_customer(domain: &str) -> Value {
    json!({
        "companyProfile": {"domain": domain},
        "billingProfile": {
            "email": "tania@contoso.example", "culture": "en-US", "language": "en",
            "companyName": "Contoso",
            "defaultAddress": {
                "addressLine1": "One Microsoft Way", "city": "Redmond", "state": "WA",
                "postalCode": "98052", "country": "US", "firstName": "Tania", "lastName": "Carr",
                "phoneNumber": "4255550101"
            }
        }
    })
}

fn create(body: &Value) -> Call {
    build_call(
        b"{}",
        Some(body.to_string().as_bytes()),
        None,
        None,
        None,
        None,
    )
    .unwrap()
}

async fn customer_count(client: &Client) -> usize {
    let call = build_call(br#"{"size": 0}"#, None, None, None, None, None).unwrap();
    let outcome = dispatch(client, "listCustomers", call).await.unwrap();
    let page: Value = serde_json::from_slice(&outcome.body).unwrap();
    page["items"].as_array().map_or(0, Vec::len)
}

fn client(emu: &sandbox::Running, validate: bool) -> Client {
    Client::builder()
        .base_url(emu.base_url())
        .token("bridge-test-token")
        .validation(validate)
        .build()
        .unwrap()
}

fn errors(err: Error) -> Vec<(String, String)> {
    match err {
        Error::Validation(v) => v.errors.into_iter().map(|e| (e.path, e.message)).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn unknown_members_are_refused_at_their_path_with_the_closest_name() {
    let emu = sandbox::start(sandbox::Config::default()).await.unwrap();
    let strict = client(&emu, true);

    let mut top = new_customer("unknown-top.onmicrosoft.com");
    top["associatedPartnerIdd"] = json!(RESELLER);
    let mut nested = new_customer("unknown-nested.onmicrosoft.com");
    nested["companyProfile"]["domainn"] = json!("x.onmicrosoft.com");
    nested["billingProfile"]["defaultAddress"]["colour"] = json!("blue");
    for (body, expected) in [
        (
            top,
            vec![(
                "associatedPartnerIdd",
                "unknown member of NewCustomer; did you mean \"associatedPartnerId\"?",
            )],
        ),
        (
            nested,
            vec![
                (
                    "companyProfile.domainn",
                    "unknown member of CustomerCompanyProfile; did you mean \"domain\"?",
                ),
                (
                    "billingProfile.defaultAddress.colour",
                    "unknown member of Address (its members: ",
                ),
            ],
        ),
    ] {
        let found = errors(
            dispatch(&strict, "createCustomer", create(&body))
                .await
                .unwrap_err(),
        );
        assert_eq!(found.len(), expected.len(), "{found:?}");
        for ((path, message), (want_path, want_message)) in found.iter().zip(&expected) {
            assert_eq!(path, want_path);
            assert!(message.starts_with(want_message), "{message}");
        }
    }
    // Nothing was sent.
    assert_eq!(customer_count(&strict).await, 0);
    // The same body without the stray member goes through.
    let ok = dispatch(
        &strict,
        "createCustomer",
        create(&new_customer("fine.onmicrosoft.com")),
    )
    .await;
    assert_eq!(ok.unwrap().status, 201);
}

#[tokio::test]
async fn without_validation_the_body_goes_as_given() {
    let emu = sandbox::start(sandbox::Config::default()).await.unwrap();
    // The service matches member names case-insensitively; the models take camelCase and the .NET
    // SDK's PascalCase only, so an all-lower-case name is unknown to them.
    let mut body = new_customer("as-given.onmicrosoft.com");
    body["associatedpartnerid"] = json!(RESELLER);
    let refused = errors(
        dispatch(&client(&emu, true), "createCustomer", create(&body))
            .await
            .unwrap_err(),
    );
    assert_eq!(refused[0].0, "associatedpartnerid");
    assert!(
        refused[0]
            .1
            .ends_with("did you mean \"associatedPartnerId\"?"),
        "{refused:?}"
    );

    let outcome = dispatch(&client(&emu, false), "createCustomer", create(&body))
        .await
        .unwrap();
    let created: Value = serde_json::from_slice(&outcome.body).unwrap();
    assert_eq!(
        created["associatedPartnerId"], RESELLER,
        "the member reached the service"
    );
}
