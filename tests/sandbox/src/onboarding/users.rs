//! A customer's users (reference-2 §9): create, update (password reset, restore), soft
//! delete and the 30-day purge. Passwords are never stored: a password is echoed in the
//! answer to the request that set it (as the documentation shows) and then forgotten, and
//! its `Debug` form is redacted so it cannot reach a log.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::clock::SECONDS_PER_DAY;
use crate::datetime;
use crate::errors::{ApiError, truncate};
use crate::model::{Attributes, Links};
use crate::wire::Reader;

/// A soft-deleted user is purged this long after its deletion (reference-2 §9.2).
pub const PURGE_AFTER_SECS: i64 = 30 * SECONDS_PER_DAY;

/// `passwordProfile` of a request; echoed, never stored.
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordProfile {
    pub password: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub force_change_password: Option<bool>,
}

impl fmt::Debug for PasswordProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordProfile")
            .field("password", &"<redacted>")
            .field("force_change_password", &self.force_change_password)
            .finish()
    }
}

#[derive(Clone, Debug)]
pub struct User {
    pub id: Uuid,
    pub upn: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub display_name: String,
    pub usage_location: Option<String>,
    pub immutable_id: Option<String>,
    pub phone_number: Option<String>,
    /// Unix seconds (emulator clock) of the soft delete; `None` while active.
    pub deleted_at: Option<i64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserView<'a> {
    id: Uuid,
    user_principal_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_name: Option<&'a str>,
    display_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    usage_location: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    immutable_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone_number: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    password_profile: Option<&'a PasswordProfile>,
    user_domain_type: &'static str,
    state: &'static str,
    /// Sent as `null` while the user is active, as the documented examples do.
    soft_deletion_time: Option<String>,
    links: Links,
    attributes: Attributes,
}

impl User {
    pub fn is_deleted(&self) -> bool {
        self.deleted_at.is_some()
    }

    /// Gone for good: deleted 30 days ago or more by the emulator's clock.
    pub fn is_purged(&self, now: i64) -> bool {
        self.deleted_at
            .is_some_and(|at| now.saturating_sub(at) >= PURGE_AFTER_SECS)
    }

    /// The user; `password` only in the answer to the request that set it.
    pub fn view<'a>(
        &'a self,
        customer: &Uuid,
        password: Option<&'a PasswordProfile>,
    ) -> UserView<'a> {
        UserView {
            id: self.id,
            user_principal_name: &self.upn,
            first_name: self.first_name.as_deref(),
            last_name: self.last_name.as_deref(),
            display_name: &self.display_name,
            usage_location: self.usage_location.as_deref(),
            immutable_id: self.immutable_id.as_deref(),
            phone_number: self.phone_number.as_deref(),
            password_profile: password,
            user_domain_type: "none",
            state: if self.is_deleted() {
                "inactive"
            } else {
                "active"
            },
            soft_deletion_time: self.deleted_at.map(datetime::format_secs),
            // The documented form, without /v1 (reference-2 §9.1; contract of issue 14).
            links: Links::me(format!("/customers/{customer}/users/{}", self.id)),
            attributes: Attributes::of("CustomerUser"),
        }
    }
}

/// A customer's users in creation order (the paging cursor is the sequence number).
#[derive(Clone, Debug, Default)]
pub struct Users {
    next_seq: u64,
    by_seq: BTreeMap<u64, User>,
}

impl Users {
    /// Forgets the users whose 30 days are over (on every write; reads skip them anyway).
    pub fn purge(&mut self, now: i64) {
        self.by_seq.retain(|_, u| !u.is_purged(now));
    }

    /// Users not purged yet (active and soft-deleted), with their sequence numbers.
    pub fn live(&self, now: i64) -> impl Iterator<Item = (u64, &User)> {
        self.by_seq
            .iter()
            .filter(move |(_, u)| !u.is_purged(now))
            .map(|(seq, u)| (*seq, u))
    }

    /// An active user.
    pub fn active(&self, id: &Uuid, now: i64) -> Option<&User> {
        self.live(now)
            .map(|(_, u)| u)
            .find(|u| u.id == *id && !u.is_deleted())
    }

