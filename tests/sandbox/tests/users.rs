//! A customer's users (issue 14 contract §7–§11): create (200 with the password echoed),
//! field rules, 409 for a taken user principal name, paging like customers, the deleted-user
//! filter, update and password reset, soft delete, restore, the 30-day purge by the
//! emulator's clock, App+User only, and the password never reaching the log.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

use common::*;
use reqwest::Method;
use serde_json::{Value, json};

const DOMAIN: &str = "usersco.onmicrosoft.com";
const PASSWORD: &str = "Onboard!2024";

fn new_user(name: &str) -> Value {
    json!({
        "userPrincipalName": format!("{name}@{DOMAIN}"),
        "firstName": "First",
        "lastName": "Last",
        "displayName": format!("User {name}"),
        "usageLocation": "US",
        "passwordProfile": {"password": PASSWORD, "forceChangePassword": true}
    })
}

async fn setup() -> (Env, String) {
    let env = env().await;
    let id = env.new_customer(DOMAIN).await;
    (env, id)
}

async fn create_user(env: &Env, cid: &str, body: Value) -> (u16, Value) {
    env.json(
        Method::POST,
        &format!("/v1/customers/{cid}/users"),
        Some(body),
    )
    .await
}

async fn create_ok(env: &Env, cid: &str, name: &str) -> String {
    let (status, v) = create_user(env, cid, new_user(name)).await;
    assert_eq!(status, 200, "{v}");
    v["id"].as_str().unwrap().to_string()
}

fn filter_query(value: &str) -> String {
    common::signin::urlencode(
        &json!({"Field": "UserState", "Value": value, "Operator": "equals"}).to_string(),
    )
}

