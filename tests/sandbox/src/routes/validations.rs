//! POST /v1/validations/address: the June 2021 behaviour (reference §5.10): always 200
//! with an AddressValidationResponse whose `status` comes from the deterministic rules
//! below (documented in tests/sandbox/README.md). First matching rule wins:
//!
//! 1. country without detailed rules (anything but US, GB, DE, BR, IN, RU) → NotValidated
//! 2. a required city / postal code / state missing, a postal code not matching the
//!    country's regex, or an unknown state → None (no suggestions)
//! 3. US state given as its full name ("Washington") → InteractionRequired (1 suggestion
//!    with the code)
//! 4. street without a house number and a unit designator without a number → Multiple
//! 5. street without a house number ("Microsoft Way") → StreetPartial (3 suggestions)
//! 6. unit designator without a number ("… Suite") → PremisesPartial (3 suggestions)
//! 7. a PO box → Verified (deliverable to the box, not shippable)
//! 8. otherwise → VerifiedShippable (1 suggestion; US ZIP codes get a +4 extension)

use std::sync::{Arc, LazyLock};

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use regex::Regex;
use serde::Serialize;

use crate::countries::{self, Detail};
use crate::errors::{ApiError, json_response};
use crate::model::{Address, Attributes};
use crate::state::App;
use crate::validation::read_address;
use crate::wire::{self, Reader};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AddressValidationResponse<'a> {
    original_address: &'a Address,
    suggested_addresses: Vec<Address>,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    validation_message: Option<String>,
    attributes: Attributes,
}

pub async fn address(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let body = wire::read_json(&headers, body, app.config.max_body_bytes).await?;
    if !body.is_object() {
        return Err(ApiError::bad_input(
            "the body must be a JSON object (an Address)",
        ));
    }
    let mut errors = Vec::new();
    let mut r = Reader {
        errors: &mut errors,
    };
    let address = read_address(&mut r, &body, "address");
    match address.address_line1.as_deref() {
        None => r.errors.push("address.addressLine1 is required".into()),
        Some(l) => r.length(Some(l), 1, 200, "address.addressLine1"),
    }
    match address.country.as_deref() {
        None => r.errors.push("address.country is required".into()),
        Some(c) if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_alphabetic()) => r
            .errors
            .push("address.country must be a two-letter ISO 3166 alpha-2 code".into()),
        Some(_) => {}
    }
    crate::validation::check_optional_lengths(&mut r, &address, "address");
    if !errors.is_empty() {
        return Err(ApiError::invalid_properties(errors));
    }
    let (status, suggested_addresses, validation_message) = evaluate(&address);
    Ok(json_response(
        StatusCode::OK,
        &AddressValidationResponse {
            original_address: &address,
            suggested_addresses,
            status,
            validation_message,
            attributes: Attributes::of("AddressValidationResponse"),
        },
    ))
}

static PREMISES_PARTIAL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)(^|\s)(apt|apartment|suite|ste|unit|floor|fl|room|rm|#)\.?\s*$").ok()
});
static PO_BOX: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*p\.?\s*o\.?\s*box\b").ok());

const SPELLED: [&str; 20] = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
];

fn has_house_number(line: &str) -> bool {
    line.bytes().any(|b| b.is_ascii_digit())
        || line
            .split_whitespace()
            .next()
            .is_some_and(|w| SPELLED.contains(&w.to_ascii_lowercase().as_str()))
}

fn premises_partial(line: Option<&str>) -> bool {
    line.is_some_and(|l| PREMISES_PARTIAL.as_ref().is_some_and(|re| re.is_match(l)))
}

fn is_po_box(line: &str) -> bool {
    PO_BOX.as_ref().is_some_and(|re| re.is_match(line))
}

fn blank(v: Option<&str>) -> bool {
    v.is_none_or(|s| s.trim().is_empty())
}

