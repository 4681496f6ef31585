//! The in-memory store and the shared application state.
//!
//! One `RwLock` guards the customers; it is only ever held for a lookup, an insert or a
//! serialisation of one page, never across an `.await`, so 64 concurrent clients do not
//! queue behind each other. Reads (the common case) share the lock.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use bytes::Bytes;
use rand::RngExt;
use serde_json::Value;
use uuid::Uuid;

use crate::auth::Auth;
use crate::clock::Clock;
use crate::config::Config;
use crate::connections::Connections;
use crate::errors::ApiError;
use crate::faults::Faults;
use crate::in_flight::InFlight;
use crate::logging::Logger;
use crate::model::{BillingProfile, Customer, Form};
use crate::onboarding::Onboarding;
use crate::onboarding::qualifications::ValidationCodes;
use crate::throttle::Throttle;
use crate::validation::NewCustomer;

/// How many create results are remembered for MS-RequestId replay. Old ones are
/// forgotten first; a retry comes seconds after its original, not thousands of creates.
const IDEMPOTENCY_CAPACITY: usize = 10_000;

pub struct App {
    pub config: Config,
    pub store: Store,
    pub throttle: Throttle,
    pub faults: Faults,
    pub logger: Option<Logger>,
    /// Sign-in: the emulated token endpoint's state and the token checks.
    pub auth: Auth,
    /// Mixed into continuation-token checksums so a hand-made token is rejected.
    pub token_secret: u64,
    /// The emulator's clock (user purge, `dateAgreed`); movable by `POST /_sandbox/clock`.
    pub clock: Clock,
    /// The partner's GCC validation codes.
    pub validation_codes: ValidationCodes,
    /// Partner Center calls received, being served now, and the most at once (`requests`,
    /// `inFlight`, `inFlightPeak`).
    pub in_flight: Arc<InFlight>,
    /// TCP connections open now (`connections`), counted by the listener.
    pub connections: Arc<Connections>,
}

impl App {
    pub fn new(config: Config) -> Self {
        let logger = config.log_requests.then(Logger::start);
        App {
            store: Store::default(),
            throttle: Throttle::new(config.throttle_per_minute),
            faults: Faults::new(config.faults.clone()),
            logger,
            auth: Auth::new(&config),
            token_secret: rand::rng().random(),
            clock: Clock::default(),
            validation_codes: ValidationCodes::default(),
            in_flight: Arc::default(),
            connections: Arc::default(),
            config,
        }
    }

    pub fn is_known_reseller(&self, id: &str) -> bool {
        self.config
            .resellers
            .iter()
            .any(|r| r.trim().eq_ignore_ascii_case(id.trim()))
    }
}

/// A remembered create: the canonical request body and the exact response body.
struct IdempotencyRecord {
    body: Value,
    response: Bytes,
}

#[derive(Default)]
pub struct Inner {
    next_seq: u64,
    pub customers: HashMap<Uuid, Customer>,
    /// Creation order: seq → id. Paging walks this, so deletes never shift a cursor.
    pub order: BTreeMap<u64, Uuid>,
    /// Lower-cased domain → id (domains are case-insensitive).
    domains: HashMap<String, Uuid>,
    idempotency: HashMap<String, IdempotencyRecord>,
    idempotency_order: VecDeque<String>,
}

#[derive(Default)]
pub struct Store {
    inner: RwLock<Inner>,
}

/// What a create replay lookup found.
pub enum Replay {
    Same(Bytes),
    Different,
}