    /// A user not purged yet (active or soft-deleted).
    pub fn live_mut(&mut self, id: &Uuid, now: i64) -> Option<&mut User> {
        self.by_seq
            .values_mut()
            .find(|u| u.id == *id && !u.is_purged(now))
    }

    /// Whether another user not purged yet has this user principal name (case-insensitive).
    pub fn upn_taken(&self, upn: &str, except: Option<&Uuid>, now: i64) -> bool {
        self.live(now)
            .any(|(_, u)| u.upn.eq_ignore_ascii_case(upn.trim()) && Some(&u.id) != except)
    }

    pub fn insert(&mut self, user: User) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.by_seq.insert(seq, user);
    }
}

/// What a create or update body says, type-checked (rules are checked by [`NewUser`] and
/// [`UserUpdate`]).
#[derive(Debug, Default)]
struct Fields {
    upn: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    display_name: Option<String>,
    usage_location: Option<String>,
    immutable_id: Option<String>,
    phone_number: Option<String>,
    password: Option<PasswordProfile>,
    password_given: bool,
    state: Option<String>,
}

/// Reads the members both bodies share; read-only members (`id`, `userDomainType`,
/// `softDeletionTime`, `lastDirectorySyncTime`, `links`, `attributes`) and unknown ones are
/// ignored.
fn read(body: &Value, errors: &mut Vec<String>) -> Fields {
    let mut r = Reader { errors };
    let profile = r.object(body, "passwordprofile", "passwordProfile");
    let password = profile.and_then(|p| r.string(p, "password", "passwordProfile.password"));
    let force = profile.and_then(|p| match p.get("forcechangepassword") {
        None => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            r.errors
                .push("passwordProfile.forceChangePassword must be true or false".into());
            None
        }
    });
    if let Some(p) = profile
        && p.get("password").is_none()
    {
        r.errors.push("passwordProfile.password is required".into());
    }
    Fields {
        upn: r.string(body, "userprincipalname", "userPrincipalName"),
        first_name: r.string(body, "firstname", "firstName"),
        last_name: r.string(body, "lastname", "lastName"),
        display_name: r.string(body, "displayname", "displayName"),
        usage_location: r.string(body, "usagelocation", "usageLocation"),
        immutable_id: r.string(body, "immutableid", "immutableId"),
        phone_number: r.string(body, "phonenumber", "phoneNumber"),
        password_given: profile.is_some(),
        password: password.map(|password| PasswordProfile {
            password,
            force_change_password: force,
        }),
        state: r.string(body, "state", "state"),
    }
}

/// Azure AD's rule (an emulator decision, reference-2 §13.8): 8–256 characters with at
/// least three of lower case, upper case, digits and symbols. The message never repeats
/// the password.
fn check_password(p: &PasswordProfile, errors: &mut Vec<String>) {
    let s = &p.password;
    let n = s.chars().count();
    let classes = [
        s.chars().any(|c| c.is_ascii_lowercase()),
        s.chars().any(|c| c.is_ascii_uppercase()),
        s.chars().any(|c| c.is_ascii_digit()),
        s.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|x| **x)
    .count();
    if !(8..=256).contains(&n) || classes < 3 {
        errors.push(
            "passwordProfile.password must be 8 to 256 characters with at least three of lower case, upper case, digits and symbols"
                .into(),
        );
    }
}

/// `name@domain` with the domain one of the customer's (case-insensitive).
fn check_upn(upn: &str, customer_domain: &str, errors: &mut Vec<String>) {
    let upn = upn.trim();
    match upn.split_once('@') {
        Some((local, domain))
            if !local.is_empty() && !domain.contains('@') && !upn.contains(char::is_whitespace) =>
        {
            if !domain.eq_ignore_ascii_case(customer_domain) {
                errors.push(format!(
                    "userPrincipalName must be in one of the customer's domains ({customer_domain}), got '{}'",
                    truncate(domain, 100)
                ));
            }
        }
        _ => errors.push(format!(
            "userPrincipalName must be name@domain, got '{}'",
            truncate(upn, 100)
        )),
    }
}

