//! Customer qualifications and the partner's validation codes (issue 14 contract §13–§15):
//! bare arrays, the three settable kinds and their requirements, InReview → Approved /
//! Denied through the admin call, 409 while in review or approved, GCC codes used up, and
//! the token types (GETs accept App-only, the POST does not).

mod common;

use common::*;
use reqwest::Method;
use serde_json::{Value, json};

async fn qualify(env: &Env, cid: &str, query: &str, body: Value) -> (u16, Value) {
    env.json(
        Method::POST,
        &format!("/v1/customers/{cid}/qualifications{query}"),
        Some(body),
    )
    .await
}

async fn decide(env: &Env, cid: &str, body: Value) -> Value {
    env.admin_ok(&format!("/_sandbox/customers/{cid}/qualification"), body)
        .await
}

async fn codes(env: &Env, items: Value) -> Value {
    env.admin_ok("/_sandbox/validation-codes", json!({"items": items}))
        .await
}

fn education() -> Value {
    json!({"qualification": "Education", "educationSegment": "HigherEducation", "website": "contoso.edu"})
}

#[tokio::test]
async fn a_qualification_goes_through_review() {
    let env = env().await;
    let cid = env.new_customer("school.onmicrosoft.com").await;
    let list = format!("/v1/customers/{cid}/qualifications");
    let (status, v) = env.json(Method::GET, &list, None).await;
    assert_eq!((status, v), (200, json!([])), "a bare array, empty");

    let (status, v) = qualify(&env, &cid, "", education()).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["qualification"], "Education");
    assert_eq!(v["vettingStatus"], "InReview");
    let created = v["vettingCreateDate"].as_str().unwrap();
    assert!(sandbox::datetime::parse(created).is_some() && created.ends_with('Z'));
    assert!(v.get("vettingReason").is_none());
    assert_eq!(v.as_object().unwrap().len(), 3, "{v}");
    let (_, listed) = env.json(Method::GET, &list, None).await;
    assert_eq!(listed, json!([v]));

    // In review: no second one.
    let (status, err) = qualify(&env, &cid, "", json!({"qualification": "StateOwnedEntity"})).await;
    assert_eq!((status, err["code"].clone()), (409, json!(3000)), "{err}");
    assert_eq!(
        err["description"],
        "The customer already has a qualification"
    );

    // Vetting approves: still no second one (irreversible).
    let approved = decide(&env, &cid, json!({"vettingStatus": "Approved"})).await;
    assert_eq!(approved["vettingStatus"], "Approved");
    assert_eq!(approved["vettingCreateDate"], created);
    let (_, listed) = env.json(Method::GET, &list, None).await;
    assert_eq!(listed[0]["vettingStatus"], "Approved");
    assert_eq!(qualify(&env, &cid, "", education()).await.0, 409);

    // Vetting denies (the admin may change its mind): a new one may be asked for.
    let denied = decide(
        &env,
        &cid,
        json!({"VettingStatus": "denied", "VettingReason": "Not an Education Customer"}),
    )
    .await;
    assert_eq!(denied["vettingStatus"], "Denied");
    assert_eq!(denied["vettingReason"], "Not an Education Customer");
    assert_eq!(env.json(Method::GET, &list, None).await.1, json!([denied]));
    let (status, v) = qualify(&env, &cid, "", json!({"qualification": "stateownedentity"})).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["qualification"], "StateOwnedEntity", "canonical spelling");
    let (_, listed) = env.json(Method::GET, &list, None).await;
    assert_eq!(listed.as_array().unwrap().len(), 1, "the latest one only");
    assert_eq!(listed[0]["qualification"], "StateOwnedEntity");
    assert_eq!(listed[0]["vettingStatus"], "InReview");
}

