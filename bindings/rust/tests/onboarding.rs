//! The onboarding operations (relationships, agreements, users, licences, qualifications, managed
//! services) through the generated Rust client, against the emulator: every operation, its
//! documented errors, and what the generator had to learn for them (201 bodies, bare JSON arrays,
//! PATCH bodies of optional members, enums and repeated values in the query, a second paged
//! collection, date-times).

mod common;

use common::*;
use partner_center::time::OffsetDateTime;
use partner_center::{Client, ErrorKind, models};
use serde_json::json;
use uuid::Uuid;

const MCA: &str = "117a77b0-9360-443b-8795-c6dedc750cf9";
const MCLOUDA: &str = "998b88de-aa99-4388-a42c-1b3517d49490";
const RESELLER: &str = "484e548c-f5f3-4528-93a9-c16c6373cb59";

async fn customer(client: &Client, prefix: &str) -> (Uuid, String) {
    let domain = unique_domain(prefix);
    let created = client
        .customers()
        .create(&new_customer(&domain))
        .await
        .expect("create a customer");
    (created.id.expect("an id"), domain)
}

fn code(err: &partner_center::Error) -> Option<&str> {
    err.api().and_then(|e| e.code.as_deref())
}

fn attestation(email: &str) -> models::Agreement {
    models::Agreement {
        primary_contact: models::Contact {
            first_name: "Tania".into(),
            last_name: "Carr".into(),
            email: email.into(),
            phone_number: Some("1234567890".into()),
        },
        template_id: MCA.into(),
        date_agreed: OffsetDateTime::from_unix_timestamp(1_528_934_400).unwrap(), // 2018-06-14Z
        r#type: "MicrosoftCustomerAgreement".into(),
        user_id: None,
        agreement_link: None,
    }
}

fn new_user(upn: &str, password: &str) -> models::NewCustomerUser {
    models::NewCustomerUser {
        user_principal_name: upn.into(),
        display_name: "Gena Soto".into(),
        first_name: Some("Gena".into()),
        last_name: Some("Soto".into()),
        usage_location: Some("US".into()),
        password_profile: models::PasswordProfile {
            password: password.into(),
            force_change_password: Some(true),
        },
        ..Default::default()
    }
}

#[tokio::test]
async fn relationships_list_the_resellers_and_filter_them_by_name() {
    let emu = emulator().await;
    let client = client(&emu);
    let resellers = client
        .relationships()
        .list(models::RelationshipQueryType::IsIndirectCloudSolutionProviderOf)
        .await
        .expect("list resellers");
    assert_eq!(resellers.total_count, 1);
    let first = &resellers.items[0];
    assert_eq!(first.id.as_deref(), Some(RESELLER));
    assert_eq!(first.name.as_deref(), Some("First Up Consultants"));
    assert_eq!(
        first.relationship_type,
        Some(models::PartnerRelationshipType::IsIndirectCloudSolutionProviderOf)
    );

    let filter = models::RelationshipFilter {
        field: models::RelationshipSearchField::Name,
        value: "FIRST".into(),
        operator: models::RelationshipFilterOperation::StartsWith,
    };
    let found = client
        .relationships()
        .list(models::RelationshipQueryType::IsIndirectCloudSolutionProviderOf)
        .filter(filter.clone())
        .await
        .expect("filtered");
    assert_eq!(
        found.total_count, 1,
        "the name prefix matches case-insensitively"
    );
    let none = client
        .relationships()
        .list(models::RelationshipQueryType::IsIndirectCloudSolutionProviderOf)
        .filter(models::RelationshipFilter {
            value: "Nobody".into(),
            ..filter
        })
        .await
        .expect("filtered to nothing");
    assert_eq!(none.total_count, 0);
    let providers = client
        .relationships()
        .list(models::RelationshipQueryType::IsIndirectResellerOf)
        .await
        .expect("the emulated partner is a provider: no providers of its own");
    assert!(providers.items.is_empty());

    // An operator the service does not take: the client refuses it, and so does the service.
    let equals = models::RelationshipFilter {
        field: models::RelationshipSearchField::Name,
        value: "First".into(),
        operator: models::RelationshipFilterOperation::Unknown("equals".into()),
    };
    let refused = client
        .relationships()
        .list(models::RelationshipQueryType::IsIndirectCloudSolutionProviderOf)
        .filter(equals.clone())
        .await
        .expect_err("only starts_with");
    assert_eq!(refused.kind(), ErrorKind::Validation);
    let unchecked = builder(&emu).validation(false).build().unwrap();
    let refused = unchecked
        .relationships()
        .list(models::RelationshipQueryType::IsIndirectCloudSolutionProviderOf)
        .filter(equals)
        .await
        .expect_err("only starts_with");
    assert_eq!(refused.kind(), ErrorKind::BadRequest);
    assert_eq!(code(&refused), Some("800002"));
}

