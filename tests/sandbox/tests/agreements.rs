//! Agreements (issue 14 contract §2–§6): template metadata and its default type, MCA
//! attestations (echo, userId, validation, 600061), reading them back, documents, the
//! direct-signed status and its admin call, and App+User only.

mod common;

use common::signin::claims;
use common::*;
use reqwest::Method;
use serde_json::{Value, json};

const MCA: &str = "117a77b0-9360-443b-8795-c6dedc750cf9";
const MCLOUDA: &str = "998b88de-aa99-4388-a42c-1b3517d49490";

/// The documented request (confirm-customer-consent-customer-agreement).
fn attestation() -> Value {
    json!({
        "primaryContact": {"firstName": "Tania", "lastName": "Carr", "email": "someone@example.com", "phoneNumber": "1234567890"},
        "templateId": MCA,
        "dateAgreed": "2018-06-14T00:00:00.000Z",
        "type": "MicrosoftCustomerAgreement"
    })
}

async fn attest(env: &Env, id: &str, body: Value) -> (u16, Value) {
    env.json(
        Method::POST,
        &format!("/v1/customers/{id}/agreements"),
        Some(body),
    )
    .await
}

#[tokio::test]
async fn metadata_defaults_to_the_microsoft_cloud_agreement() {
    let env = env().await;
    let list = |q: &'static str| {
        let env = &env;
        async move {
            env.json(Method::GET, &format!("/v1/agreements{q}"), None)
                .await
        }
    };
    let (status, v) = list("").await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        v["items"],
        json!([{"templateId": MCLOUDA, "agreementType": "MicrosoftCloudAgreement",
                "agreementLink": "https://docs.microsoft.com/partner-center/agreements", "versionRank": 0}])
    );
    assert_eq!(v["attributes"]["objectType"], "Collection");
    let (_, v) = list("?agreementType=MicrosoftCustomerAgreement").await;
    assert_eq!(
        v["items"],
        json!([{"templateId": MCA, "agreementType": "MicrosoftCustomerAgreement",
                "agreementLink": "https://aka.ms/customeragreement", "versionRank": 0}])
    );
    assert_eq!(v["totalCount"], 1);
    let (_, v) = list("?agreementtype=microsoftcustomeragreement").await;
    assert_eq!(
        v["items"][0]["templateId"], MCA,
        "name and value in any case"
    );
    let (_, v) = list("?agreementType=*").await;
    assert_eq!(v["totalCount"], 2);
    let (status, v) = list("?agreementType=MicrosoftPartnerAgreement").await;
    assert_eq!(
        (status, v["totalCount"].clone()),
        (200, json!(0)),
        "unknown type"
    );
    assert_eq!(v["items"], json!([]));
}

#[tokio::test]
async fn an_attestation_is_echoed_with_the_template_s_type_and_no_link() {
    let env = env().await;
    let id = env.new_customer("attest1.onmicrosoft.com").await;
    let (status, v) = attest(&env, &id, attestation()).await;
    assert_eq!(status, 201, "{v}");
    let mut expected = attestation();
    // A token the emulator did not issue: the documented example's user.
    expected["userId"] = json!("3d6f2c09-eb40-48ca-a4b3-d24c9c007531");
    assert_eq!(v, expected, "no agreementLink in the 201");

    // The template decides the type; an offset-less date is UTC; PascalCase names, nulls and
    // unknown or read-only members are accepted; contact differs → a second attestation.
    let (status, v) = attest(
        &env,
        &id,
        json!({
            "PrimaryContact": {"FirstName": "Tania", "LastName": "Carr", "Email": "someone@example.com", "PhoneNumber": null},
            "TemplateId": MCA,
            "DateAgreed": "2019-08-26T02:00:00+02:00",
            "Type": "MicrosoftCloudAgreement",
            "UserId": "00000000-0000-0000-0000-000000000000",
            "AgreementLink": "https://example.com",
            "Extra": 1
        }),
    )
    .await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["type"], "MicrosoftCustomerAgreement");
    assert_eq!(v["dateAgreed"], "2019-08-26T00:00:00Z");
    assert_eq!(v["userId"], "3d6f2c09-eb40-48ca-a4b3-d24c9c007531");
    assert!(v["primaryContact"].get("phoneNumber").is_none());
    assert!(v.get("agreementLink").is_none());
    let (_, v) = attest(
        &env,
        &id,
        json!({"primaryContact": {"firstName": "A", "lastName": "B", "email": "a@b"},
               "templateId": MCA, "dateAgreed": "2019-08-26T00:00:00", "type": "x"}),
    )
    .await;
    assert_eq!(v["dateAgreed"], "2019-08-26T00:00:00Z");
}

