//! GET /v1/customers/{id}/subscribedskus (issue 14 contract §12) and the admin call that
//! seeds it: empty by default, Group1 unless licenseGroupIds says otherwise, App+User only.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{Value, json};

/// The documented example item (get-a-list-of-available-licenses).
fn ems() -> Value {
    json!({
        "availableUnits": 4, "activeUnits": 5, "consumedUnits": 1, "suspendedUnits": 0, "totalUnits": 5, "warningUnits": 0,
        "productSku": {"id": "efccb6f7-5641-4e0e-bd10-b4976e1bf68e", "name": "Enterprise Mobility + Security E3",
                       "skuPartNumber": "EMS", "targetType": "User", "licenseGroupId": "group1"},
        "servicePlans": [{"displayName": "Azure Information Protection Premium P1", "serviceName": "RMS_S_PREMIUM",
                          "id": "6c57d4b6-3b23-47a5-9bc9-69f17b4947b3", "capabilityStatus": "Enabled", "targetType": "User"}],
        "capabilityStatus": "Enabled",
        "attributes": {"objectType": "SubscribedSku"}
    })
}

fn minecraft() -> Value {
    json!({"productSku": {"id": "m1", "name": "Minecraft: Education Edition", "skuPartNumber": "MEE",
                          "licenseGroupId": "Group2"},
           "totalUnits": 30, "consumedUnits": 12})
}

async fn seed(env: &Env, cid: &str, items: Value) -> Value {
    env.admin_ok(
        &format!("/_sandbox/customers/{cid}/licenses"),
        json!({"items": items}),
    )
    .await
}

#[tokio::test]
async fn licences_are_empty_until_seeded_and_group1_by_default() {
    let env = env().await;
    let cid = env.new_customer("licences.onmicrosoft.com").await;
    let path = format!("/v1/customers/{cid}/subscribedskus");
    let (status, v) = env.json(Method::GET, &path, None).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (v["totalCount"].clone(), v["items"].clone()),
        (json!(0), json!([]))
    );
    assert_eq!(v["attributes"]["objectType"], "Collection");

    let stored = seed(&env, &cid, json!([ems(), minecraft()])).await;
    assert_eq!(stored["totalCount"], 2);
    assert_eq!(stored["items"][0], ems(), "the documented item round-trips");
    // Defaults: targetType User, activeUnits = total, available = total − consumed.
    assert_eq!(
        stored["items"][1],
        json!({"availableUnits": 18, "activeUnits": 30, "consumedUnits": 12, "suspendedUnits": 0,
               "totalUnits": 30, "warningUnits": 0,
               "productSku": {"id": "m1", "name": "Minecraft: Education Edition", "skuPartNumber": "MEE",
                              "targetType": "User", "licenseGroupId": "group2"},
               "servicePlans": [], "capabilityStatus": "Enabled",
               "attributes": {"objectType": "SubscribedSku"}})
    );

    let (_, v) = env.json(Method::GET, &path, None).await;
    assert_eq!(v["totalCount"], 1, "Group1 only by default");
    assert_eq!(v["items"][0], ems());
    for (query, expected) in [
        ("?licenseGroupIds=Group1", vec!["EMS"]),
        ("?licenseGroupIds=Group2", vec!["MEE"]),
        (
            "?licenseGroupIds=group2&licenseGroupIds=GROUP1",
            vec!["EMS", "MEE"],
        ),
        (
            "?LicenseGroupIds=Group2&licenseGroupIds=Group2",
            vec!["MEE"],
        ),
    ] {
        let (status, v) = env.json(Method::GET, &format!("{path}{query}"), None).await;
        assert_eq!(status, 200);
        let parts: Vec<&str> = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["productSku"]["skuPartNumber"].as_str().unwrap())
            .collect();
        assert_eq!(parts, expected, "{query}");
        assert_eq!(v["totalCount"], expected.len());
    }
    for bad in ["Group3", "", "Group1,Group2", "None"] {
        expect_error(
            env.call(Method::GET, &format!("{path}?licenseGroupIds={bad}"), None)
                .await,
            400,
            800002,
        )
        .await;
    }

    // The admin call replaces the list.
    seed(&env, &cid, json!([minecraft()])).await;
    assert_eq!(env.json(Method::GET, &path, None).await.1["totalCount"], 0);
    seed(&env, &cid, json!([])).await;
    let (_, v) = env
        .json(Method::GET, &format!("{path}?licenseGroupIds=Group2"), None)
        .await;
    assert_eq!(v["totalCount"], 0);
}

#[tokio::test]
async fn the_admin_call_refuses_what_it_cannot_read() {
    let env = env().await;
    let cid = env.new_customer("licenceadmin.onmicrosoft.com").await;
    let path = format!("/_sandbox/customers/{cid}/licenses");
    let with = |f: &dyn Fn(&mut Value)| {
        let mut item = minecraft();
        f(&mut item);
        json!({"items": [item]})
    };
    for (body, message) in [
        (json!({}), "items is required"),
        (json!({"items": {}}), "items must be an array"),
        (json!({"items": [], "extra": 1}), "unknown member 'extra'"),
        (
            with(&|i| {
                i.as_object_mut().unwrap().remove("productSku");
            }),
            "items[0].productSku is required",
        ),
        (
            with(&|i| {
                i["productSku"].as_object_mut().unwrap().remove("name");
            }),
            "items[0].productSku.name is required",
        ),
        (
            with(&|i| i["productSku"]["licenseGroupId"] = json!("Group9")),
            "Group1 or Group2",
        ),
        (
            with(&|i| i["productSku"]["colour"] = json!("red")),
            "unknown member 'items[0].productSku.colour'",
        ),
        (
            with(&|i| i["totalUnits"] = json!(-1)),
            "items[0].totalUnits must be an integer",
        ),
        (
            with(&|i| i["consumedUnits"] = json!("12")),
            "items[0].consumedUnits must be an integer",
        ),
        (
            with(&|i| i["servicePlans"] = json!([{"id": "p"}])),
            "items[0].servicePlans[0].displayName is required",
        ),
    ] {
        let err = expect_error(
            env.admin(Method::POST, &path, Some(body)).await,
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
        env.admin(
            Method::POST,
            &format!("/_sandbox/customers/{UNKNOWN_ID}/licenses"),
            Some(json!({"items": []})),
        )
        .await,
        404,
        60003,
    )
    .await;
}

#[tokio::test]
async fn unknown_customers_and_app_only_tokens_are_refused() {
    let env = env().await;
    expect_error(
        env.call(
            Method::GET,
            &format!("/v1/customers/{UNKNOWN_ID}/subscribedskus"),
            None,
        )
        .await,
        404,
        60003,
    )
    .await;
    expect_error(
        env.call(Method::GET, "/v1/customers/bad/subscribedskus", None)
            .await,
        400,
        900118,
    )
    .await;
    let cid = env.new_customer("licenceauth.onmicrosoft.com").await;
    env.assert_app_user_only(&[(
        Method::GET,
        format!("/v1/customers/{cid}/subscribedskus"),
        None,
    )])
    .await;
}