#[tokio::test]
async fn agreements_attest_the_mca_and_read_it_back() {
    let emu = emulator().await;
    let client = client(&emu);
    let (id, _) = customer(&client, "attest").await;

    // Without a type the service answers for the Microsoft Cloud Agreement only.
    let default = client.agreements().list_metadata().await.expect("metadata");
    assert_eq!(default.items.len(), 1);
    assert_eq!(default.items[0].template_id.as_deref(), Some(MCLOUDA));
    let all = client
        .agreements()
        .list_metadata()
        .agreement_type("*")
        .await
        .expect("every type");
    assert_eq!(all.total_count, 2);

    let response = client
        .agreements()
        .create(id, &attestation("someone@example.com"))
        .send_with_response()
        .await
        .expect("attest");
    assert_eq!(
        response.status, 201,
        "an attestation answers 201 with a body"
    );
    let stored = response.data;
    assert_eq!(stored.template_id, MCA);
    assert!(stored.user_id.is_some(), "the signed-in user is recorded");
    assert_eq!(
        stored.date_agreed,
        OffsetDateTime::from_unix_timestamp(1_528_934_400).unwrap()
    );

    let again = client
        .agreements()
        .create(id, &attestation("someone@example.com"))
        .await
        .expect_err("the same contact twice");
    assert_eq!(again.kind(), ErrorKind::BadRequest);
    assert_eq!(code(&again), Some("600061"));
    client
        .agreements()
        .create(id, &attestation("someone.else@example.com"))
        .await
        .expect("a re-confirmation with another contact is allowed");

    let hidden = client.agreements().list(id).await.expect("list");
    assert_eq!(
        hidden.total_count, 0,
        "a plain list shows Cloud Agreements only"
    );
    let listed = client
        .agreements()
        .list(id)
        .agreement_type("MicrosoftCustomerAgreement")
        .await
        .expect("list the MCA");
    assert_eq!(listed.total_count, 2);
    assert_eq!(
        listed.items[0].agreement_link.as_deref(),
        Some("https://aka.ms/customeragreement")
    );

    let status = client
        .agreements()
        .get_direct_signed_status(id)
        .await
        .expect("direct-signed status");
    assert!(!status.is_signed, "nobody signed directly");

    let unknown = Uuid::new_v4();
    for err in [
        client
            .agreements()
            .create(unknown, &attestation("a@example.com"))
            .await
            .expect_err("unknown customer"),
        client
            .agreements()
            .list(unknown)
            .await
            .expect_err("unknown customer"),
        client
            .agreements()
            .get_direct_signed_status(unknown)
            .await
            .expect_err("unknown customer"),
    ] {
        assert_eq!(err.kind(), ErrorKind::NotFound);
        assert_eq!(code(&err), Some("60003"));
    }

    let mut retired = attestation("a@example.com");
    retired.template_id = MCLOUDA.into();
    let err = client
        .agreements()
        .create(id, &retired)
        .await
        .expect_err("the Microsoft Cloud Agreement is retired");
    assert_eq!(code(&err), Some("800002"));
    let mut future = attestation("b@example.com");
    future.date_agreed = OffsetDateTime::now_utc() + time_days(2);
    let err = client
        .agreements()
        .create(id, &future)
        .await
        .expect_err("dateAgreed in the future");
    assert_eq!(code(&err), Some("800002"));
}

fn time_days(days: i64) -> partner_center::time::Duration {
    partner_center::time::Duration::days(days)
}