fn check_usage_location(loc: Option<&str>, errors: &mut Vec<String>) -> Option<String> {
    let loc = loc?.trim();
    if loc.len() == 2 && loc.bytes().all(|b| b.is_ascii_alphabetic()) {
        Some(loc.to_ascii_uppercase())
    } else {
        errors.push(format!(
            "usageLocation must be a two-letter country code, got '{}'",
            truncate(loc, 20)
        ));
        None
    }
}

fn check_display_name(name: Option<&str>, errors: &mut Vec<String>) {
    if name.is_some_and(|n| n.trim().is_empty()) {
        errors.push("displayName must not be empty".into());
    }
}

/// A create request after its checks: the user to store and the password to echo.
#[derive(Debug)]
pub struct NewUser {
    pub user: User,
    pub password: PasswordProfile,
}

/// Reads `POST /v1/customers/{id}/users`: `userPrincipalName` (in the customer's domain),
/// `displayName` and `passwordProfile.password` are required; `usageLocation` is two letters
/// when given.
pub fn parse_new(body: &Value, customer_domain: &str) -> Result<NewUser, ApiError> {
    if !body.is_object() {
        return Err(ApiError::bad_input(
            "the body must be a JSON object (a CustomerUser)",
        ));
    }
    let mut errors = Vec::new();
    let f = read(body, &mut errors);
    if f.upn.is_none() && body.get("userprincipalname").is_none() {
        errors.push("userPrincipalName is required".into());
    }
    if f.display_name.is_none() && body.get("displayname").is_none() {
        errors.push("displayName is required".into());
    }
    if !f.password_given {
        errors.push("passwordProfile is required".into());
    }
    if let Some(upn) = &f.upn {
        check_upn(upn, customer_domain, &mut errors);
    }
    check_display_name(f.display_name.as_deref(), &mut errors);
    let usage_location = check_usage_location(f.usage_location.as_deref(), &mut errors);
    if let Some(p) = &f.password {
        check_password(p, &mut errors);
    }
    match (f.upn, f.display_name, f.password) {
        (Some(upn), Some(display_name), Some(password)) if errors.is_empty() => Ok(NewUser {
            user: User {
                id: Uuid::new_v4(),
                upn: upn.trim().to_string(),
                first_name: f.first_name,
                last_name: f.last_name,
                display_name,
                usage_location,
                immutable_id: f.immutable_id,
                phone_number: f.phone_number,
                deleted_at: None,
            },
            password,
        }),
        _ => Err(ApiError::bad_fields(errors)),
    }
}

/// A PATCH after its checks: the members to change (`None` = keep).
#[derive(Debug, Default)]
pub struct UserUpdate {
    pub upn: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub display_name: Option<String>,
    pub usage_location: Option<String>,
    pub phone_number: Option<String>,
    pub password: Option<PasswordProfile>,
    /// `state: active`: restore a soft-deleted user.
    pub restore: bool,
}

/// Reads `PATCH /v1/customers/{id}/users/{user-id}`: any subset of the user's members,
/// checked as on create; `state` may only be `active` (restore).
pub fn parse_update(body: &Value, customer_domain: &str) -> Result<UserUpdate, ApiError> {
    if !body.is_object() {
        return Err(ApiError::bad_input(
            "the body must be a JSON object (a CustomerUser)",
        ));
    }
    let mut errors = Vec::new();
    let f = read(body, &mut errors);
    if let Some(upn) = &f.upn {
        check_upn(upn, customer_domain, &mut errors);
    }
    check_display_name(f.display_name.as_deref(), &mut errors);
    let usage_location = check_usage_location(f.usage_location.as_deref(), &mut errors);
    if let Some(p) = &f.password {
        check_password(p, &mut errors);
    }
    let restore = match f.state.as_deref().map(str::trim) {
        None => false,
        Some(s) if s.eq_ignore_ascii_case("active") => true,
        Some(s) if s.eq_ignore_ascii_case("inactive") => {
            errors.push("state cannot be set to inactive: delete the user instead".into());
            false
        }
        Some(s) => {
            errors.push(format!(
                "state must be active (restore a deleted user), got '{}'",
                truncate(s, 30)
            ));
            false
        }
    };
    if !errors.is_empty() {
        return Err(ApiError::bad_fields(errors));
    }
    Ok(UserUpdate {
        upn: f.upn.map(|u| u.trim().to_string()),
        first_name: f.first_name,
        last_name: f.last_name,
        display_name: f.display_name,
        usage_location,
        phone_number: f.phone_number,
        password: f.password,
        restore,
    })
}

