//! Agreement templates (reference-2 §2.1–§2.2), the partner's attestations that a customer
//! accepted the Microsoft Customer Agreement (§2.3–§2.4) and the agreement documents (§2.5).

use serde::Serialize;
use serde_json::Value;

use crate::datetime::{self, DateTime};
use crate::errors::{ApiError, truncate};
use crate::paging;
use crate::wire::Reader;

pub const MCA_TEMPLATE_ID: &str = "117a77b0-9360-443b-8795-c6dedc750cf9";
pub const MCLOUDA_TEMPLATE_ID: &str = "998b88de-aa99-4388-a42c-1b3517d49490";

/// The `userId` of an attestation made with a token the emulator did not issue (the
/// documented example's user).
pub const DEFAULT_USER_ID: &str = "3d6f2c09-eb40-48ca-a4b3-d24c9c007531";

/// `dateAgreed` may be at most this far ahead of the emulator's clock (clock skew).
pub const FUTURE_TOLERANCE_SECS: i64 = 5 * 60;

/// The type an absent `agreementType` stands for ("for backward compatibility", §2.2).
pub const DEFAULT_TYPE: &str = "MicrosoftCloudAgreement";

#[derive(Debug, PartialEq, Eq)]
pub struct Template {
    pub id: &'static str,
    pub agreement_type: &'static str,
    pub link: &'static str,
}

pub static TEMPLATES: [Template; 2] = [
    Template {
        id: MCA_TEMPLATE_ID,
        agreement_type: "MicrosoftCustomerAgreement",
        link: "https://aka.ms/customeragreement",
    },
    Template {
        id: MCLOUDA_TEMPLATE_ID,
        agreement_type: "MicrosoftCloudAgreement",
        link: "https://docs.microsoft.com/partner-center/agreements",
    },
];

/// The `agreementType` query of both agreement lists: absent or empty = Microsoft Cloud
/// Agreement, `*` = every type, anything else = that type (case-insensitive; an unknown
/// type matches nothing).
pub enum TypeQuery {
    All,
    Named(String),
}

impl TypeQuery {
    pub fn from_query(params: &[(String, String)]) -> Self {
        match paging::query_param(params, "agreementtype").map(str::trim) {
            None | Some("") => TypeQuery::Named(DEFAULT_TYPE.to_string()),
            Some("*") => TypeQuery::All,
            Some(t) => TypeQuery::Named(t.to_string()),
        }
    }

    pub fn matches(&self, agreement_type: &str) -> bool {
        match self {
            TypeQuery::All => true,
            TypeQuery::Named(t) => t.eq_ignore_ascii_case(agreement_type),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MetadataView {
    template_id: &'static str,
    agreement_type: &'static str,
    agreement_link: &'static str,
    version_rank: i32,
}

/// The templates of the asked type (`GET /v1/agreements`).
pub fn metadata(query: &TypeQuery) -> Vec<MetadataView> {
    TEMPLATES
        .iter()
        .filter(|t| query.matches(t.agreement_type))
        .map(|t| MetadataView {
            template_id: t.id,
            agreement_type: t.agreement_type,
            agreement_link: t.link,
            version_rank: 0,
        })
        .collect()
}

/// The customer-side person who accepted. Equal contacts (every member, case-sensitive)
/// cannot attest the same template twice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
}

/// A stored attestation.
#[derive(Clone, Debug)]
pub struct Agreement {
    pub user_id: String,
    pub contact: Contact,
    pub template: &'static Template,
    /// `dateAgreed` in UTC with `Z`, fraction digits as sent.
    pub date_agreed: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgreementView<'a> {
    user_id: &'a str,
    primary_contact: &'a Contact,
    template_id: &'static str,
    date_agreed: &'a str,
    #[serde(rename = "type")]
    agreement_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    agreement_link: Option<&'static str>,
}

impl Agreement {
    /// The 201 leaves `agreementLink` out (as the documented example); lists include it.
    pub fn view(&self, with_link: bool) -> AgreementView<'_> {
        AgreementView {
            user_id: &self.user_id,
            primary_contact: &self.contact,
            template_id: self.template.id,
            date_agreed: &self.date_agreed,
            agreement_type: self.template.agreement_type,
            agreement_link: with_link.then_some(self.template.link),
        }
    }

    pub fn same_as(&self, other: &Agreement) -> bool {
        std::ptr::eq(self.template, other.template) && self.contact == other.contact
    }
}

/// A create request after its field checks.
pub struct NewAgreement {
    pub contact: Contact,
    pub template_id: String,
    pub date_agreed: DateTime,
}

fn email_ok(s: &str) -> bool {
    let mut parts = s.trim().split('@');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(local), Some(domain), None) if !local.is_empty() && !domain.is_empty()
    )
}