#[tokio::test]
async fn only_three_kinds_with_their_requirements_can_be_asked_for() {
    let env = env().await;
    let cid = env.new_customer("kinds.onmicrosoft.com").await;
    for (body, message) in [
        (json!({}), "qualification is required"),
        (
            json!({"qualification": ""}),
            "qualification must not be empty",
        ),
        (
            json!({"qualification": 1}),
            "qualification must be a string",
        ),
        (
            json!({"qualification": "None"}),
            "qualification must be Education, GovernmentCommunityCloud or StateOwnedEntity",
        ),
        (
            json!({"qualification": "Nonprofit"}),
            "qualification must be",
        ),
        (
            json!({"qualification": "government_community_cloud"}),
            "qualification must be",
        ),
        (
            json!({"qualification": "Education"}),
            "educationSegment must be K12 or HigherEducation",
        ),
        (
            json!({"qualification": "Education", "educationSegment": "University"}),
            "educationSegment must be K12 or HigherEducation",
        ),
        (
            json!({"qualification": "GovernmentCommunityCloud"}),
            "validationCode is required",
        ),
        (
            json!({"qualification": "GovernmentCommunityCloud", "validationCode": ""}),
            "validationCode is required",
        ),
        (
            json!({"qualification": "GovernmentCommunityCloud", "validationCode": "12345"}),
            "validationCode '12345' is not a validation code",
        ),
    ] {
        let err = expect_error(
            env.call(
                Method::POST,
                &format!("/v1/customers/{cid}/qualifications"),
                Some(body),
            )
            .await,
            400,
            800002,
        )
        .await;
        assert!(
            err["description"].as_str().unwrap().contains(message),
            "{message}: {err}"
        );
    }
    assert_eq!(
        env.json(
            Method::GET,
            &format!("/v1/customers/{cid}/qualifications"),
            None
        )
        .await
        .1,
        json!([])
    );
    // K12 in any case, PascalCase names (the 2021 contract).
    let (status, v) = qualify(
        &env,
        &cid,
        "",
        json!({"Qualification": "EDUCATION", "EducationSegment": "k12"}),
    )
    .await;
    assert_eq!(
        (status, v["qualification"].clone()),
        (201, json!("Education"))
    );
}

#[tokio::test]
async fn government_community_cloud_uses_up_a_validation_code() {
    let env = env().await;
    let (status, v) = env
        .json(Method::GET, "/v1/customers/all/validations", None)
        .await;
    assert_eq!(
        (status, v),
        (200, json!([])),
        "a bare array, empty by default"
    );

    let stored = codes(
        &env,
        json!([
            {"organizationName": "Contoso, Inc.", "validationId": "12345", "maxCreates": 2},
            {"partnerId": "9daaeb1c-4195-4db5-9f1d-509eb70c8c2d", "organizationName": "Fabrikam", "validationId": "777",
             "maxCreates": 5, "remainingCreates": 0, "eTag": "W/\"datetime'2018-10-10T18%3A49%3A58.727348Z'\""}
        ]),
    )
    .await;
    assert_eq!(stored[0]["partnerId"], sandbox::config::DEFAULT_PARTNER_ID);
    assert_eq!(stored[0]["remainingCreates"], 2, "defaults to maxCreates");
    let etag = stored[0]["eTag"].as_str().unwrap().to_string();
    assert!(
        etag.starts_with("W/\"datetime'") && etag.ends_with("Z'\""),
        "{etag}"
    );
    assert_eq!(
        stored[1],
        json!({"partnerId": "9daaeb1c-4195-4db5-9f1d-509eb70c8c2d", "organizationName": "Fabrikam",
               "validationId": "777", "maxCreates": 5, "remainingCreates": 0,
               "eTag": "W/\"datetime'2018-10-10T18%3A49%3A58.727348Z'\""})
    );
    assert_eq!(
        env.json(Method::GET, "/v1/customers/all/validations", None)
            .await
            .1,
        stored
    );

    let first = env.new_customer("gcc1.onmicrosoft.com").await;
    let (status, v) = qualify(
        &env,
        &first,
        "",
        json!({"qualification": "GovernmentCommunityCloud", "validationCode": "12345"}),
    )
    .await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["qualification"], "GovernmentCommunityCloud");
    let (_, after) = env
        .json(Method::GET, "/v1/customers/all/validations", None)
        .await;
    assert_eq!(after[0]["remainingCreates"], 1);
    // A refused request (409) does not use the code.
    assert_eq!(
        qualify(
            &env,
            &first,
            "",
            json!({"qualification": "GovernmentCommunityCloud", "validationCode": "12345"})
        )
        .await
        .0,
        409
    );
    let (_, after) = env
        .json(Method::GET, "/v1/customers/all/validations", None)
        .await;
    assert_eq!(after[0]["remainingCreates"], 1);

    // The 2021 contract: the code in the query.
    let second = env.new_customer("gcc2.onmicrosoft.com").await;
    let (status, v) = qualify(
        &env,
        &second,
        "?code=12345",
        json!({"qualification": "GovernmentCommunityCloud"}),
    )
    .await;
    assert_eq!(status, 201, "{v}");
    let (_, after) = env
        .json(Method::GET, "/v1/customers/all/validations", None)
        .await;
    assert_eq!(after[0]["remainingCreates"], 0);

    // Used up, or none left from the start.
    let third = env.new_customer("gcc3.onmicrosoft.com").await;
    for code in ["12345", "777"] {
        let err = expect_error(
            env.call(
                Method::POST,
                &format!("/v1/customers/{third}/qualifications"),
                Some(json!({"qualification": "GovernmentCommunityCloud", "validationCode": code})),
            )
            .await,
            400,
            800002,
        )
        .await;
        assert!(err["description"].as_str().unwrap().contains(code), "{err}");
    }

    // The admin call replaces the list; reset empties it.
    codes(
        &env,
        json!([{"organizationName": "New", "validationId": "1", "remainingCreates": 3}]),
    )
    .await;
    let (_, v) = env
        .json(Method::GET, "/v1/customers/all/validations", None)
        .await;
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert!(v[0].get("maxCreates").is_none(), "absent, not null: {v}");
    assert_eq!(
        env.admin(Method::POST, "/_sandbox/reset", None)
            .await
            .status()
            .as_u16(),
        204
    );
    assert_eq!(
        env.json(Method::GET, "/v1/customers/all/validations", None)
            .await
            .1,
        json!([])
    );
}

