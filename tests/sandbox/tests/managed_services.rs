//! GET /v1/customers/{id}/managedservices (issue 14 contract §16): the three Office services
//! with portal links built from the customer id and domain; App+User only.

mod common;

use common::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn every_customer_has_three_managed_services() {
    let env = env().await;
    let domain = "managed.onmicrosoft.com";
    let cid = env.new_customer(domain).await;
    let (status, v) = env
        .json(
            Method::GET,
            &format!("/v1/customers/{cid}/managedservices"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["totalCount"], 3);
    assert_eq!(v["attributes"]["objectType"], "Collection");
    let portal = "https://portal.office.com/Partner/BeginClientSession.aspx";
    let link = |uri: String| json!({"uri": uri, "method": "GET", "headers": []});
    let expected: Vec<_> = [
        ("Exchange", "Exchange"),
        ("SharePoint", "SharePoint"),
        ("MicrosoftCommunicationsOnline", "SkypeforBusiness"),
    ]
    .iter()
    .map(|(id, name)| {
        json!({
            "id": id, "name": name, "groupName": "Office",
            "links": {
                "adminService": link(format!("{portal}?CTID={cid}&CSDEST={id}&InitialDomain={domain}&PrimaryDomain={domain}")),
                "serviceHealth": link(format!("{portal}?CTID={cid}&CSDEST=ServiceStatus")),
                "serviceTicket": link(format!("{portal}?CTID={cid}&CSDEST=Support")),
            },
            "attributes": {"objectType": "ManagedService"}
        })
    })
    .collect();
    assert_eq!(v["items"], json!(expected));
    assert_no_nulls(&v, "");
}

#[tokio::test]
async fn unknown_customers_and_app_only_tokens_are_refused() {
    let env = env().await;
    expect_error(
        env.call(
            Method::GET,
            &format!("/v1/customers/{UNKNOWN_ID}/managedservices"),
            None,
        )
        .await,
        404,
        60003,
    )
    .await;
    let cid = env.new_customer("managedauth.onmicrosoft.com").await;
    env.assert_app_user_only(&[(
        Method::GET,
        format!("/v1/customers/{cid}/managedservices"),
        None,
    )])
    .await;
}