#[tokio::test]
async fn the_user_id_is_the_signed_in_user_of_an_emulator_token() {
    let env = env().await;
    let id = env.new_customer("attest2.onmicrosoft.com").await;
    let token = env.app_user_token("attesting-app", true).await;
    let resp = env
        .call_as(
            &token,
            Method::POST,
            &format!("/v1/customers/{id}/agreements"),
            Some(attestation()),
        )
        .await;
    let (status, v) = status_json(resp).await;
    assert_eq!(status, 201, "{v}");
    let oid = claims(&token)["oid"].clone();
    assert!(is_guid(&oid));
    assert_eq!(v["userId"], oid);
}

#[tokio::test]
async fn the_same_contact_cannot_attest_twice() {
    let env = env().await;
    let id = env.new_customer("attest3.onmicrosoft.com").await;
    assert_eq!(attest(&env, &id, attestation()).await.0, 201);
    let resp = env
        .call(
            Method::POST,
            &format!("/v1/customers/{id}/agreements"),
            Some(attestation()),
        )
        .await;
    let err = expect_error(resp, 400, 600061).await;
    assert_eq!(
        err,
        json!({"code": 600061, "description": "A partner confirmed agreement already exists for the customer.",
               "errorName": "PartnerConfirmedAgreementAlreadyExists", "isRetryable": false,
               "data": [], "source": "PartnerFD"})
    );
    // Another date does not make it another attestation …
    let mut again = attestation();
    again["dateAgreed"] = json!("2020-01-01T00:00:00Z");
    expect_error(
        env.call(
            Method::POST,
            &format!("/v1/customers/{id}/agreements"),
            Some(again),
        )
        .await,
        400,
        600061,
    )
    .await;
    // … any contact member does (case-sensitive), and so does another customer.
    for (member, value) in [
        ("firstName", "tania"),
        ("lastName", "Carr-Smith"),
        ("email", "SOMEONE@example.com"),
        ("phoneNumber", "1234567899"),
    ] {
        let mut other = attestation();
        other["primaryContact"][member] = json!(value);
        assert_eq!(attest(&env, &id, other).await.0, 201, "{member}");
    }
    let mut no_phone = attestation();
    no_phone["primaryContact"]
        .as_object_mut()
        .unwrap()
        .remove("phoneNumber");
    assert_eq!(attest(&env, &id, no_phone).await.0, 201);
    let other = env.new_customer("attest4.onmicrosoft.com").await;
    assert_eq!(attest(&env, &other, attestation()).await.0, 201);
}

