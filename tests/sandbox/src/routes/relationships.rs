//! Relationship request link (seed 003), a customer's indirect resellers (reference
//! §5.12) and the partner's indirect resellers (§5.13).

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

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

/// Emulator convention: resellers are known only by tenant id, so the name and the MPN
/// id are derived from it deterministically.
fn reseller(id: &str) -> PartnerRelationship {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    PartnerRelationship {
        id: id.to_string(),
        name: format!("Indirect Reseller {}", id.get(..8).unwrap_or(id)),
        relationship_type: "is_indirect_reseller_of",
        state: "Active",
        mpn_id: (1_000_000 + h % 9_000_000).to_string(),
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

pub async fn customer_relationships(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let id = customer_id(path)?;
    let partner = app.store.with(&id, |c| c.associated_partner_id.clone())?;
    Ok(collection(
        format!("/v1/customers/{id}/relationships"),
        partner.as_deref().map(reseller).into_iter().collect(),
    ))
}

pub async fn partner_relationships(
    State(app): State<Arc<App>>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = paging::parse_query(query.as_deref());
    let kind = paging::query_param(&params, "relationship_type")
        .map(|k| k.replace('_', "").to_ascii_lowercase());
    let items = match kind.as_deref() {
        Some("isindirectresellerof") => app
            .config
            .resellers
            .iter()
            .map(|r| reseller(&r.trim().to_ascii_lowercase()))
            .collect(),
        // This partner is an indirect provider: it has no indirect providers of its own.
        Some("isindirectcloudsolutionproviderof") => Vec::new(),
        _ => {
            return Err(ApiError::bad_input(
                "relationship_type must be IsIndirectResellerOf or IsIndirectCloudSolutionProviderOf",
            ));
        }
    };
    let uri = match query.as_deref() {
        Some(q) if !q.is_empty() => format!("/v1/relationships?{q}"),
        _ => "/v1/relationships".to_string(),
    };
    Ok(collection(uri, items))
}
