//! Create and update validation: required fields, Address lengths (reference §4.4),
//! culture/language/domain/e-mail form, and the country-specific registration-number and
//! phone rules (§11.2). Field problems are collected and reported together as 400 3000
//! (contract §2); the country rules have their own codes and are checked afterwards.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use crate::countries;
use crate::errors::ApiError;
use crate::model::Address;
use crate::wire::Reader;

/// What a create request asks for, after validation and normalisation.
#[derive(Debug)]
pub struct NewCustomer {
    pub domain: String,
    pub company_name: Option<String>,
    pub company_email: Option<String>,
    pub company_address: Option<Address>,
    pub registration_number: Option<String>,
    pub billing: NewBilling,
    pub associated_partner_id: Option<String>,
}

#[derive(Debug)]
pub struct NewBilling {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: String,
    pub culture: String,
    pub language: String,
    pub company_name: String,
    pub default_address: Address,
}

static EMAIL: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^[^@\s]+@[^@\s]+\.[^@\s]+$").ok());

pub fn email_valid(s: &str) -> bool {
    s.chars().count() <= 254 && EMAIL.as_ref().is_some_and(|re| re.is_match(s))
}

/// A host name: at least two dot-separated labels of letters, digits and inner hyphens
/// (1–63 chars each), an alphabetic top-level label, 253 characters at most.
pub fn domain_valid(s: &str) -> bool {
    if s.is_empty() || s.len() > 253 {
        return false;
    }
    let labels: Vec<&str> = s.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    let tld = labels[labels.len() - 1];
    labels.iter().all(|l| label_ok(l))
        && tld.len() >= 2
        && tld.bytes().all(|b| b.is_ascii_alphabetic())
}

/// Normalises a culture name the way the service does ("EN-US" → "en-US",
/// "az-latn-az" → "az-Latn-AZ"); `None` when it is not `ll-CC` or `ll-Ssss-CC`.
pub fn normalize_culture(s: &str) -> Option<String> {
    let parts: Vec<&str> = s.split('-').collect();
    let alpha = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_alphabetic());
    match parts.as_slice() {
        [lang, region] if alpha(lang, 2) && alpha(region, 2) => Some(format!(
            "{}-{}",
            lang.to_ascii_lowercase(),
            region.to_ascii_uppercase()
        )),
        [lang, script, region] if alpha(lang, 2) && alpha(script, 4) && alpha(region, 2) => {
            let mut script_norm = script.to_ascii_lowercase();
            script_norm[..1].make_ascii_uppercase();
            Some(format!(
                "{}-{}-{}",
                lang.to_ascii_lowercase(),
                script_norm,
                region.to_ascii_uppercase()
            ))
        }
        _ => None,
    }
}

/// Two ASCII letters, any case; returned as sent (the service does not reliably
/// normalise language, reference §4.3).
pub fn language_valid(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic())
}

/// Reads an Address object, applying the reference §4.4 length table. `required` decides
/// whether addressLine1 and country must be present (create: yes; suggestions: no).
pub fn read_address(r: &mut Reader<'_>, v: &Value, path: &str) -> Address {
    let mut s = |key: &str, name: &str| r.string(v, key, &format!("{path}.{name}"));
    let mut a = Address {
        country: s("country", "country"),
        region: s("region", "region"),
        city: s("city", "city"),
        state: s("state", "state"),
        address_line1: s("addressline1", "addressLine1"),
        address_line2: s("addressline2", "addressLine2"),
        address_line3: s("addressline3", "addressLine3"),
        postal_code: s("postalcode", "postalCode"),
        first_name: s("firstname", "firstName"),
        middle_name: s("middlename", "middleName"),
        last_name: s("lastname", "lastName"),
        phone_number: s("phonenumber", "phoneNumber"),
    };
    // The service stores ISO codes upper-case; accepting "us" costs nothing.
    if let Some(c) = a.country.as_mut() {
        *c = c.trim().to_ascii_uppercase();
    }
    a
}

/// Create/update rules for an address: addressLine1 (1,200) and country (2,2, a known
/// ISO code) required; addressLine2/3 (0,200); names (1,50) when given; state (0,2) for
/// US and CA only (the 2-character limit is suspect elsewhere, reference §13.8).
pub fn check_address(r: &mut Reader<'_>, a: &Address, path: &str) {
    match a.address_line1.as_deref() {
        None => r.errors.push(format!("{path}.addressLine1 is required")),
        Some(l) if l.trim().is_empty() => r
            .errors
            .push(format!("{path}.addressLine1 must not be empty")),
        Some(l) => r.length(Some(l), 1, 200, &format!("{path}.addressLine1")),
    }
    check_optional_lengths(r, a, path);
    check_country(r, a, path);
}