#[tokio::test]
async fn invalid_attestations_are_400_800002_naming_the_field() {
    let env = env().await;
    let id = env.new_customer("attest5.onmicrosoft.com").await;
    let path = format!("/v1/customers/{id}/agreements");
    let without = |member: &str| {
        let mut b = attestation();
        b.as_object_mut().unwrap().remove(member);
        b
    };
    let without_contact = |member: &str| {
        let mut b = attestation();
        b["primaryContact"].as_object_mut().unwrap().remove(member);
        b
    };
    let with = |pointer: &str, value: Value| {
        let mut b = attestation();
        *b.pointer_mut(pointer).unwrap() = value;
        b
    };
    let cases = [
        (without("primaryContact"), "primaryContact is required"),
        (without("templateId"), "templateId is required"),
        (without("dateAgreed"), "dateAgreed is required"),
        (without("type"), "type is required"),
        (
            without_contact("firstName"),
            "primaryContact.firstName is required",
        ),
        (
            without_contact("lastName"),
            "primaryContact.lastName is required",
        ),
        (without_contact("email"), "primaryContact.email is required"),
        (
            with("/primaryContact/firstName", json!(" ")),
            "primaryContact.firstName must not be empty",
        ),
        (
            with("/primaryContact/email", json!("someone.example.com")),
            "primaryContact.email must be an e-mail address",
        ),
        (
            with("/primaryContact/email", json!("a@b@c")),
            "primaryContact.email must be an e-mail address",
        ),
        (
            with("/primaryContact/phoneNumber", json!(1234)),
            "primaryContact.phoneNumber must be a string",
        ),
        (
            with("/primaryContact", json!("Tania")),
            "primaryContact must be an object",
        ),
        (
            with("/dateAgreed", json!("2018-06-14")),
            "dateAgreed must be a date-time",
        ),
        (
            with("/dateAgreed", json!("yesterday")),
            "dateAgreed must be a date-time",
        ),
        (
            with("/templateId", json!("")),
            "templateId must not be empty",
        ),
        (with("/type", json!(7)), "type must be a string"),
        (
            with("/templateId", json!("00000000-0000-0000-0000-000000000000")),
            "Unknown agreement template",
        ),
        (
            with("/templateId", json!(MCLOUDA)),
            "Microsoft Cloud Agreement Template ID '998b88de-aa99-4388-a42c-1b3517d49490' is no longer supported.",
        ),
    ];
    for (body, message) in cases {
        let err = expect_error(env.call(Method::POST, &path, Some(body)).await, 400, 800002).await;
        assert!(
            err["description"].as_str().unwrap().contains(message),
            "{message}: {err}"
        );
    }
    // Every field problem at once, one `data` entry each.
    let err = expect_error(
        env.call(Method::POST, &path, Some(json!({}))).await,
        400,
        800002,
    )
    .await;
    assert_eq!(err["data"].as_array().unwrap().len(), 4, "{err}");
    expect_error(
        env.call(Method::POST, &path, Some(json!([1]))).await,
        400,
        800002,
    )
    .await;
    // Nothing was stored.
    let (_, v) = env
        .json(Method::GET, &format!("{path}?agreementType=*"), None)
        .await;
    assert_eq!(v["totalCount"], 0);
}

#[tokio::test]
async fn date_agreed_cannot_be_in_the_future_of_the_emulator_clock() {
    let env = env().await;
    let id = env.new_customer("attest6.onmicrosoft.com").await;
    let clock = env.admin(Method::GET, "/_sandbox/clock", None).await;
    let now: Value = clock.json().await.unwrap();
    let now = now["now"].as_str().unwrap().to_string();
    let at = |offset_secs: i64| {
        let secs = sandbox::datetime::parse(&now).unwrap().secs() + offset_secs;
        sandbox::datetime::format_secs(secs)
    };
    let mut body = attestation();
    body["dateAgreed"] = json!(at(24 * 3600));
    let err = expect_error(
        env.call(
            Method::POST,
            &format!("/v1/customers/{id}/agreements"),
            Some(body.clone()),
        )
        .await,
        400,
        800002,
    )
    .await;
    assert!(
        err["description"].as_str().unwrap().contains("future"),
        "{err}"
    );
    // Four minutes ahead is clock skew, not the future.
    let mut skew = attestation();
    skew["dateAgreed"] = json!(at(4 * 60));
    skew["primaryContact"]["firstName"] = json!("Skew");
    assert_eq!(attest(&env, &id, skew).await.0, 201);
    // Once the emulator's clock has moved two days on, tomorrow is in the past.
    env.advance_days(2).await;
    assert_eq!(attest(&env, &id, body).await.0, 201);
}

