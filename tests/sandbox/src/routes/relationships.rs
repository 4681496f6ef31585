//! Relationship request link (seed 003), a customer's indirect resellers (reference
//! §5.12) and the partner's indirect relationships (reference-2 §3).

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

use crate::config::DEFAULT_RESELLER;
use crate::errors::{ApiError, json_response};
use crate::model::{Attributes, Links};
use crate::paging;
use crate::routes::customer_id;
use crate::routes::customers::Collection;
use crate::state::App;

#[derive(Serialize)]
struct RelationshipRequest {
    url: String,
    attributes: Attributes,
}

pub async fn relationship_request(
    State(app): State<Arc<App>>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    // The swagger's optional parameters (reference §5.11) do not change the link, but a
    // malformed boolean is still bad input.
    let params = paging::parse_query(query.as_deref());
    for (k, v) in &params {
        if k.eq_ignore_ascii_case("dualroleindirectrelationship")
            && !v.eq_ignore_ascii_case("true")
            && !v.eq_ignore_ascii_case("false")
        {
            return Err(ApiError::bad_input(
                "dualRoleIndirectRelationship must be true or false",
            ));
        }
    }
    Ok(json_response(
        StatusCode::OK,
        &RelationshipRequest {
            url: format!(
                "https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship&partnerId={}&msppId=0&DAP=false#/BillingAccounts/partner-invitation",
                app.config.partner_id
            ),
            // Seed 003's object type (the reference model calls it RelationshipRequest).
            attributes: Attributes::of("CustomerRelationshipRequest"),
        },
    ))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnerRelationship {
    id: String,
    name: String,
    relationship_type: &'static str,
    state: &'static str,
    mpn_id: String,
    location: &'static str,
    attributes: Attributes,
}

/// Emulator convention: resellers are known only by tenant id (`--resellers`). The default
/// one is the documentation's "First Up Consultants" (MPN id 4847383, reference-2 §3); the
/// others are named by their place in the list ("Reseller 2", …) with an MPN id hashed from
/// the id. Every reseller is in the US.
fn reseller(app: &App, id: &str, relationship_type: &'static str) -> PartnerRelationship {
    let id = id.trim().to_ascii_lowercase();
    let (name, mpn_id) = if id == DEFAULT_RESELLER {
        ("First Up Consultants".to_string(), "4847383".to_string())
    } else {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in id.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        let place = app
            .config
            .resellers
            .iter()
            .position(|r| r.trim().eq_ignore_ascii_case(&id))
            .map_or(String::new(), |i| format!(" {}", i + 1));
        (
            format!("Reseller{place}"),
            (1_000_000 + h % 9_000_000).to_string(),
        )
    };
    PartnerRelationship {
        id,
        name,
        relationship_type,
        state: "Active",
        mpn_id,
        location: "US",
        attributes: Attributes::of("PartnerRelationship"),
    }
}

fn collection(uri: String, items: Vec<PartnerRelationship>) -> Response {
    json_response(
        StatusCode::OK,
        &Collection {
            total_count: items.len(),
            items,
            links: Links::me(uri),
            continuation_token: None,
            attributes: Attributes::of("Collection"),
        },
    )
}

/// A customer's indirect reseller (reference §5.12).
pub async fn customer_relationships(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let id = customer_id(path)?;
    let partner = app.store.with(&id, |c| c.associated_partner_id.clone())?;
    Ok(collection(
        format!("/v1/customers/{id}/relationships"),
        partner
            .as_deref()
            .map(|p| reseller(&app, p, "is_indirect_reseller_of"))
            .into_iter()
            .collect(),
    ))
}

/// `GET /v1/relationships?relationship_type=…[&filter=…]` (reference-2 §3): the emulated
/// partner is an indirect provider, so `IsIndirectCloudSolutionProviderOf` lists its
/// resellers (`--resellers`) and `IsIndirectResellerOf` (its own providers) is empty. The
/// type matches in any case, PascalCase or snake_case. `filter` is
/// `{"Field": "Name", "Value": …, "Operator": "starts_with"}`, the value a case-insensitive
/// prefix of the name.
pub async fn partner_relationships(
    State(app): State<Arc<App>>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = paging::parse_query(query.as_deref());
    let kind = paging::query_param(&params, "relationship_type")
        .map(|k| k.trim().replace('_', "").to_ascii_lowercase());
    let providers_view = match kind.as_deref() {
        Some("isindirectcloudsolutionproviderof") => true,
        Some("isindirectresellerof") => false,
        _ => {
            return Err(ApiError::bad_input(
                "relationship_type must be IsIndirectCloudSolutionProviderOf or IsIndirectResellerOf",
            ));
        }
    };
    let prefix = match paging::query_param(&params, "filter").filter(|f| !f.trim().is_empty()) {
        None => None,
        Some(raw) => {
            let m = paging::filter_members(raw)?;
            if m.field.as_deref() != Some("name") {
                return Err(ApiError::bad_input(
                    "filter Field must be Name (the only field relationships support)",
                ));
            }
            if !m.starts_with() {
                return Err(ApiError::bad_input(
                    "filter Operator must be starts_with (the only operator relationships support)",
                ));
            }
            let value = m
                .value
                .ok_or_else(|| ApiError::bad_input("filter Value must be a string"))?;
            Some(value.to_lowercase())
        }
    };
    let items = if providers_view {
        app.config
            .resellers
            .iter()
            .map(|r| reseller(&app, r, "is_indirect_cloud_solution_provider_of"))
            .filter(|r| {
                prefix
                    .as_deref()
                    .is_none_or(|p| r.name.to_lowercase().starts_with(p))
            })
            .collect()
    } else {
        Vec::new()
    };
    let uri = match query.as_deref() {
        Some(q) if !q.is_empty() => format!("/v1/relationships?{q}"),
        _ => "/v1/relationships".to_string(),
    };
    Ok(collection(uri, items))
}
