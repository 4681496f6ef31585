//! GET /v1/countryvalidationrules/{iso2} (reference §4.11, model form with the
//! `…List` arrays). Detailed rules for US, GB, DE, BR, IN and RU; every other country
//! of the culture table gets generic rules built from its cultures.

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

use crate::countries;
use crate::errors::{ApiError, json_response};
use crate::model::Attributes;
use crate::routes::segment;
use crate::state::App;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CountryValidationRules {
    iso2_code: String,
    default_culture: &'static str,
    is_state_required: bool,
    supported_states_list: &'static [&'static str],
    supported_languages_list: Vec<&'static str>,
    supported_cultures_list: &'static [&'static str],
    is_postal_code_required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    postal_code_regex: Option<&'static str>,
    is_city_required: bool,
    is_vat_id_supported: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    tax_id_format: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tax_id_sample: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vat_id_regex: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone_number_regex: Option<&'static str>,
    is_tax_id_supported: bool,
    is_tax_id_optional: bool,
    country_calling_codes_list: &'static [&'static str],
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_organization_registration_number_regex: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_organization_registration_number_sample: Option<&'static str>,
    customer_organization_registration_number_required: bool,
    customer_organization_phone_number_required: bool,
    attributes: Attributes,
}

pub async fn get(
    State(_app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let raw = segment(path)?;
    let iso2 = raw.trim().to_ascii_uppercase();
    let not_found = || {
        ApiError::not_found(format!(
            "No validation rules were found for the country/region {}",
            crate::errors::truncate(&raw, 50)
        ))
    };
    let cultures = countries::cultures(&iso2).ok_or_else(not_found)?;
    let mut languages: Vec<&'static str> = Vec::new();
    for c in cultures {
        let lang = c.split('-').next().unwrap_or(c);
        if !languages.contains(&lang) {
            languages.push(lang);
        }
    }
    let detail = countries::detail(&iso2);
    let registration = countries::requires_registration(&iso2);
    let (reg_regex, reg_sample) = if registration {
        let (r, s) = countries::registration_rule(&iso2);
        (Some(r), Some(s))
    } else {
        (None, None)
    };
    let tax = detail.and_then(|d| d.tax_id_format).is_some();
    let rules = CountryValidationRules {
        iso2_code: iso2.clone(),
        default_culture: cultures.first().copied().unwrap_or("en-US"),
        is_state_required: detail.is_some_and(|d| d.state_required),
        supported_states_list: detail.map_or(&[], |d| d.states),
        supported_languages_list: languages,
        supported_cultures_list: cultures,
        is_postal_code_required: detail.is_some_and(|d| d.postal_required),
        postal_code_regex: detail.map(|d| d.postal_regex),
        is_city_required: detail.is_none_or(|d| d.city_required),
        is_vat_id_supported: detail.and_then(|d| d.vat_id_regex).is_some(),
        tax_id_format: detail.and_then(|d| d.tax_id_format),
        tax_id_sample: detail.and_then(|d| d.tax_id_sample),
        vat_id_regex: detail.and_then(|d| d.vat_id_regex),
        phone_number_regex: detail.map(|d| d.phone_regex),
        is_tax_id_supported: tax,
        is_tax_id_optional: true,
        country_calling_codes_list: detail.map_or(&[], |d| d.calling_codes),
        customer_organization_registration_number_regex: reg_regex,
        customer_organization_registration_number_sample: reg_sample,
        customer_organization_registration_number_required: registration,
        customer_organization_phone_number_required: registration,
        attributes: Attributes::of("CountryValidationRules"),
    };
    Ok(json_response(StatusCode::OK, &rules))
}
