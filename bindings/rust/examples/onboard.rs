//! The onboarding journey of a customer for an indirect reseller: find the reseller, create the
//! customer for it, attest that the customer accepted the Microsoft Customer Agreement (nothing
//! can be ordered for it before), then create its first user.
//!
//! Against the local emulator:
//!   cargo run --release -p sandbox -- --port 8080
//!   cargo run -p partner-center --example onboard
//! Against Partner Center, set PARTNER_CENTER_BASE_URL and PARTNER_CENTER_TOKEN (an App+User token:
//! relationships, agreements and users refuse App-only tokens).

use futures::TryStreamExt;
use partner_center::time::OffsetDateTime;
use partner_center::{Client, Error, models};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let base_url =
        std::env::var("PARTNER_CENTER_BASE_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".into());
    let token = std::env::var("PARTNER_CENTER_TOKEN").unwrap_or_else(|_| "sandbox-token".into());
    let client = Client::builder().base_url(base_url).token(token).build()?;
    let domain = format!("onboard{}.onmicrosoft.com", std::process::id());
    onboard(&client, &domain).await
}

/// Every step of the journey, printing one line each. Also run by `tests/onboard_example.rs`.
pub async fn onboard(client: &Client, domain: &str) -> Result<(), Error> {
    // 1. The reseller: an indirect provider lists its resellers; `id` is their tenant id.
    let resellers = client
        .relationships()
        .list(models::RelationshipQueryType::IsIndirectCloudSolutionProviderOf)
        .await?;
    let Some(reseller) = resellers.items.into_iter().next() else {
        println!("no indirect resellers: nothing to onboard");
        return Ok(());
    };
    let reseller_id: uuid::Uuid = reseller
        .id
        .as_deref()
        .and_then(|id| id.parse().ok())
        .expect("a relationship carries the partner's tenant id");
    println!(
        "reseller: {} ({reseller_id}, MPN {})",
        reseller.name.as_deref().unwrap_or("?"),
        reseller.mpn_id.as_deref().unwrap_or("?")
    );

    // 2. The customer, created for that reseller.
    let new_customer = models::NewCustomer {
        associated_partner_id: Some(reseller_id),
        company_profile: models::CustomerCompanyProfile {
            domain: domain.to_string(),
            ..Default::default()
        },
        billing_profile: models::CustomerBillingProfile {
            email: "gena@wingtiptoys.example".into(),
            culture: "en-US".into(),
            language: "en".into(),
            company_name: "Wingtip Toys".into(),
            default_address: models::Address {
                first_name: Some("Gena".into()),
                last_name: Some("Soto".into()),
                address_line1: "One Microsoft Way".into(),
                city: Some("Redmond".into()),
                state: Some("WA".into()),
                postal_code: Some("98052".into()),
                country: "US".into(),
                ..Default::default()
            },
            ..Default::default()
        },
        ..Default::default()
    };
    let customer = client.customers().create(&new_customer).await?;
    let customer_id = customer.id.expect("the service assigns an id");
    println!("customer: {customer_id} ({domain})");

    // 3. The Microsoft Customer Agreement's template. Ask for the type: without it the service
    //    answers for the retired Microsoft Cloud Agreement.
    let templates = client
        .agreements()
        .list_metadata()
        .agreement_type("MicrosoftCustomerAgreement")
        .await?;
    let template = templates
        .items
        .into_iter()
        .next()
        .and_then(|t| t.template_id)
        .expect("the service lists the MCA template");

    // 4. The attestation: who at the customer accepted, and when.
    let attestation = models::Agreement {
        primary_contact: models::Contact {
            first_name: "Gena".into(),
            last_name: "Soto".into(),
            email: "gena@wingtiptoys.example".into(),
            phone_number: Some("4255550101".into()),
        },
        template_id: template,
        date_agreed: OffsetDateTime::now_utc(),
        r#type: "MicrosoftCustomerAgreement".into(),
        user_id: None,
        agreement_link: None,
    };
    let attested = client
        .agreements()
        .create(customer_id, &attestation)
        .await?;
    println!(
        "attested on {} by {}",
        attested.date_agreed,
        attested.user_id.as_deref().unwrap_or("?")
    );
    let on_record = client
        .agreements()
        .list(customer_id)
        .agreement_type("MicrosoftCustomerAgreement")
        .await?;
    println!("attestations on record: {}", on_record.total_count);
    let direct = client
        .agreements()
        .get_direct_signed_status(customer_id)
        .await?;
    println!("signed by the customer directly: {}", direct.is_signed);

    // 5. The first user. The password is a secret: `{:?}` prints it as [redacted].
    let new_user = models::NewCustomerUser {
        user_principal_name: format!("gena@{domain}"),
        first_name: Some("Gena".into()),
        last_name: Some("Soto".into()),
        display_name: "Gena Soto".into(),
        usage_location: Some("US".into()),
        password_profile: models::PasswordProfile {
            password: "Onboard!2024-first".into(),
            force_change_password: Some(true),
        },
        ..Default::default()
    };
    let user = client.users().create(customer_id, &new_user).await?;
    println!(
        "user: {} {:?}",
        user.user_principal_name.as_deref().unwrap_or("?"),
        user.password_profile
    );

    // 6. Every user of the customer, page by page.
    let users: Vec<models::CustomerUser> = client
        .users()
        .list(customer_id)
        .size(100)
        .stream()
        .try_collect()
        .await?;
    println!("users: {}", users.len());
    Ok(())
}
