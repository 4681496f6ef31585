//! One page at a time, and a stream that follows continuation tokens to the last page.

mod common;

use std::collections::BTreeSet;

use common::*;
use futures::TryStreamExt;
use partner_center::models;

async fn create_many(client: &partner_center::Client, prefix: &str, n: usize) -> BTreeSet<String> {
    let mut domains = BTreeSet::new();
    for _ in 0..n {
        let domain = unique_domain(prefix);
        client
            .customers()
            .create(&new_customer(&domain))
            .await
            .unwrap();
        domains.insert(domain.to_lowercase());
    }
    domains
}

#[tokio::test]
async fn pages_by_hand_and_by_stream_see_every_customer_once() {
    let emu = emulator().await;
    let client = client(&emu);
    let created = create_many(&client, "paged", 7).await;

    let first = client.customers().list().size(3).await.unwrap();
    assert_eq!(first.items.len(), 3);
    assert_eq!(
        first.total_count,
        Some(3),
        "totalCount counts the page's items"
    );
    let mut seen: Vec<String> = first.items.iter().map(domain_of).collect();
    let mut token = first.continuation_token.clone();
    let mut pages = 1;
    while let Some(t) = token {
        let page = client
            .customers()
            .list()
            .continuation_token(t)
            .await
            .unwrap();
        seen.extend(page.items.iter().map(domain_of));
        token = page.continuation_token;
        pages += 1;
    }
    assert_eq!(pages, 3, "7 customers in pages of 3");
    assert_eq!(seen.iter().cloned().collect::<BTreeSet<_>>(), created);
    assert_eq!(seen.len(), created.len(), "no customer twice");

    let streamed: Vec<models::Customer> = client
        .customers()
        .list()
        .size(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        streamed.iter().map(domain_of).collect::<Vec<_>>(),
        seen,
        "the stream sees the same order"
    );
}

#[tokio::test]
async fn filter_by_company_name_prefix() {
    let emu = emulator().await;
    let client = client(&emu);
    let mut fabrikam = new_customer(&unique_domain("fab"));
    fabrikam.billing_profile.company_name = "Fabrikam".into();
    fabrikam.company_profile.company_name = Some("Fabrikam".into());
    client.customers().create(&fabrikam).await.unwrap();
    create_many(&client, "other", 2).await;
    let filter = models::CustomerFilter {
        field: models::CustomerSearchField::CompanyName,
        value: "fab".into(),
        operator: models::FieldFilterOperation::StartsWith,
    };
    let found: Vec<models::Customer> = client
        .customers()
        .list()
        .filter(filter)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
}

fn domain_of(c: &models::Customer) -> String {
    c.company_profile
        .as_ref()
        .map(|p| p.domain.to_lowercase())
        .unwrap_or_default()
}