impl Store {
    // A poisoned lock only means another request panicked mid-update; the data is still
    // consistent for our simple maps, so keep serving rather than failing every request.
    pub fn read(&self) -> RwLockReadGuard<'_, Inner> {
        self.inner.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(|e| e.into_inner())
    }

    pub fn reset(&self) {
        let mut inner = self.write();
        let next_seq = inner.next_seq;
        *inner = Inner::default();
        // Keep the sequence moving so an old continuation token can never address a
        // customer created after the reset.
        inner.next_seq = next_seq;
    }

    pub fn replay(&self, request_id: &str, body: &Value) -> Option<Replay> {
        let inner = self.read();
        inner.idempotency.get(request_id).map(|rec| {
            if &rec.body == body {
                Replay::Same(rec.response.clone())
            } else {
                Replay::Different
            }
        })
    }

    pub fn domain_taken(&self, domain: &str) -> bool {
        self.read().domains.contains_key(&domain.to_lowercase())
    }

    pub fn len(&self) -> usize {
        self.read().customers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Commits a validated create atomically (idempotency, domain, quota, insert) and
    /// returns the 201 body. The password exists only in that body (and its replay).
    pub fn create(
        &self,
        new: NewCustomer,
        reseller: Option<String>,
        quota: usize,
        idempotency: Option<(&str, Value)>,
    ) -> Result<Bytes, ApiError> {
        let id = Uuid::new_v4();
        let password = generate_password();
        let mut inner = self.write();

        if let Some((rid, body)) = &idempotency
            && let Some(rec) = inner.idempotency.get(*rid)
        {
            // A concurrent retry with the same request id won the race.
            return if &rec.body == body {
                Ok(rec.response.clone())
            } else {
                Err(ApiError::idempotency_mismatch(rid))
            };
        }
        let domain_key = new.domain.to_lowercase();
        if inner.domains.contains_key(&domain_key) {
            return Err(ApiError::domain_exists(&new.domain));
        }
        if inner.customers.len() >= quota {
            return Err(ApiError::quota_reached(quota));
        }

        let seq = inner.next_seq;
        inner.next_seq += 1;
        let b = new.billing;
        let is_reseller = reseller.is_some();
        let customer = Customer {
            seq,
            id,
            commerce_id: Uuid::new_v4(),
            domain: new.domain,
            // PowerShell sets both names from one parameter and the indirect-reseller
            // example returns companyProfile.companyName filled from the billing profile.
            company_name: new
                .company_name
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| b.company_name.clone()),
            company_email: new.company_email.or_else(|| Some(b.email.clone())),
            company_address: new
                .company_address
                .or_else(|| Some(b.default_address.clone())),
            registration_number: new.registration_number,
            billing: BillingProfile {
                id: Uuid::new_v4(),
                first_name: b.first_name,
                last_name: b.last_name,
                email: b.email,
                culture: b.culture,
                language: b.language,
                company_name: b.company_name,
                default_address: b.default_address,
                etag: new_etag(None),
            },
            relationship: if is_reseller { "reseller" } else { "none" },
            associated_partner_id: reseller,
            allow_delegated_access: is_reseller.then_some(true),
            onboarding: Onboarding::default(),
        };
        let response: Bytes = serde_json::to_vec(&customer.view(Form::Create, Some(&password)))
            .map_err(|_| ApiError::bad_input("could not serialise the customer"))?
            .into();
        inner.domains.insert(domain_key, id);
        inner.order.insert(seq, id);
        inner.customers.insert(id, customer);
        if let Some((rid, body)) = idempotency {
            let rid = rid.to_string();
            inner.idempotency.insert(
                rid.clone(),
                IdempotencyRecord {
                    body,
                    response: response.clone(),
                },
            );
            inner.idempotency_order.push_back(rid);
            while inner.idempotency_order.len() > IDEMPOTENCY_CAPACITY {
                if let Some(old) = inner.idempotency_order.pop_front() {
                    inner.idempotency.remove(&old);
                }
            }
        }
        Ok(response)
    }

    pub fn delete(&self, id: &Uuid) -> bool {
        let mut inner = self.write();
        match inner.customers.remove(id) {
            Some(c) => {
                inner.order.remove(&c.seq);
                inner.domains.remove(&c.domain.to_lowercase());
                true
            }
            None => false,
        }
    }

    /// Runs `f` on a customer under the write lock (for PATCH and billing PUT).
    pub fn update<T>(
        &self,
        id: &Uuid,
        f: impl FnOnce(&mut Customer) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut inner = self.write();
        match inner.customers.get_mut(id) {
            Some(c) => f(c),
            None => Err(ApiError::customer_not_found(&id.to_string())),
        }
    }

    /// Runs `f` on a customer under the read lock (views are serialised in place).
    pub fn with<T>(&self, id: &Uuid, f: impl FnOnce(&Customer) -> T) -> Result<T, ApiError> {
        let inner = self.read();
        inner
            .customers
            .get(id)
            .map(f)
            .ok_or_else(|| ApiError::customer_not_found(&id.to_string()))
    }
}

/// A billing-profile etag: a signed 64-bit number as a string, like the documented
/// `"5920358838484612121"` and `"-4242348048554929329"`; never equal to the previous one.
pub fn new_etag(previous: Option<&str>) -> String {
    let mut rng = rand::rng();
    loop {
        let candidate = rng.random::<i64>().to_string();
        if Some(candidate.as_str()) != previous {
            return candidate;
        }
    }
}

/// The admin password: 16 characters with at least one upper-case letter, lower-case
/// letter, digit and symbol (Azure AD's complexity rule needs three of the four).
pub fn generate_password() -> String {
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
    const DIGIT: &[u8] = b"23456789";
    const SYMBOL: &[u8] = b"!@#$%^&*()-_=+[]{};:,.?";
    let mut rng = rand::rng();
    let mut pick = |set: &[u8]| set[rng.random_range(0..set.len())] as char;
    let mut chars: Vec<char> = vec![pick(UPPER), pick(LOWER), pick(DIGIT), pick(SYMBOL)];
    let all: Vec<u8> = [UPPER, LOWER, DIGIT, SYMBOL].concat();
    while chars.len() < 16 {
        chars.push(pick(&all));
    }
    // Shuffle so the class order is not predictable.
    for i in (1..chars.len()).rev() {
        let j = rng.random_range(0..=i);
        chars.swap(i, j);
    }
    chars.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_strong() {
        for _ in 0..200 {
            let p = generate_password();
            assert_eq!(p.chars().count(), 16);
            assert!(p.chars().any(|c| c.is_ascii_uppercase()));
            assert!(p.chars().any(|c| c.is_ascii_lowercase()));
            assert!(p.chars().any(|c| c.is_ascii_digit()));
            assert!(p.chars().any(|c| !c.is_ascii_alphanumeric()));
        }
    }

    #[test]
    fn etags_are_numeric_and_change() {
        let a = new_etag(None);
        assert!(a.parse::<i64>().is_ok());
        assert_ne!(new_etag(Some(&a)), a);
    }
}
