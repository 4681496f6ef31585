//! Every row checked before anything is sent: the body read into the create model (strictly, so
//! a misspelt member is named rather than dropped), the model's own constraints and country
//! rules, the attestation's members, and domains that appear twice in the file. A row that
//! passes gets its request id here: a UUID v5 of its canonical body, so running the same file
//! again sends the same `MS-RequestId` and the service replays instead of creating.

use std::collections::HashMap;

use partner_center::models::{Agreement, NewCustomer};
use partner_center::{Error, FieldError};
use sdk_runtime::Validate;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::problem::Problem;
use super::rows::RawRow;

/// The namespace of the request ids (fixed: changing it would make every rerun of an old file
/// create again instead of replaying).
const NAMESPACE: Uuid = Uuid::from_u128(0x6c1f_4d0e_8a57_4b7e_9f2c_0d5b_3e8a_7c41);

/// What the attestation needs that a row need not give.
pub const MCA_TYPE: &str = "MicrosoftCustomerAgreement";

/// A row ready to send.
#[derive(Debug)]
pub struct PlannedRow {
    pub number: usize,
    pub line: u64,
    /// As the file gives it (the journal and the results key on its lower case).
    pub domain: String,
    /// `MS-RequestId` of the create: UUID v5 of `body`.
    pub request_id: String,
    pub customer: NewCustomer,
    /// The attestation's members (contact, and `templateId`/`dateAgreed` when the row gives
    /// them), with `--attest-mca` only.
    pub agreement: Option<Map<String, Value>>,
}

/// The rows that pass, and the problems of those that do not (all of them, not the first).
pub fn plan(rows: Vec<RawRow>, attest: bool) -> (Vec<PlannedRow>, Vec<Problem>) {
    let mut planned = Vec::new();
    let mut problems = Vec::new();
    // Lower-case domain → (row, line) of its first appearance.
    let mut domains: HashMap<String, (usize, u64)> = HashMap::new();
    for row in rows {
        let at =
            |path: String, message: String| Problem::row(row.number, row.line, Some(path), message);
        let before = problems.len();
        let customer = match read_model::<NewCustomer>(&Value::Object(row.customer.clone())) {
            Ok(c) => Some(c),
            Err(errors) => {
                problems.extend(errors.into_iter().map(|e| at(e.path, e.message)));
                None
            }
        };
        if let Some(c) = &customer {
            if let Err(v) = c.validate() {
                problems.extend(v.errors.into_iter().map(|e| at(e.path, e.message)));
            }
            let key = c.company_profile.domain.trim().to_lowercase();
            if let Some((first, line)) = domains.get(&key) {
                problems.push(at(
                    "companyProfile.domain".into(),
                    format!("`{key}` is also in row {first} (line {line})"),
                ));
            } else {
                domains.insert(key, (row.number, row.line));
            }
        }
        let agreement = if attest {
            let members = with_contact_fallback(row.agreement.clone(), &row.customer);
            // Checked with stand-ins for what the import fills in when it sends.
            let trial = complete(
                members.clone(),
                "template-id-from-the-service",
                "2020-01-01T00:00:00Z",
            );
            match read_model::<Agreement>(&Value::Object(trial)) {
                Ok(a) => {
                    if let Err(v) = a.validate() {
                        problems.extend(
                            v.errors
                                .into_iter()
                                .map(|e| at(agreement_path(&e.path), e.message)),
                        );
                    }
                }
                Err(errors) => problems.extend(
                    errors
                        .into_iter()
                        .map(|e| at(agreement_path(&e.path), e.message)),
                ),
            }
            Some(members)
        } else {
            None
        };
        if problems.len() > before {
            continue;
        }
        let Some(customer) = customer else { continue };
        planned.push(PlannedRow {
            number: row.number,
            line: row.line,
            domain: customer.company_profile.domain.trim().to_string(),
            request_id: request_id(&customer),
            customer,
            agreement,
        });
    }
    (planned, problems)
}