/// The reference §4.4 limits of the optional members (shared with address validation).
pub fn check_optional_lengths(r: &mut Reader<'_>, a: &Address, path: &str) {
    r.length(
        a.address_line2.as_deref(),
        0,
        200,
        &format!("{path}.addressLine2"),
    );
    r.length(
        a.address_line3.as_deref(),
        0,
        200,
        &format!("{path}.addressLine3"),
    );
    r.length(a.first_name.as_deref(), 1, 50, &format!("{path}.firstName"));
    r.length(
        a.middle_name.as_deref(),
        1,
        50,
        &format!("{path}.middleName"),
    );
    r.length(a.last_name.as_deref(), 1, 50, &format!("{path}.lastName"));
}

fn check_country(r: &mut Reader<'_>, a: &Address, path: &str) {
    match a.country.as_deref() {
        None => r.errors.push(format!("{path}.country is required")),
        Some(c) if c.chars().count() != 2 => r
            .errors
            .push(format!("{path}.country must be exactly 2 characters long")),
        Some(c) if !countries::is_known_country(c) => r.errors.push(format!(
            "{path}.country '{c}' is not a supported ISO 3166 alpha-2 code"
        )),
        Some(c) => {
            if c == "US" || c == "CA" {
                r.length(a.state.as_deref(), 0, 2, &format!("{path}.state"));
            }
        }
    }
}

/// Validates the billing-profile fields shared by create and PUT.
fn check_billing_fields(
    r: &mut Reader<'_>,
    email: Option<&str>,
    culture: Option<&str>,
    language: Option<&str>,
    path: &str,
) -> Option<String> {
    let p = |name: &str| {
        if path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        }
    };
    if let Some(e) = email
        && !e.trim().is_empty()
        && !email_valid(e.trim())
    {
        r.errors.push(format!(
            "{} '{e}' is not a valid e-mail address",
            p("email")
        ));
    }
    if let Some(l) = language
        && !l.trim().is_empty()
        && !language_valid(l)
    {
        r.errors.push(format!(
            "{} must be a two-letter language code such as 'en'",
            p("language")
        ));
    }
    let culture = culture.filter(|c| !c.trim().is_empty())?;
    match normalize_culture(culture) {
        Some(c) => Some(c),
        None => {
            r.errors.push(format!(
                "{} must be a culture name such as 'en-US'",
                p("culture")
            ));
            None
        }
    }
}

/// Parses and validates a create request (normalised JSON).
pub fn parse_create(body: &Value) -> Result<NewCustomer, ApiError> {
    if !body.is_object() {
        return Err(ApiError::bad_input(
            "the body must be a JSON object (a Customer)",
        ));
    }
    let mut errors = Vec::new();
    let mut r = Reader {
        errors: &mut errors,
    };

    let company = r.object(body, "companyprofile", "companyProfile");
    let billing = r.object(body, "billingprofile", "billingProfile");
    if body.get("companyprofile").is_none() {
        r.errors.push("companyProfile is required".into());
    }
    if body.get("billingprofile").is_none() {
        r.errors.push("billingProfile is required".into());
    }

    let domain = r.required(company, "domain", "companyProfile.domain");
    if let Some(d) = domain.as_deref()
        && !domain_valid(d.trim())
    {
        r.errors.push(format!(
            "companyProfile.domain '{}' is not a valid domain name",
            crate::errors::truncate(d, 100)
        ));
    }
    let company_name =
        company.and_then(|c| r.string(c, "companyname", "companyProfile.companyName"));
    let company_email = company.and_then(|c| r.string(c, "email", "companyProfile.email"));
    if let Some(e) = company_email.as_deref()
        && !email_valid(e.trim())
    {
        r.errors.push(format!(
            "companyProfile.email '{e}' is not a valid e-mail address"
        ));
    }
    let registration_number = company.and_then(|c| {
        r.string(
            c,
            "organizationregistrationnumber",
            "companyProfile.organizationRegistrationNumber",
        )
    });
    let company_address = company
        .and_then(|c| r.object(c, "address", "companyProfile.address"))
        .map(|a| {
            let addr = read_address(&mut r, a, "companyProfile.address");
            check_address(&mut r, &addr, "companyProfile.address");
            addr
        });

    let email = r.required(billing, "email", "billingProfile.email");
    let culture = r.required(billing, "culture", "billingProfile.culture");
    let language = r.required(billing, "language", "billingProfile.language");
    let billing_company = r.required(billing, "companyname", "billingProfile.companyName");
    let first_name = billing.and_then(|b| r.string(b, "firstname", "billingProfile.firstName"));
    let last_name = billing.and_then(|b| r.string(b, "lastname", "billingProfile.lastName"));
    let culture = check_billing_fields(
        &mut r,
        email.as_deref(),
        culture.as_deref(),
        language.as_deref(),
        "billingProfile",
    );
    let address_value =
        billing.and_then(|b| r.object(b, "defaultaddress", "billingProfile.defaultAddress"));
    if billing.is_some() && billing.and_then(|b| b.get("defaultaddress")).is_none() {
        r.errors
            .push("billingProfile.defaultAddress is required".into());
    }
    let address = address_value.map(|a| {
        let addr = read_address(&mut r, a, "billingProfile.defaultAddress");
        check_address(&mut r, &addr, "billingProfile.defaultAddress");
        addr
    });

    let associated_partner_id = r
        .string(body, "associatedpartnerid", "associatedPartnerId")
        .filter(|s| !s.trim().is_empty());

    if !errors.is_empty() {
        return Err(ApiError::invalid_properties(errors));
    }
    // Every required value is present when no error was recorded; the `ok_or` guards
    // keep this panic-free regardless.
    let missing = || ApiError::invalid_property("request is incomplete");
    let mut address = address.ok_or_else(missing)?;
    let country = address.country.clone().unwrap_or_default();

    if countries::requires_registration(&country) {
        match registration_number.as_deref().map(str::trim) {
            None | Some("") => return Err(ApiError::registration_number_missing()),
            Some(n) if !countries::registration_number_valid(&country, n) => {
                return Err(ApiError::registration_number_invalid(
                    countries::registration_rule(&country).0,
                ));
            }
            Some(_) => {}
        }
        if address
            .phone_number
            .as_deref()
            .is_none_or(|p| p.trim().is_empty())
        {
            return Err(ApiError::phone_missing());
        }
    }
    // The documented create response always carries defaultAddress.phoneNumber, "" when
    // none was sent (seed 002).
    if address.phone_number.is_none() {
        address.phone_number = Some(String::new());
    }

    Ok(NewCustomer {
        domain: domain.ok_or_else(missing)?.trim().to_string(),
        company_name,
        company_email,
        company_address,
        registration_number,
        billing: NewBilling {
            first_name,
            last_name,
            email: email.ok_or_else(missing)?.trim().to_string(),
            culture: culture.ok_or_else(missing)?,
            language: language.ok_or_else(missing)?,
            company_name: billing_company.ok_or_else(missing)?,
            default_address: address,
        },
        associated_partner_id,
    })
}