/// Reads `POST /v1/customers/{id}/agreements`: `primaryContact {firstName, lastName, email,
/// phoneNumber?}`, `templateId`, `dateAgreed` and `type` required. `userId` and
/// `agreementLink` are the service's and ignored; `type` is required but the template
/// decides the stored type (reference-2 §2.3).
pub fn parse(body: &Value) -> Result<NewAgreement, ApiError> {
    if !body.is_object() {
        return Err(ApiError::bad_input(
            "the body must be a JSON object (an Agreement)",
        ));
    }
    let mut errors = Vec::new();
    let mut r = Reader {
        errors: &mut errors,
    };
    let contact = r.object(body, "primarycontact", "primaryContact");
    if body.get("primarycontact").is_none() {
        r.errors.push("primaryContact is required".into());
    }
    let first_name = r.required(contact, "firstname", "primaryContact.firstName");
    let last_name = r.required(contact, "lastname", "primaryContact.lastName");
    let email = r.required(contact, "email", "primaryContact.email");
    let phone_number =
        contact.and_then(|c| r.string(c, "phonenumber", "primaryContact.phoneNumber"));
    if email.as_deref().is_some_and(|e| !email_ok(e)) {
        r.errors.push(
            "primaryContact.email must be an e-mail address (one '@' with text on both sides)"
                .into(),
        );
    }
    let template_id = r.required(Some(body), "templateid", "templateId");
    let date_agreed = r
        .required(Some(body), "dateagreed", "dateAgreed")
        .and_then(|d| {
            let parsed = datetime::parse(&d);
            if parsed.is_none() {
                r.errors.push(format!(
                    "dateAgreed must be a date-time such as 2018-06-14T00:00:00Z, got '{}'",
                    truncate(&d, 50)
                ));
            }
            parsed
        });
    let _type = r.required(Some(body), "type", "type");
    match (first_name, last_name, email, template_id, date_agreed) {
        (Some(first_name), Some(last_name), Some(email), Some(template_id), Some(date_agreed))
            if errors.is_empty() =>
        {
            Ok(NewAgreement {
                contact: Contact {
                    first_name,
                    last_name,
                    email,
                    phone_number,
                },
                template_id,
                date_agreed,
            })
        }
        _ => Err(ApiError::bad_fields(errors)),
    }
}

impl NewAgreement {
    /// The template and date checks: an unknown template, the retired Microsoft Cloud
    /// Agreement, and a `dateAgreed` more than five minutes ahead of `now` are refused.
    pub fn accept(self, user_id: String, now: i64) -> Result<Agreement, ApiError> {
        let id = self.template_id.trim();
        let template = TEMPLATES
            .iter()
            .find(|t| t.id.eq_ignore_ascii_case(id))
            .ok_or_else(|| {
                ApiError::bad_input(format!(
                    "Unknown agreement template '{}'",
                    truncate(id, 100)
                ))
            })?;
        if template.id == MCLOUDA_TEMPLATE_ID {
            return Err(ApiError::bad_input(format!(
                "Microsoft Cloud Agreement Template ID '{MCLOUDA_TEMPLATE_ID}' is no longer supported."
            )));
        }
        if self.date_agreed.secs() > now + FUTURE_TOLERANCE_SECS {
            return Err(ApiError::bad_input(format!(
                "dateAgreed cannot be in the future (it is {}, now is {})",
                self.date_agreed.to_utc_string(),
                datetime::format_secs(now)
            )));
        }
        Ok(Agreement {
            user_id,
            contact: self.contact,
            template,
            date_agreed: self.date_agreed.to_utc_string(),
        })
    }
}