/// The request id of a create: a UUID v5 of the body exactly as the client sends it (the model
/// re-encoded, so spacing, member order and aliases in the file do not change it).
pub fn request_id(customer: &NewCustomer) -> String {
    let canonical = serde_json::to_vec(customer).unwrap_or_default();
    Uuid::new_v5(&NAMESPACE, &canonical).to_string()
}

/// The attestation's request id: from the create's, so it too is the same on every run.
pub fn agreement_request_id(create_request_id: &str) -> String {
    Uuid::new_v5(
        &NAMESPACE,
        format!("agreement:{create_request_id}").as_bytes(),
    )
    .to_string()
}

/// The row's body read into a model through the bridge (what the other clients use), strictly.
pub fn read_model<T: DeserializeOwned>(body: &Value) -> Result<T, Vec<FieldError>> {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let call = bridge::Call {
        body: Some(sdk_runtime::bytes::Bytes::from(bytes)),
        ..Default::default()
    };
    bridge::body::<T>(&call, true).map_err(|e| match e {
        Error::Validation(v) => v.errors,
        other => vec![FieldError {
            path: "body".into(),
            message: other.to_string(),
        }],
    })
}

/// The agreement members with the import's own: the template (from `listAgreementMetadata`),
/// the date of acceptance (when the row gives none) and the type. A row's own values win.
pub fn complete(
    mut members: Map<String, Value>,
    template_id: &str,
    date_agreed: &str,
) -> Map<String, Value> {
    members
        .entry("templateId")
        .or_insert_with(|| Value::String(template_id.to_string()));
    members
        .entry("dateAgreed")
        .or_insert_with(|| Value::String(date_agreed.to_string()));
    members
        .entry("type")
        .or_insert_with(|| Value::String(MCA_TYPE.to_string()));
    members
}

/// The contact members the row does not give come from the billing contact: the billing
/// profile's names (else the default address's), its e-mail and the address's phone — who the
/// create makes responsible anyway. Member by member: a row giving only
/// `agreement.primaryContact.email` still gets the billing names.
fn with_contact_fallback(
    given: Option<Map<String, Value>>,
    customer: &Map<String, Value>,
) -> Map<String, Value> {
    let mut members = given.unwrap_or_default();
    let billing = customer.get("billingProfile");
    let address = billing.and_then(|b| b.get("defaultAddress"));
    let name = |member: &str| {
        billing
            .and_then(|b| b.get(member))
            .or_else(|| address.and_then(|a| a.get(member)))
    };
    let contact = members
        .entry("primaryContact")
        .or_insert_with(|| Value::Object(Map::new()));
    // Not an object: left as given, for the model's check to name it.
    let Value::Object(contact) = contact else {
        return members;
    };
    for (to, from) in [
        ("firstName", name("firstName")),
        ("lastName", name("lastName")),
        ("email", billing.and_then(|b| b.get("email"))),
        ("phoneNumber", address.and_then(|a| a.get("phoneNumber"))),
    ] {
        if let Some(value) = from
            && !contact.contains_key(to)
        {
            contact.insert(to.to_string(), value.clone());
        }
    }
    members
}

fn agreement_path(path: &str) -> String {
    if path.is_empty() || path == "body" {
        super::columns::AGREEMENT.to_string()
    } else {
        format!("{}.{path}", super::columns::AGREEMENT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_contact_is_completed_member_by_member_from_the_billing_contact() {
        let customer = serde_json::json!({"billingProfile": {"firstName": "Tania",
            "lastName": "Carr", "email": "billing@contoso.example",
            "defaultAddress": {"phoneNumber": "4255550101"}}});
        let Value::Object(customer) = customer else {
            unreachable!()
        };
        let given = serde_json::json!({"primaryContact": {"email": "gena@contoso.example"}});
        let Value::Object(given) = given else {
            unreachable!()
        };
        let members = with_contact_fallback(Some(given), &customer);
        assert_eq!(
            members["primaryContact"],
            serde_json::json!({"email": "gena@contoso.example", "firstName": "Tania",
                "lastName": "Carr", "phoneNumber": "4255550101"})
        );
        let members = with_contact_fallback(None, &customer);
        assert_eq!(
            members["primaryContact"]["email"],
            "billing@contoso.example"
        );
    }
}
