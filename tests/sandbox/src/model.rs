//! Stored resources and their wire views (camelCase, null fields omitted,
//! `attributes.objectType` everywhere, reference §4).

use serde::Serialize;
use uuid::Uuid;

use crate::onboarding::Onboarding;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_line1: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_line2: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_line3: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
}

#[derive(Clone, Debug)]
pub struct BillingProfile {
    pub id: Uuid,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: String,
    pub culture: String,
    pub language: String,
    pub company_name: String,
    pub default_address: Address,
    pub etag: String,
}

#[derive(Clone, Debug)]
pub struct Customer {
    /// Creation sequence number: the stable list order and the paging cursor.
    pub seq: u64,
    pub id: Uuid,
    pub commerce_id: Uuid,
    pub domain: String,
    pub company_name: String,
    pub company_email: Option<String>,
    pub company_address: Option<Address>,
    pub registration_number: Option<String>,
    pub billing: BillingProfile,
    /// "none" (direct) or "reseller" (created for an indirect reseller).
    pub relationship: &'static str,
    pub associated_partner_id: Option<String>,
    pub allow_delegated_access: Option<bool>,
    /// Agreements, users, licences and qualification (`crate::onboarding`).
    pub onboarding: Onboarding,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attributes {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    pub object_type: &'static str,
}

impl Attributes {
    pub fn of(object_type: &'static str) -> Self {
        Attributes {
            etag: None,
            object_type,
        }
    }
}

#[derive(Serialize, Clone)]
pub struct KeyValue {
    pub key: &'static str,
    pub value: String,
}

#[derive(Serialize, Clone)]
pub struct Link {
    pub uri: String,
    pub method: &'static str,
    pub headers: Vec<KeyValue>,
}

impl Link {
    pub fn get(uri: String) -> Self {
        Link {
            uri,
            method: "GET",
            headers: Vec::new(),
        }
    }
}

#[derive(Serialize)]
pub struct Links {
    #[serde(rename = "self")]
    pub self_link: Link,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<Link>,
}

impl Links {
    pub fn me(uri: String) -> Self {
        Links {
            self_link: Link::get(uri),
            next: None,
        }
    }
}

/// Which fields a customer view carries: the service returns different subsets on create,
/// in a list and by id (reference §4.1).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Create,
    List,
    Full,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanyView<'a> {
    pub tenant_id: Uuid,
    pub domain: &'a str,
    pub company_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<&'a Address>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_registration_number: Option<&'a str>,
    pub links: Links,
    pub attributes: Attributes,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingView<'a> {
    pub id: Uuid,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<&'a str>,
    pub email: &'a str,
    pub culture: &'a str,
    pub language: &'a str,
    pub company_name: &'a str,
    pub default_address: &'a Address,
    pub links: Links,
    pub attributes: Attributes,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Credentials<'a> {
    pub user_name: &'static str,
    pub password: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerView<'a> {
    pub id: Uuid,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commerce_id: Option<Uuid>,
    pub company_profile: CompanyView<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_profile: Option<BillingView<'a>>,
    pub relationship_to_partner: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_delegated_access: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_credentials: Option<Credentials<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_domains: Option<[&'a str; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub associated_partner_id: Option<&'a str>,
    pub links: Links,
    pub attributes: Attributes,
}

impl Customer {
    pub fn self_uri(&self) -> String {
        format!("/v1/customers/{}", self.id)
    }

    pub fn company_view(&self, full: bool) -> CompanyView<'_> {
        CompanyView {
            tenant_id: self.id,
            domain: &self.domain,
            company_name: &self.company_name,
            address: if full {
                self.company_address.as_ref()
            } else {
                None
            },
            email: if full {
                self.company_email.as_deref()
            } else {
                None
            },
            organization_registration_number: if full {
                self.registration_number.as_deref()
            } else {
                None
            },
            links: Links::me(format!("/v1/customers/{}/profiles/company", self.id)),
            attributes: Attributes::of("CustomerCompanyProfile"),
        }
    }

    pub fn billing_view(&self) -> BillingView<'_> {
        let b = &self.billing;
        BillingView {
            id: b.id,
            first_name: b.first_name.as_deref(),
            last_name: b.last_name.as_deref(),
            email: &b.email,
            culture: &b.culture,
            language: &b.language,
            company_name: &b.company_name,
            default_address: &b.default_address,
            links: Links::me(format!("/v1/customers/{}/profiles/billing", self.id)),
            attributes: Attributes {
                etag: Some(b.etag.clone()),
                object_type: "CustomerBillingProfile",
            },
        }
    }

    pub fn view<'a>(&'a self, form: Form, password: Option<&'a str>) -> CustomerView<'a> {
        let list = form == Form::List;
        CustomerView {
            id: self.id,
            commerce_id: (!list).then_some(self.commerce_id),
            company_profile: self.company_view(form == Form::Full),
            billing_profile: (!list).then(|| self.billing_view()),
            relationship_to_partner: self.relationship,
            // "only available when getting a customer by ID, not by list" (reference §4.1)
            allow_delegated_access: if list {
                None
            } else {
                self.allow_delegated_access
            },
            user_credentials: password.map(|password| Credentials {
                user_name: "admin",
                password,
            }),
            custom_domains: (form == Form::Full).then_some([self.domain.as_str()]),
            associated_partner_id: if list {
                None
            } else {
                self.associated_partner_id.as_deref()
            },
            links: Links::me(self.self_uri()),
            attributes: Attributes::of("Customer"),
        }
    }
}
