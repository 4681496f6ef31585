//! GET /v1/relationships (issue 14 contract §1): the partner's indirect resellers, the
//! relationship type in any spelling, the Name filter, and App+User only.

mod common;

use common::*;
use reqwest::Method;
use sandbox::Config;
use serde_json::{Value, json};

const FIRST_UP: &str = "484e548c-f5f3-4528-93a9-c16c6373cb59";

fn encode(s: &str) -> String {
    common::signin::urlencode(s)
}

async fn relationships(env: &Env, query: &str) -> (u16, Value) {
    env.json(Method::GET, &format!("/v1/relationships?{query}"), None)
        .await
}

#[tokio::test]
async fn a_provider_lists_its_resellers_and_a_reseller_view_is_empty() {
    let env = env().await;
    let (status, v) =
        relationships(&env, "relationship_type=IsIndirectCloudSolutionProviderOf").await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        v["items"],
        json!([{
            "id": FIRST_UP,
            "name": "First Up Consultants",
            "relationshipType": "is_indirect_cloud_solution_provider_of",
            "state": "Active",
            "mpnId": "4847383",
            "location": "US",
            "attributes": {"objectType": "PartnerRelationship"}
        }])
    );
    assert_eq!(v["totalCount"], 1);
    assert_eq!(v["attributes"]["objectType"], "Collection");
    assert!(v.get("continuationToken").is_none(), "not paged");
    assert_no_nulls(&v, "");

    // Any case, PascalCase or snake_case.
    for spelling in [
        "isindirectcloudsolutionproviderof",
        "is_indirect_cloud_solution_provider_of",
        "IS_INDIRECT_CLOUD_SOLUTION_PROVIDER_OF",
    ] {
        let (status, v) = relationships(&env, &format!("relationship_type={spelling}")).await;
        assert_eq!(
            (status, v["totalCount"].clone()),
            (200, json!(1)),
            "{spelling}"
        );
    }
    // The emulated partner is a provider: it has no indirect providers of its own.
    for spelling in ["IsIndirectResellerOf", "is_indirect_reseller_of"] {
        let (status, v) = relationships(&env, &format!("relationship_type={spelling}")).await;
        assert_eq!(status, 200);
        assert_eq!(v["totalCount"], 0);
        assert_eq!(v["items"], json!([]));
    }
}

#[tokio::test]
async fn the_relationship_type_is_required_and_closed() {
    let env = env().await;
    for path in [
        "/v1/relationships",
        "/v1/relationships?relationship_type=",
        "/v1/relationships?relationship_type=None",
        "/v1/relationships?relationship_type=IsIndirectProviderOf",
        "/v1/relationships?filter=%7B%7D",
    ] {
        let err = expect_error(env.call(Method::GET, path, None).await, 400, 800002).await;
        assert!(
            err["description"]
                .as_str()
                .unwrap()
                .contains("relationship_type"),
            "{path}: {err}"
        );
    }
}

#[tokio::test]
async fn the_name_filter_is_a_case_insensitive_prefix() {
    let env = env_with(Config {
        resellers: vec![
            FIRST_UP.to_string(),
            "5c8e9a71-2b3d-4e6f-8a9b-0c1d2e3f4a5b".to_string(),
            "6d9fab82-3c4e-4f70-9bac-1d2e3f4a5b6c".to_string(),
        ],
        ..Config::default()
    })
    .await;
    let (_, all) = relationships(&env, "relationship_type=IsIndirectCloudSolutionProviderOf").await;
    let names: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["First Up Consultants", "Reseller 2", "Reseller 3"]);
    for item in all["items"].as_array().unwrap() {
        let mpn = item["mpnId"].as_str().unwrap();
        assert!(
            mpn.len() == 7 && mpn.bytes().all(|b| b.is_ascii_digit()),
            "{mpn}"
        );
        assert_eq!(item["location"], "US");
    }

    let filtered = |value: &str| {
        format!(
            "relationship_type=IsIndirectCloudSolutionProviderOf&filter={}",
            encode(
                &json!({"Field": "Name", "Value": value, "Operator": "starts_with"}).to_string()
            )
        )
    };
    let (status, v) = relationships(&env, &filtered("first UP")).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["totalCount"], 1);
    assert_eq!(v["items"][0]["id"], FIRST_UP);
    let (_, v) = relationships(&env, &filtered("reseller")).await;
    assert_eq!(v["totalCount"], 2);
    let (_, v) = relationships(&env, &filtered("Up")).await;
    assert_eq!(v["totalCount"], 0, "a prefix, not a substring");
    // Keys in any case; the SDK's operator spelling too.
    let raw = encode(r#"{"field":"name","value":"first","operator":"StartsWith"}"#);
    let (_, v) = relationships(
        &env,
        &format!("relationship_type=IsIndirectCloudSolutionProviderOf&filter={raw}"),
    )
    .await;
    assert_eq!(v["totalCount"], 1);
}

#[tokio::test]
async fn a_malformed_filter_is_refused() {
    let env = env().await;
    for filter in [
        "not json",
        "[]",
        r#"{"Field":"MpnId","Value":"48","Operator":"starts_with"}"#,
        r#"{"Field":"Name","Value":"First","Operator":"equals"}"#,
        r#"{"Field":"Name","Operator":"starts_with"}"#,
        r#"{"Value":"First","Operator":"starts_with"}"#,
    ] {
        let path = format!(
            "/v1/relationships?relationship_type=IsIndirectCloudSolutionProviderOf&filter={}",
            encode(filter)
        );
        expect_error(env.call(Method::GET, &path, None).await, 400, 800002).await;
    }
}

#[tokio::test]
async fn a_customers_reseller_has_the_same_name() {
    let env = env().await;
    let mut body = customer("firstupcustomer.onmicrosoft.com", "Customer of First Up");
    body["associatedPartnerId"] = json!(FIRST_UP);
    let id = env.create_ok(&body).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, v) = env
        .json(
            Method::GET,
            &format!("/v1/customers/{id}/relationships"),
            None,
        )
        .await;
    assert_eq!(v["items"][0]["name"], "First Up Consultants");
    assert_eq!(v["items"][0]["mpnId"], "4847383");
    assert_eq!(v["items"][0]["relationshipType"], "is_indirect_reseller_of");
}

#[tokio::test]
async fn app_only_tokens_are_refused() {
    let env = env().await;
    env.assert_app_user_only(&[(
        Method::GET,
        "/v1/relationships?relationship_type=IsIndirectCloudSolutionProviderOf".into(),
        None,
    )])
    .await;
}