#[tokio::test]
async fn agreement_documents_by_country_and_language() {
    let emu = emulator().await;
    let client = client(&emu);
    let us = client
        .agreements()
        .get_document(MCA)
        .await
        .expect("the default document");
    assert_eq!(
        (us.country.as_deref(), us.language.as_deref()),
        (Some("US"), Some("en-US"))
    );
    let again = client.agreements().get_document(MCA).await.expect("again");
    assert_ne!(us.download_uri, again.download_uri, "a new link every time");
    let de = client
        .agreements()
        .get_document(MCA)
        .country("DE")
        .language("de-DE")
        .await
        .expect("German");
    assert_eq!(de.language.as_deref(), Some("de-DE"));
    let fallback = client
        .agreements()
        .get_document(MCA)
        .country("US")
        .language("de-DE")
        .await
        .expect("a language the country lacks");
    assert_eq!(fallback.language.as_deref(), Some("en-US"));

    // The spec's pattern for country is checked before sending.
    let err = client
        .agreements()
        .get_document(MCA)
        .country("us")
        .await
        .expect_err("lower-case country");
    assert_eq!(err.kind(), ErrorKind::Validation);
    let err = client
        .agreements()
        .get_document(MCLOUDA)
        .await
        .expect_err("only the MCA has documents");
    assert_eq!(code(&err), Some("800002"));
    let err = client
        .agreements()
        .get_document("00000000-0000-0000-0000-000000000000")
        .await
        .expect_err("unknown template");
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn users_create_page_update_delete_and_restore() {
    let emu = emulator().await;
    let client = client(&emu);
    let (id, domain) = customer(&client, "users").await;

    let password = "Onboard!2024-secret";
    let created = client
        .users()
        .create(id, &new_user(&format!("gena@{domain}"), password))
        .send_with_response()
        .await
        .expect("create a user");
    assert_eq!(created.status, 200, "user creation answers 200, not 201");
    let user = created.data;
    let user_id: Uuid = user.id.as_deref().expect("an id").parse().expect("a GUID");
    assert_eq!(user.state, Some(models::UserState::Active));
    assert!(
        !format!("{user:?}").contains(password),
        "Debug never shows the password"
    );

    let taken = client
        .users()
        .create(
            id,
            &new_user(&format!("GENA@{}", domain.to_uppercase()), password),
        )
        .await
        .expect_err("the same user principal name");
    assert_eq!(taken.kind(), ErrorKind::Conflict);
    assert_eq!(code(&taken), Some("3000"));
    assert!(!taken.to_string().contains(password));
    let elsewhere = client
        .users()
        .create(id, &new_user("gena@elsewhere.example", password))
        .await
        .expect_err("a domain the customer does not have");
    assert_eq!(code(&elsewhere), Some("800002"));
    let weak = client
        .users()
        .create(id, &new_user(&format!("weak@{domain}"), "alllowercase"))
        .await
        .expect_err("a weak password");
    assert_eq!(code(&weak), Some("800002"));
    assert!(!weak.to_string().contains("alllowercase"));

    for n in 0..4 {
        client
            .users()
            .create(id, &new_user(&format!("user{n}@{domain}"), password))
            .await
            .expect("more users");
    }
    let first = client.users().list(id).size(2).await.expect("first page");
    assert_eq!(first.items.len(), 2);
    assert!(first.continuation_token.is_some(), "more pages follow");
    let every: Vec<models::CustomerUser> =
        futures::TryStreamExt::try_collect(client.users().list(id).size(2).stream())
            .await
            .expect("every page");
    assert_eq!(every.len(), 5);

    // PATCH sends only what is set.
    let patch = models::CustomerUserUpdate {
        usage_location: Some("CA".into()),
        ..Default::default()
    };
    let updated = client
        .users()
        .update(id, user_id, &patch)
        .await
        .expect("update");
    assert_eq!(updated.usage_location.as_deref(), Some("CA"));
    assert_eq!(
        updated.display_name.as_deref(),
        Some("Gena Soto"),
        "the rest stays"
    );
    let reset = models::CustomerUserUpdate {
        password_profile: Some(models::PasswordProfile {
            password: "Renew456*Renew".into(),
            force_change_password: Some(true),
        }),
        ..Default::default()
    };
    client
        .users()
        .update(id, user_id, &reset)
        .await
        .expect("password reset");

    let deleted = client
        .users()
        .delete(id, user_id)
        .send_with_response()
        .await
        .expect("delete");
    assert_eq!(deleted.status, 204);
    let gone = client.users().get(id, user_id).await.expect_err("deleted");
    assert_eq!(gone.kind(), ErrorKind::NotFound);
    assert_eq!(code(&gone), Some("60002"));
    let inactive = client
        .users()
        .list(id)
        .filter(models::UserFilter {
            field: models::UserSearchField::UserState,
            value: "Inactive".into(),
            operator: models::UserFilterOperation::Equals,
        })
        .await
        .expect("deleted users");
    assert_eq!(inactive.items.len(), 1);
    let soft = &inactive.items[0];
    assert_eq!(soft.state, Some(models::UserState::Inactive));
    let when = soft.soft_deletion_time.expect("a deletion time");
    assert!(OffsetDateTime::now_utc() - when < time_days(1));

    let not_yet = client
        .users()
        .update(id, user_id, &patch)
        .await
        .expect_err("a deleted user takes only a restore");
    assert_eq!(code(&not_yet), Some("60002"));
    let restore = models::CustomerUserUpdate {
        state: Some(models::UserRestore::Active),
        ..Default::default()
    };
    let restored = client
        .users()
        .update(id, user_id, &restore)
        .await
        .expect("restore");
    assert_eq!(restored.state, Some(models::UserState::Active));
    assert_eq!(restored.soft_deletion_time, None);
    client.users().get(id, user_id).await.expect("back");

    let unknown = client
        .users()
        .get(id, Uuid::new_v4())
        .await
        .expect_err("unknown user");
    assert_eq!(code(&unknown), Some("60002"));
    let no_customer = client
        .users()
        .list(Uuid::new_v4())
        .await
        .expect_err("unknown customer");
    assert_eq!(code(&no_customer), Some("60003"));
}

#[tokio::test]
async fn licences_qualifications_validation_codes_and_managed_services() {
    let emu = emulator().await;
    let client = client(&emu);
    let (id, domain) = customer(&client, "licences").await;

    let licences = client.licenses().list(id).await.expect("licences");
    assert!(
        licences.items.is_empty(),
        "none until the emulator is given some"
    );
    client
        .licenses()
        .list(id)
        .license_group_ids(vec![
            models::LicenseGroupId::Group1,
            models::LicenseGroupId::Group2,
        ])
        .await
        .expect("both groups, the parameter repeated");
    let unknown = client
        .licenses()
        .list(id)
        .license_group_ids(vec![models::LicenseGroupId::Unknown("Group3".into())])
        .await
        .expect_err("a closed enum, checked item by item before sending");
    assert_eq!(unknown.kind(), ErrorKind::Validation);
    assert!(unknown.to_string().contains("licenseGroupIds"), "{unknown}");

    let none: Vec<models::CustomerQualification> = client
        .qualifications()
        .list(id)
        .await
        .expect("a bare array");
    assert!(none.is_empty());
    let request = models::CustomerQualificationRequest {
        qualification: models::QualificationKind::Education,
        education_segment: Some(models::EducationSegment::HigherEducation),
        website: Some("contoso.edu".into()),
        validation_code: None,
    };
    let asked = client
        .qualifications()
        .create(id, &request)
        .send_with_response()
        .await
        .expect("ask for Education");
    assert_eq!(asked.status, 201);
    assert_eq!(
        asked.data.vetting_status,
        Some(models::VettingStatus::InReview)
    );
    assert!(asked.data.vetting_create_date.is_some());
    let listed = client.qualifications().list(id).await.expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].qualification, "Education");
    let twice = client
        .qualifications()
        .create(id, &request)
        .await
        .expect_err("in review already");
    assert_eq!(twice.kind(), ErrorKind::Conflict);
    assert_eq!(code(&twice), Some("3000"));

    let (other, _) = customer(&client, "gcc").await;
    let gcc = models::CustomerQualificationRequest {
        qualification: models::QualificationKind::GovernmentCommunityCloud,
        education_segment: None,
        website: None,
        validation_code: Some("123456".into()),
    };
    let err = client
        .qualifications()
        .create(other, &gcc)
        .await
        .expect_err("no such validation code");
    assert_eq!(code(&err), Some("800002"));
    let codes = client
        .qualifications()
        .list_validation_codes()
        .await
        .expect("a bare array of codes");
    assert!(codes.is_empty(), "none until the emulator is given some");

    let services = client
        .customers()
        .list_managed_services(id)
        .await
        .expect("managed services");
    let exchange = services
        .items
        .iter()
        .find(|s| s.id.as_deref() == Some("Exchange"))
        .expect("Exchange");
    let admin = exchange
        .links
        .as_ref()
        .and_then(|l| l.admin_service.as_ref())
        .expect("an admin link");
    assert!(admin.uri.contains(&domain), "{}", admin.uri);
}