/// Deterministic ZIP+4: the +4 is a hash of the street line and city.
fn zip_plus4(zip: &str, line1: &str, city: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in line1
        .trim()
        .to_lowercase()
        .bytes()
        .chain([b'|'])
        .chain(city.trim().to_lowercase().bytes())
    {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{zip}-{:04}", h % 10_000)
}

/// The cleaned-up form of an address: trimmed, codes upper-case, US ZIP+4.
fn suggestion(a: &Address, d: &Detail, state: Option<String>) -> Address {
    let mut s = a.clone();
    let trim = |v: &mut Option<String>| {
        if let Some(x) = v.as_mut() {
            *x = x.trim().to_string();
        }
    };
    for f in [
        &mut s.address_line1,
        &mut s.address_line2,
        &mut s.city,
        &mut s.postal_code,
    ] {
        trim(f);
    }
    s.state = state.or_else(|| s.state.map(|x| x.trim().to_ascii_uppercase()));
    if d.iso2 == "US" {
        fix_zip(&mut s);
    }
    s
}

fn fix_zip(s: &mut Address) {
    if let Some(zip) = s.postal_code.clone()
        && zip.len() == 5
        && zip.bytes().all(|b| b.is_ascii_digit())
    {
        s.postal_code = Some(zip_plus4(
            &zip,
            s.address_line1.as_deref().unwrap_or(""),
            s.city.as_deref().unwrap_or(""),
        ));
    }
}

fn message(props: &[&str]) -> Option<String> {
    let list: Vec<String> = props.iter().map(|p| format!("'{p}'")).collect();
    Some(format!(
        "Address field invalid for property: {}",
        list.join(", ")
    ))
}

fn evaluate(a: &Address) -> (&'static str, Vec<Address>, Option<String>) {
    let country = a.country.as_deref().unwrap_or("");
    let Some(d) = countries::detail(country) else {
        return (
            "NotValidated",
            Vec::new(),
            Some(format!(
                "Address validation is not available for country '{}'",
                crate::errors::truncate(country, 10)
            )),
        );
    };

    let mut invalid: Vec<&str> = Vec::new();
    if d.city_required && blank(a.city.as_deref()) {
        invalid.push("City");
    }
    match a.postal_code.as_deref() {
        p if blank(p) && d.postal_required => invalid.push("PostalCode"),
        p if blank(p) => {}
        Some(p) if !countries::postal_code_valid(d.iso2, p) => invalid.push("PostalCode"),
        _ => {}
    }
    let mut state_fix = None;
    if d.state_required {
        match a.state.as_deref().map(str::trim) {
            None | Some("") => invalid.push("State"),
            Some(s) if d.states.contains(&s.to_ascii_uppercase().as_str()) => {}
            Some(s) => {
                let name = s.to_lowercase();
                match countries::US_STATE_NAMES.iter().find(|(n, _)| *n == name) {
                    Some((_, code)) if d.iso2 == "US" => state_fix = Some(code.to_string()),
                    _ => invalid.push("State"),
                }
            }
        }
    }
    if !invalid.is_empty() {
        return ("None", Vec::new(), message(&invalid));
    }
    if state_fix.is_some() {
        return (
            "InteractionRequired",
            vec![suggestion(a, d, state_fix)],
            message(&["State"]),
        );
    }

    let base = suggestion(a, d, None);
    let line1 = base.address_line1.clone().unwrap_or_default();
    let street_partial = !has_house_number(&line1) && !is_po_box(&line1);
    let line2_partial = premises_partial(base.address_line2.as_deref());
    let premises = line2_partial || premises_partial(Some(&line1));
    let with_numbers = |house: Option<u32>, unit: Option<u32>| {
        let mut s = base.clone();
        if let Some(n) = house {
            s.address_line1 = Some(format!("{n} {}", s.address_line1.as_deref().unwrap_or("")));
        }
        if let Some(u) = unit {
            let target = if line2_partial {
                &mut s.address_line2
            } else {
                &mut s.address_line1
            };
            if let Some(t) = target.as_mut() {
                *t = format!("{} {u}", t.trim_end());
            }
        }
        if d.iso2 == "US" {
            // Recompute the +4 for the completed street line.
            if let Some(p) = s.postal_code.as_mut()
                && let Some((zip, _)) = p.clone().split_once('-')
            {
                *p = zip.to_string();
            }
            fix_zip(&mut s);
        }
        s
    };
    match (street_partial, premises) {
        (true, true) => (
            "Multiple",
            [(1, 1), (10, 2), (100, 3)]
                .into_iter()
                .map(|(h, u)| with_numbers(Some(h), Some(u)))
                .collect(),
            message(&[
                "AddressLine1",
                if line2_partial {
                    "AddressLine2"
                } else {
                    "AddressLine1"
                },
            ]),
        ),
        (true, false) => (
            "StreetPartial",
            [1, 10, 100]
                .into_iter()
                .map(|h| with_numbers(Some(h), None))
                .collect(),
            message(&["AddressLine1"]),
        ),
        (false, true) => (
            "PremisesPartial",
            [1, 2, 3]
                .into_iter()
                .map(|u| with_numbers(None, Some(u)))
                .collect(),
            message(&[if line2_partial {
                "AddressLine2"
            } else {
                "AddressLine1"
            }]),
        ),
        (false, false) if is_po_box(&line1) => ("Verified", vec![base], None),
        (false, false) => ("VerifiedShippable", vec![base], None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(line1: &str, city: &str, state: &str, zip: &str, country: &str) -> Address {
        Address {
            address_line1: Some(line1.into()),
            city: Some(city.into()),
            state: Some(state.into()),
            postal_code: Some(zip.into()),
            country: Some(country.into()),
            ..Address::default()
        }
    }

    #[test]
    fn rules() {
        let (s, sug, _) = evaluate(&addr("1 Microsoft Way", "Redmond", "WA", "98052", "US"));
        assert_eq!(s, "VerifiedShippable");
        assert!(sug[0].postal_code.as_deref().unwrap().starts_with("98052-"));
        assert_eq!(
            evaluate(&addr("One Microsoft Way", "Redmond", "WA", "98052", "US")).0,
            "VerifiedShippable"
        );
        let (s, sug, _) = evaluate(&addr("Microsoft Way", "Redmond", "WA", "98052", "US"));
        assert_eq!((s, sug.len()), ("StreetPartial", 3));
        assert_eq!(sug[0].address_line1.as_deref(), Some("1 Microsoft Way"));
        assert_eq!(
            evaluate(&addr("1 Main St Suite", "Redmond", "WA", "98052", "US")).0,
            "PremisesPartial"
        );
        assert_eq!(
            evaluate(&addr("Main St Apt", "Redmond", "WA", "98052", "US")).0,
            "Multiple"
        );
        assert_eq!(
            evaluate(&addr("PO Box 123", "Redmond", "WA", "98052", "US")).0,
            "Verified"
        );
        assert_eq!(
            evaluate(&addr("1 Main St", "Redmond", "Washington", "98052", "US")).0,
            "InteractionRequired"
        );
        assert_eq!(
            evaluate(&addr("1 Main St", "Redmond", "ZZ", "98052", "US")).0,
            "None"
        );
        assert_eq!(
            evaluate(&addr("1 Main St", "Redmond", "WA", "9805", "US")).0,
            "None"
        );
        assert_eq!(
            evaluate(&addr("1 Rue", "Paris", "", "75001", "FR")).0,
            "NotValidated"
        );
        assert_eq!(
            evaluate(&addr("Unter den Linden 5", "Berlin", "", "10117", "DE")).0,
            "VerifiedShippable"
        );
    }
}
