//! Listing, paging, filtering, get/delete/patch, profiles with ETags, domains, address
//! validation, country rules, relationship requests, auth, headers and bad input.

mod common;

use std::io::{Read, Write};

use common::*;
use reqwest::Method;
use sandbox::Config;
use serde_json::{Value, json};

async fn json_of(resp: reqwest::Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("json"))
}

async fn seeded(env: &Env, names: &[&str]) -> Vec<String> {
    let mut ids = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let v = env
            .create_ok(&customer(
                &format!(
                    "{}{i}.onmicrosoft.com",
                    name.to_lowercase().replace(' ', "")
                ),
                name,
            ))
            .await;
        ids.push(v["id"].as_str().unwrap().to_string());
    }
    ids
}

fn item_ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn paging_with_seek_operation_and_the_continuation_header_reaches_the_end() {
    let env = env().await;
    let ids = seeded(&env, &["A", "B", "C", "D", "E", "F", "G"]).await;

    let (status, page) = json_of(env.get("/v1/customers?size=3").send().await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(page["totalCount"], 3, "totalCount = items in this page");
    assert_eq!(page["attributes"]["objectType"], "Collection");
    assert_eq!(page["links"]["self"]["uri"], "/v1/customers?size=3");
    let mut seen = item_ids(&page);
    let mut token = page["continuationToken"].as_str().unwrap().to_string();
    let next = &page["links"]["next"];
    assert_eq!(next["method"], "GET");
    assert_eq!(next["uri"], "/v1/customers?seekOperation=Next");
    assert_eq!(next["headers"][0]["key"], "MS-ContinuationToken");
    assert_eq!(next["headers"][0]["value"], token.as_str());
    // List form: reduced items (reference §4.1).
    let item = &page["items"][0];
    assert!(item.get("billingProfile").is_none() && item.get("commerceId").is_none());
    assert_eq!(item["companyProfile"]["companyName"], "A");
    assert_eq!(item["relationshipToPartner"], "none");
    assert_eq!(item["attributes"]["objectType"], "Customer");
    assert_no_nulls(&page, "");

    let mut pages = 1;
    loop {
        let (status, page) = json_of(
            env.get("/v1/customers?seekOperation=Next")
                .header("MS-ContinuationToken", &token)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200, "{page}");
        pages += 1;
        seen.extend(item_ids(&page));
        match page["continuationToken"].as_str() {
            Some(t) => {
                assert!(page["links"]["next"].is_object());
                token = t.to_string();
            }
            None => {
                assert!(
                    page["links"].get("next").is_none(),
                    "no next on the last page"
                );
                assert_eq!(page["totalCount"], 1);
                break;
            }
        }
        assert!(pages < 10, "paging must end");
    }
    assert_eq!(pages, 3);
    assert_eq!(
        seen, ids,
        "stable creation order, nothing skipped or repeated"
    );
}

#[tokio::test]
async fn paging_by_following_links_next_reaches_the_end() {
    let env = env().await;
    let ids = seeded(&env, &["A", "B", "C", "D", "E"]).await;
    let mut seen = Vec::new();
    let mut request = env.get("/v1/customers?size=2");
    for _ in 0..10 {
        let (status, page) = json_of(request.send().await.unwrap()).await;
        assert_eq!(status, 200, "{page}");
        seen.extend(item_ids(&page));
        let next = &page["links"]["next"];
        if next.is_null() {
            break;
        }
        let method = Method::from_bytes(next["method"].as_str().unwrap().as_bytes()).unwrap();
        request = env.req(method, next["uri"].as_str().unwrap());
        for h in next["headers"].as_array().unwrap() {
            request = request.header(h["key"].as_str().unwrap(), h["value"].as_str().unwrap());
        }
    }
    assert_eq!(seen, ids);
}

#[tokio::test]
async fn size_zero_or_absent_returns_everything_and_deletes_do_not_break_cursors() {
    let env = env().await;
    let ids = seeded(&env, &["A", "B", "C", "D"]).await;
    for q in ["/v1/customers?size=0", "/v1/customers"] {
        let (_, page) = json_of(env.get(q).send().await.unwrap()).await;
        assert_eq!(item_ids(&page), ids, "{q}");
        assert_eq!(page["totalCount"], 4);
        assert!(page.get("continuationToken").is_none());
    }
    let (_, page) = json_of(env.get("/v1/customers?size=2").send().await.unwrap()).await;
    let token = page["continuationToken"].as_str().unwrap().to_string();
    // Delete the next customer in line: the cursor skips it, nothing else.
    env.req(Method::DELETE, &format!("/v1/customers/{}", ids[2]))
        .send()
        .await
        .unwrap();
    let (_, page) = json_of(
        env.get("/v1/customers?seekOperation=Next")
            .header("MS-ContinuationToken", token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(item_ids(&page), vec![ids[3].clone()]);
}

#[tokio::test]
async fn filter_by_company_name_or_domain_starts_with_case_insensitively() {
    let env = env().await;
    for (domain, name) in [
        ("contoso1.onmicrosoft.com", "Contoso Ltd"),
        ("fabrikam.onmicrosoft.com", "Fabrikam"),
        ("contoso2.onmicrosoft.com", "contoso east"),
        ("wingtip.onmicrosoft.com", "Wingtip Contoso"),
        ("contoso3.onmicrosoft.com", "CONTOSO West"),
    ] {
        env.create_ok(&customer(domain, name)).await;
    }
    let filter = |f: &str, v: &str| {
        let json = format!(r#"{{"Field":"{f}","Value":"{v}","Operator":"starts_with"}}"#);
        let enc: String = json
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        format!("/v1/customers?size=0&filter={enc}")
    };
    let names = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                i["companyProfile"]["companyName"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    let (s, page) = json_of(
        env.get(&filter("CompanyName", "Cont"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(
        names(&page),
        ["Contoso Ltd", "contoso east", "CONTOSO West"]
    );
    assert_eq!(page["totalCount"], 3);

    let (_, page) = json_of(env.get(&filter("Domain", "FAB")).send().await.unwrap()).await;
    assert_eq!(names(&page), ["Fabrikam"]);

    // Lower-case keys, the documented example's URL form, and paging keeps the filter.
    let (_, page) = json_of(
        env.get("/v1/customers?size=1&filter=%7B%22field%22%3A%22companyname%22%2C%22value%22%3A%22contoso%22%2C%22operator%22%3A%22starts_with%22%7D")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(names(&page), ["Contoso Ltd"]);
    let mut all = names(&page);
    let mut token = page["continuationToken"].as_str().map(str::to_string);
    while let Some(t) = token {
        let (_, p) = json_of(
            env.get("/v1/customers?seekOperation=Next")
                .header("MS-ContinuationToken", t)
                .send()
                .await
                .unwrap(),
        )
        .await;
        all.extend(names(&p));
        token = p["continuationToken"].as_str().map(str::to_string);
    }
    assert_eq!(all, ["Contoso Ltd", "contoso east", "CONTOSO West"]);
}

#[tokio::test]
async fn bad_list_queries_are_800002() {
    let env = env().await;
    seeded(&env, &["A", "B"]).await;
    for q in [
        "/v1/customers?filter=not-json",
        "/v1/customers?filter=%7B%22Field%22%3A%22Email%22%2C%22Value%22%3A%22a%22%2C%22Operator%22%3A%22starts_with%22%7D",
        "/v1/customers?filter=%7B%22Field%22%3A%22Domain%22%2C%22Value%22%3A%22a%22%2C%22Operator%22%3A%22equals%22%7D",
        "/v1/customers?size=-1",
        "/v1/customers?size=abc",
        "/v1/customers?seekOperation=Next",
        "/v1/customers?seekOperation=Previous",
    ] {
        expect_error(env.get(q).send().await.unwrap(), 400, 800002).await;
    }
    for token in ["garbage", "00.00", "76317c317c327c2d7c.0000000000000000"] {
        let resp = env
            .get("/v1/customers?seekOperation=Next")
            .header("MS-ContinuationToken", token)
            .send()
            .await
            .unwrap();
        expect_error(resp, 400, 800002).await;
    }
}

#[tokio::test]
async fn get_delete_and_not_found() {
    let env = env().await;
    let created = env
        .create_ok(&customer("life.onmicrosoft.com", "Life"))
        .await;
    let id = created["id"].as_str().unwrap();
    let (s, full) = json_of(
        env.get(&format!("/v1/customers/{id}"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(full["id"], id);
    assert_eq!(full["commerceId"], created["commerceId"]);
    assert_eq!(full["companyProfile"]["address"]["city"], "Redmond");
    assert_eq!(full["companyProfile"]["email"], "someone@example.com");
    assert_eq!(full["customDomains"], json!(["life.onmicrosoft.com"]));
    assert_eq!(full["links"]["self"]["uri"], format!("/v1/customers/{id}"));
    assert!(
        full.get("userCredentials").is_none(),
        "password only on create"
    );
    assert_eq!(
        full["billingProfile"]["attributes"]["etag"],
        created["billingProfile"]["attributes"]["etag"]
    );
    assert_no_nulls(&full, "");

    let del = env
        .req(Method::DELETE, &format!("/v1/customers/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(del.status().as_u16(), 204);
    assert!(del.bytes().await.unwrap().is_empty());
    expect_error(
        env.get(&format!("/v1/customers/{id}"))
            .send()
            .await
            .unwrap(),
        404,
        60003,
    )
    .await;
    expect_error(
        env.req(Method::DELETE, &format!("/v1/customers/{id}"))
            .send()
            .await
            .unwrap(),
        404,
        60003,
    )
    .await;
    for sub in ["profiles/company", "profiles/billing", "relationships"] {
        expect_error(
            env.get(&format!("/v1/customers/{id}/{sub}"))
                .send()
                .await
                .unwrap(),
            404,
            60003,
        )
        .await;
    }
    // The domain is free again.
    env.create_ok(&customer("life.onmicrosoft.com", "Life again"))
        .await;
    // Not a GUID.
    expect_error(
        env.get("/v1/customers/not-a-guid").send().await.unwrap(),
        400,
        900118,
    )
    .await;
    expect_error(
        env.get("/v1/customers/not-a-guid/profiles/billing")
            .send()
            .await
            .unwrap(),
        400,
        900118,
    )
    .await;
}

#[tokio::test]
async fn patch_removes_the_reseller_relationship() {
    let env = env().await;
    let mut body = customer("patch.onmicrosoft.com", "Patch");
    body["associatedPartnerId"] = json!(sandbox::config::DEFAULT_RESELLER);
    let v = env.create_ok(&body).await;
    let id = v["id"].as_str().unwrap();
    let path = format!("/v1/customers/{id}");

    let bad = env
        .req(Method::PATCH, &path)
        .json(&json!({"relationshipToPartner": "reseller"}));
    expect_error(bad.send().await.unwrap(), 400, 3000).await;
    let empty = env.req(Method::PATCH, &path).json(&json!({}));
    expect_error(empty.send().await.unwrap(), 400, 3000).await;

    // The documented PascalCase body with nulls.
    let doc = json!({"Id": null, "CommerceId": null, "CompanyProfile": null, "BillingProfile": null,
        "RelationshipToPartner": "none", "AllowDelegatedAccess": null, "UserCredentials": null,
        "CustomDomains": null, "AssociatedPartnerId": null, "Attributes": {"ObjectType": "Customer"}});
    let (s, patched) = json_of(
        env.req(Method::PATCH, &path)
            .json(&doc)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{patched}");
    assert_eq!(patched["relationshipToPartner"], "none");
    assert!(patched.get("associatedPartnerId").is_none());
    let rel: Value = env
        .get(&format!("{path}/relationships"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rel["totalCount"], 0);
    let unknown = format!("/v1/customers/{}", uuid::Uuid::new_v4());
    let r = env
        .req(Method::PATCH, &unknown)
        .json(&json!({"relationshipToPartner": "none"}));
    expect_error(r.send().await.unwrap(), 404, 60003).await;
}

#[tokio::test]
async fn billing_profile_put_uses_etags_for_concurrency() {
    let env = env().await;
    let v = env
        .create_ok(&customer("etag.onmicrosoft.com", "Etag"))
        .await;
    let id = v["id"].as_str().unwrap();
    let path = format!("/v1/customers/{id}/profiles/billing");

    let resp = env.get(&path).send().await.unwrap();
    let header_etag = resp.headers()["etag"].to_str().unwrap().to_string();
    let (_, profile) = json_of(resp).await;
    assert_eq!(
        profile["attributes"]["objectType"],
        "CustomerBillingProfile"
    );
    assert_eq!(profile["links"]["self"]["uri"], path);
    let etag0 = profile["attributes"]["etag"].as_str().unwrap().to_string();
    assert_eq!(header_etag, format!("\"{etag0}\""));

    // If-Match, quoted (as the docs ask). The body's own etag is ignored when the header is set.
    let mut update = profile.clone();
    update["email"] = json!("new@example.com");
    update["attributes"]["etag"] = json!("stale-but-ignored");
    let (s, p1) = json_of(
        env.req(Method::PUT, &path)
            .header("If-Match", format!("\"{etag0}\""))
            .json(&update)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{p1}");
    assert_eq!(p1["email"], "new@example.com");
    let etag1 = p1["attributes"]["etag"].as_str().unwrap().to_string();
    assert_ne!(etag1, etag0, "a new etag after every update");
    assert!(etag1.parse::<i64>().is_ok());

    // Stale etag (header) → 412 2055; nothing changes.
    let stale = env
        .req(Method::PUT, &path)
        .header("If-Match", etag0.clone())
        .json(&json!({"email": "lost@example.com"}));
    expect_error(stale.send().await.unwrap(), 412, 2055).await;

    // The .NET SDK way: no If-Match, etag in the PascalCase body; unquoted.
    let sdk = json!({"Id": null, "Email": "sdk@example.com", "Culture": "EN-GB", "Language": "en",
        "CompanyName": "Etag", "DefaultAddress": {"AddressLine1": "2 Main St", "Country": "US",
        "City": "Redmond", "State": "WA", "PostalCode": "98052", "Region": null},
        "Attributes": {"Etag": etag1, "ObjectType": "CustomerBillingProfile"}});
    let (s, p2) = json_of(env.req(Method::PUT, &path).json(&sdk).send().await.unwrap()).await;
    assert_eq!(s, 200, "{p2}");
    assert_eq!(p2["culture"], "en-GB");
    assert_eq!(p2["defaultAddress"]["addressLine1"], "2 Main St");
    // Stale etag in the body → 412.
    let (s, e) = json_of(env.req(Method::PUT, &path).json(&sdk).send().await.unwrap()).await;
    assert_eq!((s, e["code"].clone()), (412, json!(2055)));

    // No etag at all → 400 3000.
    let none = env
        .req(Method::PUT, &path)
        .json(&json!({"email": "x@example.com"}));
    expect_error(none.send().await.unwrap(), 400, 3000).await;
    // Invalid field → 400 3000 even with a good etag.
    let etag2 = p2["attributes"]["etag"].as_str().unwrap();
    let bad = env
        .req(Method::PUT, &path)
        .header("If-Match", etag2)
        .json(&json!({"culture": "english"}));
    expect_error(bad.send().await.unwrap(), 400, 3000).await;
    // GET by id shows the latest profile.
    let (_, c) = json_of(
        env.get(&format!("/v1/customers/{id}"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(c["billingProfile"]["email"], "sdk@example.com");
    assert_eq!(c["billingProfile"]["attributes"]["etag"], etag2);
}

#[tokio::test]
async fn company_profile_is_read_only_and_complete() {
    let env = env().await;
    let v = env.create_ok(&customer("co.onmicrosoft.com", "Co")).await;
    let id = v["id"].as_str().unwrap();
    let (s, p) = json_of(
        env.get(&format!("/v1/customers/{id}/profiles/company"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(p["tenantId"], id);
    assert_eq!(p["domain"], "co.onmicrosoft.com");
    assert_eq!(p["companyName"], "Co");
    assert_eq!(p["attributes"]["objectType"], "CustomerCompanyProfile");
    assert_eq!(
        p["links"]["self"]["uri"],
        format!("/v1/customers/{id}/profiles/company")
    );
    let put = env
        .req(Method::PUT, &format!("/v1/customers/{id}/profiles/company"))
        .json(&p);
    assert_eq!(put.send().await.unwrap().status().as_u16(), 405);
}

#[tokio::test]
async fn domain_availability_head() {
    let env = env().await;
    env.create_ok(&customer("exists.onmicrosoft.com", "E"))
        .await;
    for (domain, status) in [
        ("exists.onmicrosoft.com", 200),
        ("EXISTS.onmicrosoft.com", 200),
        ("free.onmicrosoft.com", 404),
        ("not_a_domain", 400),
    ] {
        let r = env
            .req(Method::HEAD, &format!("/v1/domains/{domain}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), status, "{domain}");
        assert!(r.bytes().await.unwrap().is_empty());
    }
    let r = env
        .no_token(Method::HEAD, "/v1/domains/exists.onmicrosoft.com")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
}

async fn validate(env: &Env, body: Value) -> (u16, Value) {
    json_of(
        env.req(Method::POST, "/v1/validations/address")
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn address_validation_statuses_follow_the_documented_rules() {
    let env = env().await;
    let us = |line1: &str, state: &str, zip: &str| json!({"AddressLine1": line1, "City": "Redmond", "State": state, "PostalCode": zip, "Country": "US"});
    let (s, v) = validate(&env, us("1 Microsoft Way", "WA", "98052")).await;
    assert_eq!(s, 200);
    assert_eq!(v["status"], "VerifiedShippable");
    assert_eq!(v["originalAddress"]["addressLine1"], "1 Microsoft Way");
    let sug = v["suggestedAddresses"].as_array().unwrap();
    assert_eq!(sug.len(), 1);
    let zip = sug[0]["postalCode"].as_str().unwrap();
    assert!(zip.len() == 10 && zip.starts_with("98052-"), "ZIP+4: {zip}");
    assert!(v.get("validationMessage").is_none());
    // Deterministic.
    let (_, again) = validate(&env, us("1 Microsoft Way", "WA", "98052")).await;
    assert_eq!(again, v);

    let (_, v) = validate(&env, us("Microsoft Way", "WA", "98052")).await;
    assert_eq!(v["status"], "StreetPartial");
    let sug = v["suggestedAddresses"].as_array().unwrap();
    assert!((1..=3).contains(&sug.len()));
    assert_eq!(sug[0]["addressLine1"], "1 Microsoft Way");
    assert!(
        v["validationMessage"]
            .as_str()
            .unwrap()
            .contains("AddressLine1")
    );

    let cases = [
        (us("1 Main St Suite", "WA", "98052"), "PremisesPartial", 3),
        (us("Main St Apt", "WA", "98052"), "Multiple", 3),
        (us("PO Box 123", "WA", "98052"), "Verified", 1),
        (
            us("1 Main St", "Washington", "98052"),
            "InteractionRequired",
            1,
        ),
        (us("1 Main St", "ZZ", "98052"), "None", 0),
        (us("1 Main St", "WA", "ABCDE"), "None", 0),
        (
            json!({"addressLine1": "1 Main St", "country": "US", "state": "WA", "postalCode": "98052"}),
            "None",
            0,
        ),
        (
            json!({"addressLine1": "1 Rue de Rivoli", "city": "Paris", "postalCode": "75001", "country": "FR"}),
            "NotValidated",
            0,
        ),
        (
            json!({"addressLine1": "1 Main St", "city": "X", "country": "XX"}),
            "NotValidated",
            0,
        ),
        (
            json!({"addressLine1": "10 Downing Street", "city": "London", "postalCode": "SW1A 2AA", "country": "gb"}),
            "VerifiedShippable",
            1,
        ),
    ];
    for (body, status, n) in cases {
        let (s, v) = validate(&env, body.clone()).await;
        assert_eq!(s, 200);
        assert_eq!(v["status"], status, "{body} → {v}");
        assert_eq!(v["suggestedAddresses"].as_array().unwrap().len(), n, "{v}");
        assert_no_nulls(&v, "");
    }
    let (_, v) = validate(&env, us("1 Main St", "Washington", "98052")).await;
    assert_eq!(v["suggestedAddresses"][0]["state"], "WA");

    // Required fields / malformed input.
    let r = env
        .req(Method::POST, "/v1/validations/address")
        .json(&json!({"city": "X"}));
    expect_error(r.send().await.unwrap(), 400, 3000).await;
    let r = env
        .req(Method::POST, "/v1/validations/address")
        .json(&json!({"addressLine1": "1 A", "country": "USA"}));
    expect_error(r.send().await.unwrap(), 400, 3000).await;
    let r = env
        .req(Method::POST, "/v1/validations/address")
        .json(&json!({"addressLine1": "1 A", "country": "00"}));
    expect_error(r.send().await.unwrap(), 400, 3000).await;
    // Address length limits apply here too (found by schemathesis: never echo an invalid Address).
    let r = env
        .req(Method::POST, "/v1/validations/address")
        .json(&json!({"addressLine1": "1 A", "country": "US", "lastName": "0".repeat(51)}));
    let e = expect_error(r.send().await.unwrap(), 400, 3000).await;
    assert!(
        e["description"].as_str().unwrap().contains("lastName"),
        "{e}"
    );
}

#[tokio::test]
async fn country_rules_for_the_modelled_countries() {
    let env = env().await;
    for (iso, culture) in [
        ("US", "en-US"),
        ("GB", "en-GB"),
        ("DE", "de-DE"),
        ("BR", "pt-BR"),
        ("IN", "en-IN"),
        ("RU", "ru-RU"),
        ("fr", "fr-FR"),
    ] {
        let (s, v) = json_of(
            env.get(&format!("/v1/countryvalidationrules/{iso}"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(s, 200, "{iso}");
        assert_eq!(v["iso2Code"], iso.to_uppercase());
        assert_eq!(v["defaultCulture"], culture);
        assert!(
            v["supportedCulturesList"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c == culture)
        );
        assert!(v["supportedLanguagesList"].is_array());
        assert!(v["isStateRequired"].is_boolean() && v["isPostalCodeRequired"].is_boolean());
        assert_eq!(v["attributes"]["objectType"], "CountryValidationRules");
        assert_no_nulls(&v, "");
    }
    let (_, us) = json_of(
        env.get("/v1/countryvalidationrules/US")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(us["supportedStatesList"].as_array().unwrap().len(), 51);
    assert_eq!(us["postalCodeRegex"], r"^\d{5}(-\d{4})?$");
    assert_eq!(us["supportedLanguagesList"], json!(["en", "es"]));
    assert_eq!(us["customerOrganizationRegistrationNumberRequired"], false);
    let (_, ru) = json_of(
        env.get("/v1/countryvalidationrules/RU")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(ru["customerOrganizationRegistrationNumberRequired"], true);
    assert_eq!(ru["customerOrganizationPhoneNumberRequired"], true);
    assert_eq!(
        ru["customerOrganizationRegistrationNumberRegex"],
        r"^(\d{10}|\d{12})$"
    );
    expect_error(
        env.get("/v1/countryvalidationrules/UK")
            .send()
            .await
            .unwrap(),
        404,
        1000,
    )
    .await;
    expect_error(
        env.get("/v1/countryvalidationrules/USA")
            .send()
            .await
            .unwrap(),
        404,
        1000,
    )
    .await;
}

#[tokio::test]
async fn relationship_request_link() {
    let env = env().await;
    let (s, v) = json_of(
        env.get("/v1/customers/relationshiprequests")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    let url = v["url"].as_str().unwrap();
    assert!(url.starts_with("https://"));
    assert!(url.contains(sandbox::config::DEFAULT_PARTNER_ID), "{url}");
    assert_eq!(v["attributes"]["objectType"], "CustomerRelationshipRequest");
    let ok = env
        .get("/v1/customers/relationshiprequests?dualRoleIndirectRelationship=TRUE")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    let bad = env
        .get("/v1/customers/relationshiprequests?dualRoleIndirectRelationship=null")
        .send()
        .await
        .unwrap();
    expect_error(bad, 400, 800002).await;
}

#[tokio::test]
async fn authorization_is_required() {
    let env = env().await;
    let url = format!("{}/v1/customers", env.base);
    let r = env.client.get(&url).send().await.unwrap();
    assert!(r.headers().contains_key("www-authenticate"));
    expect_error(r, 401, 800001).await;
    for value in ["Basic abc", "Bearer", "Bearer ", "bearer a b", "token"] {
        let r = env
            .client
            .get(&url)
            .header("Authorization", value)
            .send()
            .await
            .unwrap();
        expect_error(r, 401, 800001).await;
    }
    // Scheme is case-insensitive; any token by default.
    let r = env
        .client
        .get(&url)
        .header("Authorization", "bearer anything")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);

    let env = env_with(Config {
        token: Some("s3cret".into()),
        ..Config::default()
    })
    .await;
    let url = format!("{}/v1/customers", env.base);
    let r = env
        .client
        .get(&url)
        .bearer_auth("wrong")
        .send()
        .await
        .unwrap();
    expect_error(r, 401, 400).await;
    let r = env
        .client
        .get(&url)
        .bearer_auth("s3cret")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // The admin API needs no token.
    let r = env.admin(Method::GET, "/_sandbox/health", None).await;
    assert_eq!(r.status().as_u16(), 200);
}

#[tokio::test]
async fn correlation_headers_are_echoed_or_generated() {
    let env = env().await;
    let r = env
        .get("/v1/customers")
        .header("MS-RequestId", "5b1f3a6e-8d7c-4e2a-9f10-000000000001")
        .header("MS-CorrelationId", "5b1f3a6e-8d7c-4e2a-9f10-000000000002")
        .header("MS-CV", "abc.1")
        .header("X-Locale", "de-DE")
        .send()
        .await
        .unwrap();
    let h = r.headers();
    assert_eq!(h["ms-requestid"], "5b1f3a6e-8d7c-4e2a-9f10-000000000001");
    assert_eq!(
        h["ms-correlationid"],
        "5b1f3a6e-8d7c-4e2a-9f10-000000000002"
    );
    assert_eq!(h["ms-cv"], "abc.1");
    assert_eq!(h["x-locale"], "de-DE");
    assert_eq!(h["content-type"], "application/json; charset=utf-8");

    // Documented as GUIDs: anything else is refused.
    for (name, value) in [("MS-RequestId", "not-a-guid"), ("MS-CorrelationId", "")] {
        let r = env
            .get("/v1/customers")
            .header(name, value)
            .send()
            .await
            .unwrap();
        expect_error(r, 400, 800002).await;
    }

    // Generated when absent — also on errors.
    let r = env.get_no_token("/v1/customers/x").await;
    let h = r.headers();
    assert!(is_guid(&json!(h["ms-requestid"].to_str().unwrap())));
    assert!(is_guid(&json!(h["ms-correlationid"].to_str().unwrap())));
    assert!(!h["ms-cv"].is_empty());
}

#[tokio::test]
async fn malformed_input_is_400_800002_never_5xx() {
    let env = env_with(Config {
        max_body_bytes: 2048,
        ..Config::default()
    })
    .await;
    let post = |ct: Option<&str>, body: Vec<u8>| {
        let mut r = env.req(Method::POST, "/v1/customers").body(body);
        if let Some(ct) = ct {
            r = r.header("Content-Type", ct);
        }
        r.send()
    };
    let cases: Vec<(Option<&str>, Vec<u8>)> = vec![
        (Some("application/json"), b"{".to_vec()),
        (Some("application/json"), b"".to_vec()),
        (Some("application/json"), b"{\"a\":1,,}".to_vec()),
        (Some("application/json"), b"\xff\xfe{}".to_vec()),
        (Some("application/json"), "[".repeat(5000).into_bytes()),
        (Some("text/plain"), b"{}".to_vec()),
        (Some("application/xml"), b"<Customer/>".to_vec()),
        (None, b"{}".to_vec()),
        (
            Some("application/json"),
            format!("{{\"x\":\"{}\"}}", "a".repeat(3000)).into_bytes(),
        ),
    ];
    for (ct, body) in cases {
        let preview = String::from_utf8_lossy(&body[..body.len().min(20)]).to_string();
        let r = post(ct, body).await.unwrap();
        let b = expect_error(r, 400, 800002).await;
        assert!(b["description"].is_string(), "{ct:?} {preview}");
    }
    // Charset parameters and +json types are fine.
    let body = serde_json::to_vec(&customer("ct.onmicrosoft.com", "CT")).unwrap();
    let r = post(Some("application/json; charset=utf-8"), body)
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);

    // A chunked body (no Content-Length) over the limit, over a raw socket.
    let addr = env.server.addr;
    let chunk = format!("{{\"x\":\"{}\"}}", "b".repeat(4000));
    let raw = tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        let req = format!(
            "POST /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{}\r\n0\r\n\r\n",
            chunk.len(),
            chunk
        );
        s.write_all(req.as_bytes()).unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out
    })
    .await
    .unwrap();
    assert!(raw.starts_with("HTTP/1.1 400"), "{raw}");
    assert!(raw.contains("800002"), "{raw}");

    // Unknown routes and methods.
    expect_error(env.get("/v1/nothing").send().await.unwrap(), 404, 1000).await;
    expect_error(
        env.req(Method::DELETE, "/v1/customers")
            .send()
            .await
            .unwrap(),
        405,
        800002,
    )
    .await;
    // The server is still fine.
    assert_eq!(env.customer_count().await, 1);
}

#[tokio::test]
async fn reset_empties_the_store() {
    let env = env().await;
    seeded(&env, &["A", "B"]).await;
    let r = env.admin(Method::POST, "/_sandbox/reset", None).await;
    assert_eq!(r.status().as_u16(), 204);
    assert_eq!(env.customer_count().await, 0);
    env.create_ok(&customer("a0.onmicrosoft.com", "A")).await;
}