#[tokio::test]
async fn the_admin_calls_refuse_what_they_cannot_read() {
    let env = env().await;
    let cid = env.new_customer("qualadmin.onmicrosoft.com").await;
    let decide_path = format!("/_sandbox/customers/{cid}/qualification");
    // Nothing to decide yet.
    let err = expect_error(
        env.admin(
            Method::POST,
            &decide_path,
            Some(json!({"vettingStatus": "Approved"})),
        )
        .await,
        404,
        1000,
    )
    .await;
    assert!(
        err["description"]
            .as_str()
            .unwrap()
            .contains("no qualification"),
        "{err}"
    );
    assert_eq!(qualify(&env, &cid, "", education()).await.0, 201);
    for body in [
        json!({}),
        json!({"vettingStatus": "InReview"}),
        json!({"vettingStatus": "Denied"}),
        json!({"vettingStatus": "Approved", "vettingReason": "Fine"}),
        json!({"vettingStatus": "Approved", "note": 1}),
        json!({"vettingStatus": true}),
    ] {
        expect_error(
            env.admin(Method::POST, &decide_path, Some(body)).await,
            400,
            800002,
        )
        .await;
    }
    expect_error(
        env.admin(
            Method::POST,
            &format!("/_sandbox/customers/{UNKNOWN_ID}/qualification"),
            Some(json!({"vettingStatus": "Approved"})),
        )
        .await,
        404,
        60003,
    )
    .await;

    for (items, message) in [
        (
            json!([{"validationId": "1", "maxCreates": 1}]),
            "items[0].organizationName is required",
        ),
        (
            json!([{"organizationName": "O", "maxCreates": 1}]),
            "items[0].validationId is required",
        ),
        (
            json!([{"organizationName": "O", "validationId": "1"}]),
            "maxCreates or remainingCreates is required",
        ),
        (
            json!([{"organizationName": "O", "validationId": "1", "maxCreates": -1}]),
            "items[0].maxCreates must be an integer",
        ),
        (
            json!([{"organizationName": "O", "validationId": "1", "maxCreates": 1, "colour": 1}]),
            "unknown member 'items[0].colour'",
        ),
        (
            json!([{"organizationName": "O", "validationId": "1", "maxCreates": 1},
                {"organizationName": "P", "validationId": "1", "maxCreates": 1}]),
            "given twice",
        ),
    ] {
        let err = expect_error(
            env.admin(
                Method::POST,
                "/_sandbox/validation-codes",
                Some(json!({"items": items})),
            )
            .await,
            400,
            800002,
        )
        .await;
        assert!(
            err["description"].as_str().unwrap().contains(message),
            "{message}: {err}"
        );
    }
    expect_error(
        env.admin(Method::POST, "/_sandbox/validation-codes", Some(json!({})))
            .await,
        400,
        800002,
    )
    .await;
}

#[tokio::test]
async fn unknown_customers_and_token_types() {
    let env = env().await;
    for (method, body) in [(Method::GET, None), (Method::POST, Some(education()))] {
        expect_error(
            env.call(
                method,
                &format!("/v1/customers/{UNKNOWN_ID}/qualifications"),
                body,
            )
            .await,
            404,
            60003,
        )
        .await;
    }
    let cid = env.new_customer("qualauth.onmicrosoft.com").await;
    env.assert_app_user_only(&[(
        Method::POST,
        format!("/v1/customers/{cid}/qualifications"),
        Some(education()),
    )])
    .await;
    // Reading qualifications and validation codes is open to App-only tokens.
    env.assert_app_only_allowed(&[
        format!("/v1/customers/{cid}/qualifications"),
        "/v1/customers/all/validations".to_string(),
    ])
    .await;
}