#[tokio::test]
async fn attestations_are_listed_by_type_in_creation_order() {
    let env = env().await;
    let id = env.new_customer("attest7.onmicrosoft.com").await;
    let path = format!("/v1/customers/{id}/agreements");
    let (status, v) = env.json(Method::GET, &path, None).await;
    assert_eq!((status, v["totalCount"].clone()), (200, json!(0)));
    assert_eq!(v["attributes"]["objectType"], "Collection");
    assert_eq!(attest(&env, &id, attestation()).await.0, 201);
    let mut second = attestation();
    second["primaryContact"]["firstName"] = json!("Second");
    second["dateAgreed"] = json!("2019-08-27T00:00:00");
    assert_eq!(attest(&env, &id, second).await.0, 201);

    // The default type is the Microsoft Cloud Agreement: MCA attestations need the type.
    let (_, v) = env.json(Method::GET, &path, None).await;
    assert_eq!(v["totalCount"], 0);
    assert_eq!(v["items"], json!([]));
    for q in [
        "?agreementType=MicrosoftCustomerAgreement",
        "?agreementType=*",
        "?AGREEMENTTYPE=microsoftCUSTOMERagreement",
    ] {
        let (status, v) = env.json(Method::GET, &format!("{path}{q}"), None).await;
        assert_eq!(status, 200);
        assert_eq!(v["totalCount"], 2, "{q}");
        let first = &v["items"][0];
        assert_eq!(first["primaryContact"]["firstName"], "Tania");
        assert_eq!(first["agreementLink"], "https://aka.ms/customeragreement");
        assert_eq!(first["type"], "MicrosoftCustomerAgreement");
        assert_eq!(first["templateId"], MCA);
        assert_eq!(first["dateAgreed"], "2018-06-14T00:00:00.000Z");
        assert_eq!(v["items"][1]["primaryContact"]["firstName"], "Second");
        assert_eq!(v["items"][1]["dateAgreed"], "2019-08-27T00:00:00Z");
    }
    let (_, v) = env
        .json(Method::GET, &format!("{path}?agreementType=Other"), None)
        .await;
    assert_eq!(v["totalCount"], 0);
}

#[tokio::test]
async fn unknown_customers_are_404_60003_and_bad_ids_400_900118() {
    let env = env().await;
    for (method, suffix, body) in [
        (Method::POST, "agreements", Some(attestation())),
        (Method::GET, "agreements?agreementType=*", None),
        (
            Method::GET,
            "directSignedMicrosoftCustomerAgreementStatus",
            None,
        ),
    ] {
        let resp = env
            .call(
                method.clone(),
                &format!("/v1/customers/{UNKNOWN_ID}/{suffix}"),
                body.clone(),
            )
            .await;
        expect_error(resp, 404, 60003).await;
        let resp = env
            .call(method, &format!("/v1/customers/not-a-guid/{suffix}"), body)
            .await;
        expect_error(resp, 400, 900118).await;
    }
}