/// Changes requested by a billing-profile PUT. Absent (or null) fields keep their value:
/// nulls are "not given" everywhere in this emulator.
#[derive(Debug, Default)]
pub struct BillingUpdate {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub culture: Option<String>,
    pub language: Option<String>,
    pub company_name: Option<String>,
    pub default_address: Option<Address>,
    pub etag: Option<String>,
}

pub fn parse_billing_update(body: &Value) -> Result<BillingUpdate, ApiError> {
    if !body.is_object() {
        return Err(ApiError::bad_input(
            "the body must be a JSON object (a CustomerBillingProfile)",
        ));
    }
    let mut errors = Vec::new();
    let mut r = Reader {
        errors: &mut errors,
    };
    let mut u = BillingUpdate {
        first_name: r.string(body, "firstname", "firstName"),
        last_name: r.string(body, "lastname", "lastName"),
        email: r.string(body, "email", "email"),
        culture: None,
        language: r.string(body, "language", "language"),
        company_name: r.string(body, "companyname", "companyName"),
        default_address: None,
        etag: None,
    };
    let culture = r.string(body, "culture", "culture");
    for (value, name) in [
        (&u.email, "email"),
        (&culture, "culture"),
        (&u.language, "language"),
        (&u.company_name, "companyName"),
    ] {
        if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
            r.errors.push(format!("{name} must not be empty"));
        }
    }
    u.culture = check_billing_fields(
        &mut r,
        u.email.as_deref(),
        culture.as_deref(),
        u.language.as_deref(),
        "",
    );
    if let Some(a) = r.object(body, "defaultaddress", "defaultAddress") {
        let addr = read_address(&mut r, a, "defaultAddress");
        check_address(&mut r, &addr, "defaultAddress");
        u.default_address = Some(addr);
    }
    if let Some(attrs) = r.object(body, "attributes", "attributes") {
        u.etag = r.string(attrs, "etag", "attributes.etag");
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid_properties(errors));
    }
    if let Some(e) = u.email.as_mut() {
        *e = e.trim().to_string();
    }
    Ok(u)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cultures() {
        assert_eq!(normalize_culture("EN-US").as_deref(), Some("en-US"));
        assert_eq!(normalize_culture("en-us").as_deref(), Some("en-US"));
        assert_eq!(
            normalize_culture("AZ-LATN-az").as_deref(),
            Some("az-Latn-AZ")
        );
        assert_eq!(normalize_culture("en"), None);
        assert_eq!(normalize_culture("en_US"), None);
        assert_eq!(normalize_culture("eng-US"), None);
        assert_eq!(normalize_culture("é-US"), None);
    }

    #[test]
    fn domains() {
        assert!(domain_valid("xyz.ccsctp.net"));
        assert!(domain_valid("SampleApplication1047419322.onmicrosoft.com"));
        assert!(!domain_valid("nodot"));
        assert!(!domain_valid("-a.com"));
        assert!(!domain_valid("a..com"));
        assert!(!domain_valid("a.c0m"));
        assert!(!domain_valid("a b.com"));
    }
}
