//! Create a customer, read it back, and list every customer.
//!
//! Against the local emulator:
//!   cargo run --release -p sandbox -- --port 8080
//!   cargo run -p partner-center --example quickstart
//! Against Partner Center, set PARTNER_CENTER_BASE_URL and PARTNER_CENTER_TOKEN.

use futures::TryStreamExt;
use partner_center::{Client, models};

#[tokio::main]
async fn main() -> Result<(), partner_center::Error> {
    let base_url =
        std::env::var("PARTNER_CENTER_BASE_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".into());
    let token = std::env::var("PARTNER_CENTER_TOKEN").unwrap_or_else(|_| "sandbox-token".into());
    let client = Client::builder()
        .base_url(base_url)
        .token(token)
        .locale("en-US")
        .build()?;

    let domain = format!("quickstart{}.onmicrosoft.com", std::process::id());
    if client.domains().exists(domain.as_str()).await? {
        println!("{domain} is taken; pick another");
        return Ok(());
    }
    let new_customer = models::NewCustomer {
        company_profile: models::CustomerCompanyProfile {
            domain: domain.clone(),
            ..Default::default()
        },
        billing_profile: models::CustomerBillingProfile {
            email: "admin@contoso.example".into(),
            culture: "en-US".into(),
            language: "en".into(),
            company_name: "Contoso".into(),
            default_address: models::Address {
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
    let id = customer.id.expect("the service assigns an id");
    // The admin password is a `Secret`: `{:?}` prints it as [redacted].
    println!("created {id}: {:?}", customer.user_credentials);

    let billing = client.profiles().get_billing(id).await?;
    println!(
        "billing contact: {} ({})",
        billing.email, billing.company_name
    );

    let all: Vec<models::Customer> = client
        .customers()
        .list()
        .size(40)
        .stream()
        .try_collect()
        .await?;
    println!("{} customers in the account", all.len());
    Ok(())
}