/// The languages an agreement document exists in for a country, besides `en-US`
/// (reference-2 §2.5; emulator table).
fn local_languages(country: &str) -> &'static [&'static str] {
    match country {
        "DE" => &["de-DE"],
        "FR" | "CA" => &["fr-FR"],
        "CH" => &["fr-FR", "de-DE", "it-IT"],
        "ES" => &["es-ES"],
        "IT" => &["it-IT"],
        "JP" => &["ja-JP"],
        "BR" => &["pt-BR"],
        "NL" => &["nl-NL"],
        _ => &[],
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentView {
    country: String,
    language: &'static str,
    display_uri: String,
    download_uri: String,
}

/// `GET /v1/agreementtemplates/{id}/document`: the template id is case-sensitive; only the
/// MCA has documents. `country` defaults to `US` and must be two upper-case letters;
/// `language` defaults to `en-US`, and one the country does not offer falls back to it.
/// Both links carry a fresh random token (the real ones expire after five minutes).
pub fn document(
    template_id: &str,
    country: Option<&str>,
    language: Option<&str>,
) -> Result<DocumentView, ApiError> {
    match TEMPLATES.iter().find(|t| t.id == template_id) {
        None => {
            return Err(ApiError::not_found(format!(
                "agreement template '{}'",
                truncate(template_id, 100)
            )));
        }
        Some(t) if t.id != MCA_TEMPLATE_ID => {
            return Err(ApiError::bad_input(
                "agreement documents are only supported with the Microsoft Customer Agreement",
            ));
        }
        Some(_) => {}
    }
    let country = match country {
        None | Some("") => "US",
        Some(c) if c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()) => c,
        Some(c) => {
            return Err(ApiError::bad_input(format!(
                "country must be an ISO 3166 two-letter code in upper case, got '{}'",
                truncate(c, 20)
            )));
        }
    };
    let language = language
        .and_then(|l| {
            local_languages(country)
                .iter()
                .find(|x| x.eq_ignore_ascii_case(l.trim()))
        })
        .copied()
        .unwrap_or("en-US");
    let token = || uuid::Uuid::new_v4().simple().to_string();
    Ok(DocumentView {
        country: country.to_string(),
        language,
        display_uri: format!(
            "https://wopihost.int.l2o.microsoft.com/v1/officehost/agreement/files/Preview{}?country={country}&language={language}",
            token()
        ),
        download_uri: format!(
            "https://l2oagreementintbn2.blob.core.windows.net/agreementscontainer/Preview{}.docx?country={country}&language={language}",
            token()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert!(email_ok("a@b"));
        assert!(email_ok("someone@example.com"));
        for bad in ["", "a", "@b", "a@", "a@b@c"] {
            assert!(!email_ok(bad), "{bad}");
        }
    }

    #[test]
    fn type_queries() {
        let q = |s: &str| TypeQuery::from_query(&paging::parse_query(Some(s)));
        assert!(q("").matches("MicrosoftCloudAgreement"));
        assert!(!q("").matches("MicrosoftCustomerAgreement"));
        assert!(
            q("agreementType=microsoftcustomeragreement").matches("MicrosoftCustomerAgreement")
        );
        assert!(q("agreementType=*").matches("Anything"));
        assert!(metadata(&q("agreementType=Unknown")).is_empty());
        assert_eq!(metadata(&q("agreementType=*")).len(), 2);
    }

    #[test]
    fn documents_fall_back_to_english() {
        let d = document(MCA_TEMPLATE_ID, Some("CH"), Some("it-it")).unwrap();
        assert_eq!(d.language, "it-IT");
        let d = document(MCA_TEMPLATE_ID, Some("US"), Some("de-DE")).unwrap();
        assert_eq!(d.language, "en-US");
        assert!(document(MCA_TEMPLATE_ID, Some("us"), None).is_err());
        assert!(document(&MCA_TEMPLATE_ID.to_uppercase(), None, None).is_err());
    }
}