#[tokio::test]
async fn documents_are_links_in_the_country_s_language() {
    let env = env().await;
    let doc = |q: String| {
        let env = &env;
        async move {
            env.json(
                Method::GET,
                &format!("/v1/agreementtemplates/{MCA}/document{q}"),
                None,
            )
            .await
        }
    };
    let (status, v) = doc(String::new()).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (v["country"].as_str(), v["language"].as_str()),
        (Some("US"), Some("en-US"))
    );
    for uri in ["displayUri", "downloadUri"] {
        assert!(v[uri].as_str().unwrap().starts_with("https://"), "{v}");
    }
    let (_, again) = doc(String::new()).await;
    assert_ne!(
        v["displayUri"], again["displayUri"],
        "a new link every time"
    );
    assert_ne!(v["downloadUri"], again["downloadUri"]);

    for (country, language, expected) in [
        ("DE", "de-DE", "de-DE"),
        ("CH", "it-it", "it-IT"),
        ("CA", "fr-FR", "fr-FR"),
        ("JP", "ja-JP", "ja-JP"),
        ("US", "de-DE", "en-US"),
        ("BR", "es-ES", "en-US"),
        ("ZZ", "en-US", "en-US"),
    ] {
        let (status, v) = doc(format!("?country={country}&language={language}")).await;
        assert_eq!(status, 200);
        assert_eq!(v["country"], country);
        assert_eq!(v["language"], expected, "{country} {language}");
    }
    let (_, v) = doc("?country=FR".into()).await;
    assert_eq!(v["language"], "en-US", "the default language");

    // The country is case-sensitive; two letters only.
    for country in ["us", "USA", "U1"] {
        let resp = env
            .call(
                Method::GET,
                &format!("/v1/agreementtemplates/{MCA}/document?country={country}"),
                None,
            )
            .await;
        expect_error(resp, 400, 800002).await;
    }
    // Only the MCA has documents; unknown (or differently cased) templates are not found.
    let err = expect_error(
        env.call(
            Method::GET,
            &format!("/v1/agreementtemplates/{MCLOUDA}/document"),
            None,
        )
        .await,
        400,
        800002,
    )
    .await;
    assert!(
        err["description"]
            .as_str()
            .unwrap()
            .contains("only supported with the Microsoft Customer Agreement"),
        "{err}"
    );
    for template in [UNKNOWN_ID.to_string(), MCA.to_uppercase()] {
        expect_error(
            env.call(
                Method::GET,
                &format!("/v1/agreementtemplates/{template}/document"),
                None,
            )
            .await,
            404,
            1000,
        )
        .await;
    }
    // The swagger's spelling of the path works too.
    assert_eq!(
        env.get_status(&format!("/v1/agreementTemplates/{MCA}/document"))
            .await,
        200
    );
}

#[tokio::test]
async fn the_direct_signed_status_follows_the_admin_call() {
    let env = env().await;
    let id = env.new_customer("signed1.onmicrosoft.com").await;
    let path = format!("/v1/customers/{id}/directSignedMicrosoftCustomerAgreementStatus");
    let (status, v) = env.json(Method::GET, &path, None).await;
    assert_eq!((status, v), (200, json!({"isSigned": false})));

    let admin = format!("/_sandbox/customers/{id}/direct-signed");
    assert_eq!(
        env.admin_ok(&admin, json!({"isSigned": true})).await,
        json!({"isSigned": true})
    );
    assert_eq!(
        env.json(Method::GET, &path, None).await.1,
        json!({"isSigned": true})
    );
    assert_eq!(
        env.admin_ok(&admin, json!({"IsSigned": false})).await,
        json!({"isSigned": false})
    );
    assert_eq!(
        env.json(Method::GET, &path, None).await.1,
        json!({"isSigned": false})
    );

    for bad in [
        json!({}),
        json!({"isSigned": "yes"}),
        json!({"isSigned": true, "when": 1}),
    ] {
        expect_error(
            env.admin(Method::POST, &admin, Some(bad)).await,
            400,
            800002,
        )
        .await;
    }
    expect_error(
        env.admin(
            Method::POST,
            &format!("/_sandbox/customers/{UNKNOWN_ID}/direct-signed"),
            Some(json!({"isSigned": true})),
        )
        .await,
        404,
        60003,
    )
    .await;
}

#[tokio::test]
async fn app_only_tokens_are_refused() {
    let env = env().await;
    let id = env.new_customer("agreementsauth.onmicrosoft.com").await;
    env.assert_app_user_only(&[
        (Method::GET, "/v1/agreements".into(), None),
        (
            Method::POST,
            format!("/v1/customers/{id}/agreements"),
            Some(attestation()),
        ),
        (Method::GET, format!("/v1/customers/{id}/agreements"), None),
        (
            Method::GET,
            format!("/v1/agreementtemplates/{MCA}/document"),
            None,
        ),
        (
            Method::GET,
            format!("/v1/customers/{id}/directSignedMicrosoftCustomerAgreementStatus"),
            None,
        ),
    ])
    .await;
}
