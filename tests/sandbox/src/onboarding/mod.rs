//! What a customer gathers after it is created (issue 14's onboarding journey): agreement
//! attestations and the direct-signing flag, users, licences and a qualification; plus the
//! partner's GCC validation codes. One file per resource: its stored form, how a request
//! body becomes it (case-insensitive names, nulls ignored, unknown members ignored, field
//! problems reported together as 400 800002), and its wire view.
//!
//! The per-customer part lives inside [`crate::model::Customer`], under the store's lock, so
//! it disappears with the customer (DELETE, reset) and a lookup and an update are one step.

pub mod agreements;
pub mod licenses;
pub mod qualifications;
pub mod users;

/// A customer's onboarding state; empty when the customer is created.
#[derive(Clone, Debug, Default)]
pub struct Onboarding {
    /// Attestations in creation order.
    pub agreements: Vec<agreements::Agreement>,
    /// Whether the customer accepted the MCA themselves (set by `POST /_sandbox/customers/{id}/direct-signed`).
    pub direct_signed: bool,
    pub users: users::Users,
    /// Seeded by `POST /_sandbox/customers/{id}/licenses`.
    pub licenses: Vec<licenses::SubscribedSku>,
    /// The latest qualification asked for.
    pub qualification: Option<qualifications::Qualification>,
}
