//! The models against the documented examples: every seed request and response decodes and
//! encodes back without losing a field; open enums keep unknown values; secrets stay hidden.

use partner_center::models;
use serde_json::{Map, Value};

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/sandbox/tests/fixtures"
);

/// The service reads PascalCase and ignores nulls: compare in its terms.
fn normalise(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| {
                    let mut chars = k.chars();
                    let key = chars
                        .next()
                        .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
                        .unwrap_or_default();
                    (key, normalise(v))
                })
                .collect::<Map<String, Value>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(normalise).collect()),
        other => other.clone(),
    }
}

/// Seed 002's request has trailing commas: the docs' sample is not strict JSON (the service's
/// .NET parser accepts it). Drop commas that close an object or array, outside strings.
fn without_trailing_commas(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for (i, &c) in chars.iter().enumerate() {
        if in_string {
            in_string = c != '"' || escaped;
            escaped = c == '\\' && !escaped;
        } else if c == '"' {
            in_string = true;
        } else if c == ','
            && chars[i + 1..]
                .iter()
                .find(|c| !c.is_whitespace())
                .is_some_and(|c| *c == '}' || *c == ']')
        {
            continue;
        }
        out.push(c);
    }
    out
}

fn fixtures() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(FIXTURES).expect("the seed fixtures exist") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = without_trailing_commas(&std::fs::read_to_string(&path).unwrap());
            out.push((
                path.file_name().unwrap().to_string_lossy().into_owned(),
                serde_json::from_str(&text).unwrap(),
            ));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(
        out.len() >= 8,
        "expected the seed requests and responses, found {}",
        out.len()
    );
    out
}

#[test]
fn every_seed_example_round_trips_without_losing_a_field() {
    for (name, example) in fixtures() {
        let expected = normalise(&example);
        let back = if name.contains("request") {
            let parsed: models::NewCustomer =
                serde_json::from_value(example.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
            serde_json::to_value(&parsed).unwrap()
        } else {
            let parsed: models::Customer =
                serde_json::from_value(example.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
            serde_json::to_value(&parsed).unwrap()
        };
        assert_eq!(back, expected, "{name} changed in a round trip");
    }
}

#[test]
fn the_relationship_request_example_round_trips() {
    // Seed 003's response body.
    let json = serde_json::json!({
        "url": "https://portal.office.com/partner/partnersignup.aspx?type=ResellerRelationship&id=3b33e682-00c3-41ee-9dd2-a548adf56438&csp=1&msppid=0",
        "attributes": {"objectType": "CustomerRelationshipRequest"}
    });
    let parsed: models::RelationshipRequest = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(serde_json::to_value(&parsed).unwrap(), json);
}

#[test]
fn unknown_enum_values_are_kept_and_sent_back() {
    let json = serde_json::json!({"relationshipToPartner": "something_new", "companyProfile": {"domain": "a.onmicrosoft.com"}});
    let customer: models::Customer = serde_json::from_value(json.clone()).unwrap();
    let value = customer.relationship_to_partner.clone().unwrap();
    assert!(!value.is_known());
    assert_eq!(value.as_str(), "something_new");
    assert_eq!(serde_json::to_value(&customer).unwrap(), json);
    assert_eq!(
        models::CustomerPartnerRelationship::from("microsoft_support"),
        models::CustomerPartnerRelationship::MicrosoftSupport
    );
    // The enum has a value called "unknown": its catch-all takes another name.
    assert_eq!(
        models::CustomerPartnerRelationship::from("unknown"),
        models::CustomerPartnerRelationship::Unknown
    );
}

#[test]
fn the_admin_password_is_redacted_in_debug_but_sent_on_the_wire() {
    let json =
        serde_json::json!({"userCredentials": {"userName": "admin", "password": "=;;n.=s9Z"}});
    let customer: models::Customer = serde_json::from_value(json.clone()).unwrap();
    let shown = format!("{customer:?} {customer:#?}");
    assert!(!shown.contains("=;;n.=s9Z"), "{shown}");
    assert!(shown.contains("redacted"));
    assert_eq!(serde_json::to_value(&customer).unwrap(), json);
}
