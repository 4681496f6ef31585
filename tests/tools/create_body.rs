//! The create body (`POST /v1/customers`) that the soak's Rust runner and every Rust benchmark client
//! send; only the domain varies, and the company name, which names the tool. The same values are in
//! create_body.py and create-body.mjs next to this file.
//!
//! Not a crate: the two binaries that send it (crate `soak`, tests/reliability/rust; crate `bench`,
//! bench/rust) include this file with `#[path = ...] mod create_body;`.

use partner_center::models::{
    Address, CustomerBillingProfile, CustomerCompanyProfile, NewCustomer,
};

/// The body, as the generated client takes it.
pub fn new_customer(domain: String, company_name: &str) -> NewCustomer {
    NewCustomer {
        company_profile: CustomerCompanyProfile {
            domain,
            ..Default::default()
        },
        billing_profile: CustomerBillingProfile {
            email: "admin@contoso.example".into(),
            culture: "en-US".into(),
            language: "en".into(),
            company_name: company_name.into(),
            default_address: Address {
                first_name: Some("Jane".into()),
                last_name: Some("Doe".into()),
                address_line1: "1 Microsoft Way".into(),
                city: Some("Redmond".into()),
                state: Some("WA".into()),
                postal_code: Some("98052".into()),
                country: "US".into(),
                phone_number: Some("4255550101".into()),
                ..Default::default()
            },
            ..Default::default()
        },
        ..Default::default()
    }
}