impl UserUpdate {
    /// Applies the change (the caller checked existence, state and uniqueness).
    pub fn apply(self, user: &mut User) -> Option<PasswordProfile> {
        if self.restore {
            user.deleted_at = None;
        }
        if let Some(v) = self.upn {
            user.upn = v;
        }
        if let Some(v) = self.first_name {
            user.first_name = Some(v);
        }
        if let Some(v) = self.last_name {
            user.last_name = Some(v);
        }
        if let Some(v) = self.display_name {
            user.display_name = v;
        }
        if let Some(v) = self.usage_location {
            user.usage_location = Some(v);
        }
        if let Some(v) = self.phone_number {
            user.phone_number = Some(v);
        }
        self.password
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn passwords_need_three_classes_and_a_length() {
        let ok = |p: &str| {
            let mut e = Vec::new();
            check_password(
                &PasswordProfile {
                    password: p.into(),
                    force_change_password: None,
                },
                &mut e,
            );
            e.is_empty()
        };
        assert!(ok("Password1"));
        assert!(ok("password1!"));
        assert!(ok("PASSWORD!x"));
        assert!(!ok("Pass1!"), "too short");
        assert!(!ok("password1"), "two classes");
        assert!(!ok(&"Aa1".repeat(86)), "257 characters");
    }

    #[test]
    fn the_password_never_shows_in_debug_or_errors() {
        let body = json!({"userprincipalname": "a@contoso.com", "displayname": "A",
            "passwordprofile": {"password": "weakweakweak"}});
        let e = parse_new(&body, "contoso.com").unwrap_err();
        assert!(!format!("{e:?}").contains("weakweakweak"));
        let body = json!({"userprincipalname": "a@contoso.com", "displayname": "A",
            "passwordprofile": {"password": "Str0ng!Secret"}});
        let new = parse_new(&body, "contoso.com").unwrap();
        assert!(!format!("{new:?}").contains("Str0ng!Secret"));
    }

    #[test]
    fn user_principal_names_are_in_the_customer_domain() {
        let check = |upn: &str| {
            let mut e = Vec::new();
            check_upn(upn, "Contoso.onmicrosoft.com", &mut e);
            e.is_empty()
        };
        assert!(check("jane@contoso.onmicrosoft.com"));
        assert!(check("JANE@CONTOSO.ONMICROSOFT.COM"));
        assert!(!check("jane@fabrikam.com"));
        assert!(!check("jane"));
        assert!(!check("@contoso.onmicrosoft.com"));
        assert!(!check("a@b@contoso.onmicrosoft.com"));
        assert!(!check("ja ne@contoso.onmicrosoft.com"));
    }

    #[test]
    fn purge_after_thirty_days() {
        let mut users = Users::default();
        let id = Uuid::new_v4();
        users.insert(User {
            id,
            upn: "a@b.c".into(),
            first_name: None,
            last_name: None,
            display_name: "A".into(),
            usage_location: None,
            immutable_id: None,
            phone_number: None,
            deleted_at: Some(1000),
        });
        assert!(users.live_mut(&id, 1000 + PURGE_AFTER_SECS - 1).is_some());
        assert!(users.upn_taken("A@B.C", None, 1000));
        assert!(users.active(&id, 1000).is_none(), "deleted is not active");
        assert!(users.live_mut(&id, 1000 + PURGE_AFTER_SECS).is_none());
        users.purge(1000 + PURGE_AFTER_SECS);
        assert_eq!(users.live(0).count(), 0);
    }
}