fn ids_of(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn create_answers_200_with_the_whole_user() {
    let (env, cid) = setup().await;
    let (status, v) = create_user(&env, &cid, new_user("jane")).await;
    assert_eq!(status, 200, "{v}");
    let uid = v["id"].as_str().unwrap();
    assert!(is_guid(&v["id"]));
    assert_eq!(
        v,
        json!({
            "id": uid,
            "userPrincipalName": format!("jane@{DOMAIN}"),
            "firstName": "First",
            "lastName": "Last",
            "displayName": "User jane",
            "usageLocation": "US",
            "passwordProfile": {"password": PASSWORD, "forceChangePassword": true},
            "userDomainType": "none",
            "state": "active",
            "softDeletionTime": null,
            "links": {"self": {"uri": format!("/customers/{cid}/users/{uid}"), "method": "GET", "headers": []}},
            "attributes": {"objectType": "CustomerUser"}
        })
    );

    // PascalCase, nulls, read-only and unknown members; the domain in any case; the SDK's
    // trailing slash; usageLocation upper-cased.
    let resp = env
        .call(
            Method::POST,
            &format!("/v1/customers/{cid}/users/"),
            Some(json!({
                "UserPrincipalName": "Bob@USERSCO.onmicrosoft.com",
                "DisplayName": "Bob",
                "FirstName": null,
                "UsageLocation": "gb",
                "ImmutableId": "bob-1",
                "PhoneNumber": "555",
                "PasswordProfile": {"Password": "bobs-Secret1", "ForceChangePassword": null},
                "Id": "00000000-0000-0000-0000-000000000000",
                "State": "inactive",
                "UserDomainType": "federated",
                "SoftDeletionTime": "2020-01-01T00:00:00Z",
                "Attributes": {"ObjectType": "CustomerUser"},
                "Nickname": "bobby"
            })),
        )
        .await;
    let (status, v) = status_json(resp).await;
    assert_eq!(status, 200, "{v}");
    assert_ne!(v["id"], "00000000-0000-0000-0000-000000000000");
    assert_eq!(v["userPrincipalName"], "Bob@USERSCO.onmicrosoft.com");
    assert_eq!(v["usageLocation"], "GB");
    assert_eq!(v["immutableId"], "bob-1");
    assert_eq!(v["phoneNumber"], "555");
    assert_eq!(v["passwordProfile"], json!({"password": "bobs-Secret1"}));
    assert_eq!(v["state"], "active");
    assert_eq!(v["userDomainType"], "none");
    assert!(v.get("firstName").is_none());
    assert!(v.get("nickname").is_none());

    // Reads never return the password.
    let (status, got) = env
        .json(
            Method::GET,
            &format!("/v1/customers/{cid}/users/{uid}"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert!(got.get("passwordProfile").is_none(), "{got}");
    assert_eq!(got["displayName"], "User jane");
    let (_, list) = env
        .json(Method::GET, &format!("/v1/customers/{cid}/users"), None)
        .await;
    assert!(!list.to_string().contains(PASSWORD));
}

#[tokio::test]
async fn invalid_users_are_400_800002_naming_the_field_and_never_the_password() {
    let (env, cid) = setup().await;
    let path = format!("/v1/customers/{cid}/users");
    let with = |pointer: &str, value: Value| {
        let mut b = new_user("x");
        *b.pointer_mut(pointer).unwrap() = value;
        b
    };
    let without = |member: &str| {
        let mut b = new_user("x");
        b.as_object_mut().unwrap().remove(member);
        b
    };
    let cases = [
        (
            without("userPrincipalName"),
            "userPrincipalName is required",
        ),
        (without("displayName"), "displayName is required"),
        (without("passwordProfile"), "passwordProfile is required"),
        (
            with("/passwordProfile", json!({"forceChangePassword": true})),
            "passwordProfile.password is required",
        ),
        (
            with("/passwordProfile/password", json!("Sh0rt!")),
            "passwordProfile.password must be 8 to 256 characters",
        ),
        (
            with("/passwordProfile/password", json!("onlylowercase1")),
            "at least three of",
        ),
        (
            with("/passwordProfile/password", json!("ALLUPPER!!!!")),
            "at least three of",
        ),
        (
            with(
                "/passwordProfile/password",
                json!(format!("Aa1{}", "x".repeat(254))),
            ),
            "8 to 256",
        ),
        (
            with("/passwordProfile/forceChangePassword", json!("yes")),
            "forceChangePassword must be true or false",
        ),
        (
            with("/userPrincipalName", json!("x@fabrikam.com")),
            "userPrincipalName must be in one of the customer's domains",
        ),
        (
            with("/userPrincipalName", json!("x")),
            "userPrincipalName must be name@domain",
        ),
        (
            with("/userPrincipalName", json!(format!("@{DOMAIN}"))),
            "userPrincipalName must be name@domain",
        ),
        (
            with("/userPrincipalName", json!(42)),
            "userPrincipalName must be a string",
        ),
        (
            with("/displayName", json!("  ")),
            "displayName must not be empty",
        ),
        (
            with("/usageLocation", json!("USA")),
            "usageLocation must be a two-letter country code",
        ),
        (
            with("/usageLocation", json!("1A")),
            "usageLocation must be a two-letter country code",
        ),
    ];
    for (body, message) in cases {
        let err = expect_error(env.call(Method::POST, &path, Some(body)).await, 400, 800002).await;
        let text = err.to_string();
        assert!(text.contains(message), "{message}: {err}");
        assert!(
            !text.contains("onlylowercase1") && !text.contains("Sh0rt!"),
            "{err}"
        );
    }
    let err = expect_error(
        env.call(Method::POST, &path, Some(json!({}))).await,
        400,
        800002,
    )
    .await;
    assert_eq!(err["data"].as_array().unwrap().len(), 3, "{err}");
    expect_error(
        env.call(Method::POST, &path, Some(json!("jane"))).await,
        400,
        800002,
    )
    .await;
    let (_, list) = env.json(Method::GET, &path, None).await;
    assert_eq!(list["totalCount"], 0, "nothing was created");
}

#[tokio::test]
async fn a_taken_user_principal_name_is_409_3000_until_the_user_is_purged() {
    let (env, cid) = setup().await;
    let uid = create_ok(&env, &cid, "taken").await;
    let mut again = new_user("TAKEN");
    again["displayName"] = json!("Another");
    let (status, err) = create_user(&env, &cid, again.clone()).await;
    assert_eq!(status, 409, "{err}");
    assert_eq!(err["code"], 3000);
    assert_eq!(
        err["description"],
        format!("A user with the user principal name TAKEN@{DOMAIN} already exists.")
    );
    // A deleted user still holds its name …
    let del = env
        .call(
            Method::DELETE,
            &format!("/v1/customers/{cid}/users/{uid}"),
            None,
        )
        .await;
    assert_eq!(del.status().as_u16(), 204);
    assert_eq!(create_user(&env, &cid, again.clone()).await.0, 409);
    // … until it is purged.
    env.advance_days(30).await;
    assert_eq!(create_user(&env, &cid, again).await.0, 200);
}

#[tokio::test]
async fn users_page_like_customers() {
    let (env, cid) = setup().await;
    let mut created = Vec::new();
    for i in 0..7 {
        created.push(create_ok(&env, &cid, &format!("u{i}")).await);
    }
    let base = format!("/v1/customers/{cid}/users");
    let (status, page) = env.json(Method::GET, &format!("{base}?size=3"), None).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["totalCount"], 3, "items in this page");
    assert_eq!(page["attributes"]["objectType"], "Collection");
    assert_eq!(page["links"]["self"]["uri"], format!("{base}?size=3"));
    let next = &page["links"]["next"];
    assert_eq!(next["uri"], format!("{base}?seekOperation=Next"));
    assert_eq!(next["method"], "GET");
    assert_eq!(next["headers"][0]["key"], "MS-ContinuationToken");
    assert_eq!(next["headers"][0]["value"], page["continuationToken"]);
    let mut seen = ids_of(&page);
    let mut token = page["continuationToken"].as_str().unwrap().to_string();
    loop {
        let resp = env
            .get(&format!("{base}?seekOperation=Next"))
            .header("MS-ContinuationToken", &token)
            .send()
            .await
            .unwrap();
        let (status, page) = status_json(resp).await;
        assert_eq!(status, 200, "{page}");
        seen.extend(ids_of(&page));
        match page["continuationToken"].as_str() {
            Some(t) => token = t.to_string(),
            None => {
                assert!(page["links"].get("next").is_none());
                break;
            }
        }
        assert!(seen.len() <= 7, "paging must end");
    }
    assert_eq!(seen, created, "creation order, nothing skipped or repeated");

    // size=0: everything in one page; no size: 100 a page.
    let (_, all) = env.json(Method::GET, &format!("{base}?size=0"), None).await;
    assert_eq!(
        (all["totalCount"].clone(), all.get("continuationToken")),
        (json!(7), None)
    );
    let (_, all) = env.json(Method::GET, &base, None).await;
    assert_eq!(all["totalCount"], 7);
    assert_eq!(env.get_status(&format!("{base}?size=500")).await, 200);
    for bad in ["size=501", "size=-1", "size=ten", "seekOperation=Previous"] {
        expect_error(
            env.call(Method::GET, &format!("{base}?{bad}"), None).await,
            400,
            800002,
        )
        .await;
    }
    // Next needs a token this server issued for this list.
    expect_error(
        env.call(Method::GET, &format!("{base}?seekOperation=Next"), None)
            .await,
        400,
        800002,
    )
    .await;
    let other = env.new_customer("otherusers.onmicrosoft.com").await;
    let customers_page: Value = env
        .get("/v1/customers?size=1")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let customers_token = customers_page["continuationToken"].as_str().unwrap();
    for (list, token) in [
        (format!("/v1/customers/{other}/users"), token.as_str()),
        (base.clone(), customers_token),
        (base.clone(), "garbage"),
    ] {
        let resp = env
            .get(&format!("{list}?seekOperation=Next"))
            .header("MS-ContinuationToken", token)
            .send()
            .await
            .unwrap();
        expect_error(resp, 400, 800002).await;
    }
}

#[tokio::test]
async fn the_default_page_is_100_users() {
    let (env, cid) = setup().await;
    for i in 0..101 {
        create_ok(&env, &cid, &format!("many{i}")).await;
    }
    let (_, page) = env
        .json(Method::GET, &format!("/v1/customers/{cid}/users"), None)
        .await;
    assert_eq!(page["totalCount"], 100);
    assert!(page["continuationToken"].is_string());
    let (_, page) = env
        .json(
            Method::GET,
            &format!("/v1/customers/{cid}/users?size=0"),
            None,
        )
        .await;
    assert_eq!(page["totalCount"], 101);
}

#[tokio::test]
async fn deleted_users_are_listed_only_through_the_user_state_filter() {
    let (env, cid) = setup().await;
    let keep = create_ok(&env, &cid, "keep").await;
    let gone = create_ok(&env, &cid, "gone").await;
    let also = create_ok(&env, &cid, "also").await;
    for uid in [&gone, &also] {
        let resp = env
            .call(
                Method::DELETE,
                &format!("/v1/customers/{cid}/users/{uid}"),
                None,
            )
            .await;
        assert_eq!(resp.status().as_u16(), 204);
    }
    let base = format!("/v1/customers/{cid}/users");
    let (_, active) = env.json(Method::GET, &base, None).await;
    assert_eq!(ids_of(&active), [keep.as_str()]);
    let (_, deleted) = env
        .json(
            Method::GET,
            &format!("{base}?size=10&filter={}", filter_query("Inactive")),
            None,
        )
        .await;
    assert_eq!(ids_of(&deleted), [gone.clone(), also.clone()]);
    assert_eq!(deleted["items"][0]["state"], "inactive");
    let when = deleted["items"][0]["softDeletionTime"].as_str().unwrap();
    assert!(
        sandbox::datetime::parse(when).is_some() && when.ends_with('Z'),
        "{when}"
    );

    // The older field name, any case, paging with the filter kept in the token.
    let raw = common::signin::urlencode(
        r#"{"field":"UserStatus","value":"inactive","operator":"EQUALS"}"#,
    );
    let (_, first) = env
        .json(Method::GET, &format!("{base}?size=1&filter={raw}"), None)
        .await;
    assert_eq!(ids_of(&first), [gone.as_str()]);
    let resp = env
        .get(&format!("{base}?seekOperation=Next"))
        .header(
            "MS-ContinuationToken",
            first["continuationToken"].as_str().unwrap(),
        )
        .send()
        .await
        .unwrap();
    let (_, second) = status_json(resp).await;
    assert_eq!(ids_of(&second), [also.as_str()]);
    // Active is the default.
    let (_, v) = env
        .json(
            Method::GET,
            &format!("{base}?filter={}", filter_query("Active")),
            None,
        )
        .await;
    assert_eq!(ids_of(&v), [keep]);

    for bad in [
        "not json".to_string(),
        r#"{"Field":"DisplayName","Value":"Inactive","Operator":"equals"}"#.into(),
        r#"{"Field":"UserState","Value":"Inactive","Operator":"starts_with"}"#.into(),
        r#"{"Field":"UserState","Value":"Deleted","Operator":"equals"}"#.into(),
        r#"{"Field":"UserState","Operator":"equals"}"#.into(),
    ] {
        let path = format!("{base}?filter={}", common::signin::urlencode(&bad));
        expect_error(env.call(Method::GET, &path, None).await, 400, 800002).await;
    }
}

#[tokio::test]
async fn get_is_404_60002_for_unknown_and_deleted_users() {
    let (env, cid) = setup().await;
    let uid = create_ok(&env, &cid, "get").await;
    let path = format!("/v1/customers/{cid}/users/{uid}");
    assert_eq!(env.get_status(&path).await, 200);
    let err = expect_error(
        env.call(
            Method::GET,
            &format!("/v1/customers/{cid}/users/{UNKNOWN_ID}"),
            None,
        )
        .await,
        404,
        60002,
    )
    .await;
    assert_eq!(err["description"], "User object Id is not found");
    // A user of another customer is not this customer's.
    let other = env.new_customer("getother.onmicrosoft.com").await;
    expect_error(
        env.call(
            Method::GET,
            &format!("/v1/customers/{other}/users/{uid}"),
            None,
        )
        .await,
        404,
        60002,
    )
    .await;
    expect_error(
        env.call(
            Method::GET,
            &format!("/v1/customers/{cid}/users/not-a-guid"),
            None,
        )
        .await,
        400,
        800002,
    )
    .await;
    assert_eq!(
        env.call(Method::DELETE, &path, None)
            .await
            .status()
            .as_u16(),
        204
    );
    expect_error(env.call(Method::GET, &path, None).await, 404, 60002).await;
}

#[tokio::test]
async fn update_changes_the_members_sent() {
    let (env, cid) = setup().await;
    let uid = create_ok(&env, &cid, "upd").await;
    let path = format!("/v1/customers/{cid}/users/{uid}");
    let (status, v) = env
        .json(
            Method::PATCH,
            &path,
            Some(
                json!({"usageLocation": "ca", "DisplayName": "Renamed", "phoneNumber": "555-0100",
                        "attributes": {"objectType": "CustomerUser"}, "id": UNKNOWN_ID,
                        "userDomainType": "federated", "softDeletionTime": "2020-01-01T00:00:00Z",
                        "lastName": null}),
            ),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["usageLocation"], "CA");
    assert_eq!(v["displayName"], "Renamed");
    assert_eq!(v["phoneNumber"], "555-0100");
    assert_eq!(v["lastName"], "Last", "null keeps the value");
    assert_eq!(v["firstName"], "First");
    assert_eq!(v["id"], uid.as_str(), "read-only members are ignored");
    assert_eq!(v["userDomainType"], "none");
    assert_eq!(v["softDeletionTime"], Value::Null);
    assert!(v.get("passwordProfile").is_none());
    assert_eq!(
        env.json(Method::GET, &path, None).await.1["displayName"],
        "Renamed"
    );

    // Password reset: echoed in this answer only.
    let (status, v) = env
        .json(
            Method::PATCH,
            &path,
            Some(
                json!({"passwordProfile": {"password": "Renew456*", "forceChangePassword": true}}),
            ),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        v["passwordProfile"],
        json!({"password": "Renew456*", "forceChangePassword": true})
    );
    assert!(
        env.json(Method::GET, &path, None)
            .await
            .1
            .get("passwordProfile")
            .is_none()
    );

    // A new user principal name: same rules as on create.
    let (status, v) = env
        .json(
            Method::PATCH,
            &path,
            Some(json!({"userPrincipalName": format!("UPD@{DOMAIN}")})),
        )
        .await;
    assert_eq!(
        (status, v["userPrincipalName"].clone()),
        (200, json!(format!("UPD@{DOMAIN}")))
    );
    create_ok(&env, &cid, "other").await;
    let (status, err) = env
        .json(
            Method::PATCH,
            &path,
            Some(json!({"userPrincipalName": format!("Other@{DOMAIN}")})),
        )
        .await;
    assert_eq!((status, err["code"].clone()), (409, json!(3000)), "{err}");
    for (body, message) in [
        (
            json!({"userPrincipalName": "upd@fabrikam.com"}),
            "customer's domains",
        ),
        (
            json!({"passwordProfile": {"password": "weakweak"}}),
            "at least three of",
        ),
        (
            json!({"passwordProfile": {}}),
            "passwordProfile.password is required",
        ),
        (json!({"displayName": ""}), "displayName must not be empty"),
        (json!({"usageLocation": "Canada"}), "usageLocation"),
        (json!({"state": "inactive"}), "delete the user instead"),
        (json!({"state": "suspended"}), "state must be active"),
        (json!({"firstName": 1}), "firstName must be a string"),
    ] {
        let err = expect_error(
            env.call(Method::PATCH, &path, Some(body)).await,
            400,
            800002,
        )
        .await;
        assert!(
            err["description"].as_str().unwrap().contains(message),
            "{message}: {err}"
        );
        assert!(!err.to_string().contains("weakweak"));
    }
    // state active on an active user is harmless; an empty body changes nothing.
    assert_eq!(
        env.json(Method::PATCH, &path, Some(json!({"state": "Active"})))
            .await
            .0,
        200
    );
    let (status, v) = env.json(Method::PATCH, &path, Some(json!({}))).await;
    assert_eq!((status, v["displayName"].clone()), (200, json!("Renamed")));
    expect_error(
        env.call(
            Method::PATCH,
            &format!("/v1/customers/{cid}/users/{UNKNOWN_ID}"),
            Some(json!({})),
        )
        .await,
        404,
        60002,
    )
    .await;
}

#[tokio::test]
async fn delete_is_soft_and_restorable_for_thirty_days() {
    let (env, cid) = setup().await;
    let uid = create_ok(&env, &cid, "soft").await;
    let path = format!("/v1/customers/{cid}/users/{uid}");
    let resp = env.call(Method::DELETE, &path, None).await;
    assert_eq!(resp.status().as_u16(), 204);
    assert!(resp.text().await.unwrap().is_empty());
    // Deleting again, reading and updating without a restore: not found.
    expect_error(env.call(Method::DELETE, &path, None).await, 404, 60002).await;
    expect_error(env.call(Method::GET, &path, None).await, 404, 60002).await;
    expect_error(
        env.call(
            Method::PATCH,
            &path,
            Some(json!({"displayName": "Not yet"})),
        )
        .await,
        404,
        60002,
    )
    .await;
    expect_error(
        env.call(Method::PATCH, &path, Some(json!({"state": "inactive"})))
            .await,
        404,
        60002,
    )
    .await;
    // A restore with invalid members is refused without restoring.
    let err = expect_error(
        env.call(
            Method::PATCH,
            &path,
            Some(json!({"state": "active", "usageLocation": "XYZ"})),
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
            .contains("usageLocation")
    );
    expect_error(env.call(Method::GET, &path, None).await, 404, 60002).await;

    // 29 days later it is still there to restore (PascalCase, as the docs send it), with
    // other members changed at the same time.
    env.advance_days(29).await;
    let (status, v) = env
        .json(
            Method::PATCH,
            &path,
            Some(json!({"State": "active", "DisplayName": "Restored", "Attributes": {"ObjectType": "CustomerUser"}})),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["state"], "active");
    assert_eq!(v["softDeletionTime"], Value::Null);
    assert_eq!(v["displayName"], "Restored");
    assert_eq!(env.get_status(&path).await, 200);
    let (_, list) = env
        .json(Method::GET, &format!("/v1/customers/{cid}/users"), None)
        .await;
    assert_eq!(ids_of(&list), [uid.as_str()]);
}

#[tokio::test]
async fn a_deleted_user_is_purged_after_thirty_days() {
    let (env, cid) = setup().await;
    let uid = create_ok(&env, &cid, "purged").await;
    let path = format!("/v1/customers/{cid}/users/{uid}");
    assert_eq!(
        env.call(Method::DELETE, &path, None)
            .await
            .status()
            .as_u16(),
        204
    );
    let deleted = format!(
        "/v1/customers/{cid}/users?filter={}",
        filter_query("Inactive")
    );
    env.advance_days(29).await;
    assert_eq!(
        env.json(Method::GET, &deleted, None).await.1["totalCount"],
        1
    );
    let clock = env.advance_days(1).await;
    assert_eq!(clock["offsetSeconds"], 30 * 24 * 3600);
    // Gone for good: not listed, not restorable, not deletable.
    let (_, v) = env.json(Method::GET, &deleted, None).await;
    assert_eq!(
        (v["totalCount"].clone(), v["items"].clone()),
        (json!(0), json!([]))
    );
    expect_error(
        env.call(Method::PATCH, &path, Some(json!({"state": "active"})))
            .await,
        404,
        60002,
    )
    .await;
    expect_error(env.call(Method::DELETE, &path, None).await, 404, 60002).await;
    expect_error(env.call(Method::GET, &path, None).await, 404, 60002).await;

    // The soft-deletion time is the emulator's clock at the delete.
    let fresh = create_ok(&env, &cid, "fresh").await;
    assert_eq!(
        env.call(
            Method::DELETE,
            &format!("/v1/customers/{cid}/users/{fresh}"),
            None
        )
        .await
        .status()
        .as_u16(),
        204
    );
    let (_, v) = env.json(Method::GET, &deleted, None).await;
    let when = sandbox::datetime::parse(v["items"][0]["softDeletionTime"].as_str().unwrap())
        .unwrap()
        .secs();
    let now = sandbox::datetime::parse(clock["now"].as_str().unwrap())
        .unwrap()
        .secs();
    assert!((when - now).abs() < 60, "{when} vs {now}");
}

#[tokio::test]
async fn unknown_customers_are_404_60003() {
    let env = env().await;
    let users = format!("/v1/customers/{UNKNOWN_ID}/users");
    let user = format!("{users}/{UNKNOWN_ID}");
    for (method, path, body) in [
        (Method::POST, users.clone(), Some(new_user("x"))),
        (Method::GET, users.clone(), None),
        (Method::GET, user.clone(), None),
        (
            Method::PATCH,
            user.clone(),
            Some(json!({"displayName": "x"})),
        ),
        (Method::DELETE, user.clone(), None),
    ] {
        expect_error(env.call(method, &path, body).await, 404, 60003).await;
    }
    expect_error(
        env.call(
            Method::GET,
            &format!("/v1/customers/nope/users/{UNKNOWN_ID}"),
            None,
        )
        .await,
        400,
        900118,
    )
    .await;
    // Deleting the customer takes its users with it.
    let cid = env.new_customer("gonecustomer.onmicrosoft.com").await;
    let uid = create_ok_in(&env, &cid, "gonecustomer.onmicrosoft.com").await;
    assert_eq!(
        env.call(Method::DELETE, &format!("/v1/customers/{cid}"), None)
            .await
            .status()
            .as_u16(),
        204
    );
    expect_error(
        env.call(
            Method::GET,
            &format!("/v1/customers/{cid}/users/{uid}"),
            None,
        )
        .await,
        404,
        60003,
    )
    .await;
}

async fn create_ok_in(env: &Env, cid: &str, domain: &str) -> String {
    let mut body = new_user("x");
    body["userPrincipalName"] = json!(format!("someone@{domain}"));
    let (status, v) = create_user(env, cid, body).await;
    assert_eq!(status, 200, "{v}");
    v["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn app_only_tokens_are_refused() {
    let (env, cid) = setup().await;
    let uid = create_ok(&env, &cid, "auth").await;
    let users = format!("/v1/customers/{cid}/users");
    let user = format!("{users}/{uid}");
    env.assert_app_user_only(&[
        (Method::POST, users.clone(), Some(new_user("auth2"))),
        (Method::GET, users.clone(), None),
        (Method::GET, user.clone(), None),
        (
            Method::PATCH,
            user.clone(),
            Some(json!({"displayName": "x"})),
        ),
        (Method::DELETE, user.clone(), None),
    ])
    .await;
}

/// Kills the binary if the test panics before stopping it, so no emulator outlives the test.
struct Reaper(Option<std::process::Child>);

impl Drop for Reaper {
    fn drop(&mut self) {
        if let Some(child) = self.0.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[test]
fn the_password_never_reaches_the_log() {
    let mut reaper = Reaper(Some(
        Command::new(env!("CARGO_BIN_EXE_sandbox"))
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    ));
    let child = reaper.0.as_mut().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let base = first
        .trim_end()
        .strip_prefix("listening on ")
        .unwrap()
        .to_string();
    let secret = "Log-Me-Not!2024";
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let client = common::client();
        let v: Value = client
            .post(format!("{base}/v1/customers"))
            .bearer_auth("t")
            .json(&customer("logged.onmicrosoft.com", "Logged"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let cid = v["id"].as_str().unwrap();
        let user = json!({"userPrincipalName": "a@logged.onmicrosoft.com", "displayName": "A",
                          "passwordProfile": {"password": secret}});
        let r = client
            .post(format!("{base}/v1/customers/{cid}/users"))
            .bearer_auth("t")
            .json(&user)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let uid = r.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        // A refused one and a reset too.
        let r = client
            .post(format!("{base}/v1/customers/{cid}/users"))
            .bearer_auth("t")
            .json(&user)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 409);
        let r = client
            .patch(format!("{base}/v1/customers/{cid}/users/{uid}"))
            .bearer_auth("t")
            .json(&json!({"passwordProfile": {"password": secret}}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
    });
    drop(rt);
    let mut child = reaper.0.take().unwrap();
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    assert!(child.wait().unwrap().success());
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(
        log.contains("POST /v1/customers/"),
        "the calls were logged:\n{log}"
    );
    assert!(log.contains("/users 409"), "{log}");
    assert!(!log.contains(secret), "never log a password:\n{log}");
}
