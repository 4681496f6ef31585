//! Every operation of the spec, through the generated client, against the emulator.

mod common;

use common::*;
use partner_center::models;

#[tokio::test]
async fn create_get_profiles_update_and_delete_a_customer() {
    let emu = emulator().await;
    let client = client(&emu);
    let domain = unique_domain("lifecycle");

    let created = client
        .customers()
        .create(&new_customer(&domain))
        .await
        .expect("create");
    let id = created.id.expect("a created customer has an id");
    assert_eq!(
        created.company_profile.as_ref().and_then(|p| p.tenant_id),
        Some(id),
        "id is the tenant id"
    );
    assert_eq!(
        created.relationship_to_partner,
        Some(models::CustomerPartnerRelationship::None),
        "a direct customer has no reseller relationship"
    );
    let credentials = created
        .user_credentials
        .as_ref()
        .expect("create returns the admin credentials");
    assert_eq!(credentials.user_name.as_deref(), Some("admin"));
    let password = credentials.password.as_ref().expect("and a password");
    assert!(password.expose().len() >= 8, "a generated strong password");
    assert!(
        !format!("{created:?}").contains(password.expose()),
        "Debug never shows the password"
    );

    let fetched = client.customers().get(id).await.expect("get");
    assert_eq!(
        fetched.company_profile.as_ref().map(|p| p.domain.as_str()),
        Some(domain.as_str())
    );

    let company = client
        .profiles()
        .get_company(id)
        .await
        .expect("company profile");
    assert_eq!(company.domain, domain);

    let billing = client
        .profiles()
        .get_billing(id)
        .await
        .expect("billing profile");
    let etag = billing
        .attributes
        .as_ref()
        .and_then(|a| a.etag.clone())
        .expect("billing profiles carry an etag");
    let mut changed = billing.clone();
    changed.email = "billing@contoso.example".into();
    // No explicit If-Match: the client sends the etag the body carries.
    let updated = client
        .profiles()
        .update_billing(id, &changed)
        .await
        .expect("update with the current etag");
    assert_eq!(updated.email, "billing@contoso.example");
    let new_etag = updated
        .attributes
        .as_ref()
        .and_then(|a| a.etag.clone())
        .expect("a new etag");
    assert_ne!(new_etag, etag, "every update makes a new etag");

    let response = client
        .customers()
        .delete(id)
        .send_with_response()
        .await
        .expect("delete");
    assert_eq!(response.status, 204);
    let gone = client
        .customers()
        .get(id)
        .await
        .expect_err("deleted customers are gone");
    assert_eq!(gone.kind(), partner_center::ErrorKind::NotFound);
    assert_eq!(gone.api().and_then(|e| e.code.as_deref()), Some("60003"));
}

#[tokio::test]
async fn indirect_reseller_customer_and_its_relationships() {
    let emu = emulator().await;
    let client = client(&emu);
    let reseller: uuid::Uuid = sandbox::config::DEFAULT_RESELLER.parse().unwrap();
    let mut body = new_customer(&unique_domain("indirect"));
    body.associated_partner_id = Some(reseller);
    let created = client
        .customers()
        .create(&body)
        .await
        .expect("create for a reseller");
    assert_eq!(
        created.relationship_to_partner,
        Some(models::CustomerPartnerRelationship::Reseller)
    );
    assert_eq!(created.allow_delegated_access, Some(true));
    assert_eq!(created.associated_partner_id, Some(reseller));

    let id = created.id.unwrap();
    let relationships = client
        .customers()
        .list_relationships(id)
        .await
        .expect("relationships");
    let items = relationships.items;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(
        items[0].id.as_deref(),
        Some(sandbox::config::DEFAULT_RESELLER)
    );

    let removed = client
        .customers()
        .remove_reseller_relationship(
            id,
            &models::Customer {
                relationship_to_partner: Some(models::CustomerPartnerRelationship::None),
                ..Default::default()
            },
        )
        .await
        .expect("remove the reseller relationship");
    assert_eq!(
        removed.relationship_to_partner,
        Some(models::CustomerPartnerRelationship::None)
    );
}

#[tokio::test]
async fn domain_exists_is_a_bool() {
    let emu = emulator().await;
    let client = client(&emu);
    let domain = unique_domain("exists");
    assert!(
        !client
            .domains()
            .exists(domain.as_str())
            .await
            .expect("404 is an answer"),
        "a new domain is free"
    );
    client
        .customers()
        .create(&new_customer(&domain))
        .await
        .expect("create");
    assert!(
        client
            .domains()
            .exists(domain.as_str())
            .await
            .expect("200 is an answer"),
        "a customer's domain is taken"
    );
}

#[tokio::test]
async fn relationship_request_validation_and_country_rules() {
    let emu = emulator().await;
    let client = client(&emu);

    let link = client
        .customers()
        .get_relationship_request()
        .await
        .expect("link");
    let url = link.url.expect("a url");
    assert!(url.contains(sandbox::config::DEFAULT_PARTNER_ID), "{url}");

    let verdict = client
        .validations()
        .validate_address(&address("US"))
        .await
        .expect("validate");
    assert!(verdict.status.is_known(), "{:?}", verdict.status);
    assert_eq!(
        verdict.original_address.map(|a| a.address_line1),
        Some("One Microsoft Way".to_string())
    );

    let rules = client
        .country_validation_rules()
        .get("US")
        .await
        .expect("US rules");
    assert_eq!(rules.iso2_code.as_deref(), Some("US"));
    let states = rules.supported_states_list.unwrap_or_default();
    assert!(states.iter().any(|s| s == "WA"), "{states:?}");
}

#[tokio::test]
async fn status_and_headers_of_any_response() {
    let emu = emulator().await;
    let client = client(&emu);
    let created = client
        .customers()
        .create(&new_customer(&unique_domain("raw")))
        .request_id("5d1c0d2e-6f7e-4b4e-9d2a-0c7a3e1f2b3c")
        .send_with_response()
        .await
        .expect("create");
    assert_eq!(created.status, 201);
    assert_eq!(created.request_id, "5d1c0d2e-6f7e-4b4e-9d2a-0c7a3e1f2b3c");
    assert_eq!(
        created.header("MS-RequestId"),
        Some("5d1c0d2e-6f7e-4b4e-9d2a-0c7a3e1f2b3c"),
        "the service echoes it"
    );
    assert_eq!(
        created.header("MS-CorrelationId"),
        Some(client.correlation_id())
    );
    assert!(created.header("MS-CV").is_some());
}