#[tokio::test]
async fn what_the_emulator_is_told_shows_through_the_client() {
    let emu = emulator().await;
    let client = client(&emu);
    let (id, _) = customer(&client, "told").await;

    // The customer signs the MCA in the admin center.
    admin(
        &emu,
        &format!("/_sandbox/customers/{id}/direct-signed"),
        json!({"isSigned": true}),
    )
    .await;
    let signed = client
        .agreements()
        .get_direct_signed_status(id)
        .await
        .expect("status");
    assert!(signed.is_signed);

    // Licences land: Azure AD's by default, Minecraft's only when asked for.
    let sku = |group: &str, name: &str| {
        json!({"availableUnits": 4, "activeUnits": 5, "consumedUnits": 1, "suspendedUnits": 0,
               "totalUnits": 5, "warningUnits": 0, "capabilityStatus": "Enabled",
               "productSku": {"id": Uuid::new_v4(), "name": name, "skuPartNumber": name,
                              "targetType": "User", "licenseGroupId": group},
               "servicePlans": [], "attributes": {"objectType": "SubscribedSku"}})
    };
    admin(
        &emu,
        &format!("/_sandbox/customers/{id}/licenses"),
        json!({"items": [sku("group1", "EMS"), sku("group2", "Minecraft")]}),
    )
    .await;
    let default = client.licenses().list(id).await.expect("licences");
    assert_eq!(default.items.len(), 1);
    let ems = &default.items[0];
    assert_eq!(ems.available_units, Some(4));
    assert_eq!(
        ems.product_sku.as_ref().and_then(|p| p.name.as_deref()),
        Some("EMS")
    );
    let both = client
        .licenses()
        .list(id)
        .license_group_ids(vec![
            models::LicenseGroupId::Group1,
            models::LicenseGroupId::Group2,
        ])
        .await
        .expect("both groups");
    assert_eq!(both.items.len(), 2);

    // Vetting decides a qualification; after a denial it may be asked again.
    let education = models::CustomerQualificationRequest {
        qualification: models::QualificationKind::Education,
        education_segment: Some(models::EducationSegment::K12),
        website: None,
        validation_code: None,
    };
    client
        .qualifications()
        .create(id, &education)
        .await
        .expect("ask");
    admin(
        &emu,
        &format!("/_sandbox/customers/{id}/qualification"),
        json!({"vettingStatus": "Denied", "vettingReason": "Not an Education Customer"}),
    )
    .await;
    let denied = client.qualifications().list(id).await.expect("list");
    assert_eq!(
        denied[0].vetting_status,
        Some(models::VettingStatus::Denied)
    );
    assert_eq!(
        denied[0].vetting_reason.as_deref(),
        Some("Not an Education Customer")
    );
    client
        .qualifications()
        .create(id, &education)
        .await
        .expect("asked again after a denial");

    // A GCC validation code qualifies as many customers as it has creates left.
    admin(
        &emu,
        "/_sandbox/validation-codes",
        json!({"items": [{"partnerId": "9daaeb1c-4195-4db5-9f1d-509eb70c8c2d",
                          "organizationName": "Contoso, Inc.", "validationId": "12345",
                          "maxCreates": 5, "remainingCreates": 1, "eTag": "W/\"1\""}]}),
    )
    .await;
    let codes = client
        .qualifications()
        .list_validation_codes()
        .await
        .expect("codes");
    assert_eq!(codes[0].remaining_creates, Some(1));
    let gcc = models::CustomerQualificationRequest {
        qualification: models::QualificationKind::GovernmentCommunityCloud,
        education_segment: None,
        website: None,
        validation_code: Some("12345".into()),
    };
    let (first, _) = customer(&client, "gccone").await;
    client
        .qualifications()
        .create(first, &gcc)
        .await
        .expect("GCC");
    let (second, _) = customer(&client, "gcctwo").await;
    let used_up = client
        .qualifications()
        .create(second, &gcc)
        .await
        .expect_err("no creates left");
    assert_eq!(code(&used_up), Some("800002"));

    // A deleted user is purged 30 days later.
    let (users_of, domain) = customer(&client, "purge").await;
    let user = client
        .users()
        .create(
            users_of,
            &new_user(&format!("old@{domain}"), "Purge!2024-x"),
        )
        .await
        .expect("user");
    let user_id: Uuid = user.id.unwrap().parse().unwrap();
    client
        .users()
        .delete(users_of, user_id)
        .await
        .expect("delete");
    admin(&emu, "/_sandbox/clock", json!({"advanceDays": 29})).await;
    client
        .users()
        .update(
            users_of,
            user_id,
            &models::CustomerUserUpdate {
                state: Some(models::UserRestore::Active),
                ..Default::default()
            },
        )
        .await
        .expect("restorable on day 29");
    client
        .users()
        .delete(users_of, user_id)
        .await
        .expect("delete again");
    admin(&emu, "/_sandbox/clock", json!({"advanceDays": 31})).await;
    let purged = client
        .users()
        .update(
            users_of,
            user_id,
            &models::CustomerUserUpdate {
                state: Some(models::UserRestore::Active),
                ..Default::default()
            },
        )
        .await
        .expect_err("purged");
    assert_eq!(code(&purged), Some("60002"));
}
