//! `GET /v1/customers/{id}/managedservices` (reference-2 §6): every customer has Exchange,
//! SharePoint and Skype for Business, with Microsoft 365 portal links. App+User only.

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

use crate::errors::{ApiError, json_response};
use crate::model::{Attributes, Link, Links};
use crate::routes::customer_id;
use crate::routes::customers::Collection;
use crate::state::App;

/// (id, name, group) of each service.
const SERVICES: [(&str, &str, &str); 3] = [
    ("Exchange", "Exchange", "Office"),
    ("SharePoint", "SharePoint", "Office"),
    (
        "MicrosoftCommunicationsOnline",
        "SkypeforBusiness",
        "Office",
    ),
];

const PORTAL: &str = "https://portal.office.com/Partner/BeginClientSession.aspx";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ServiceLinks {
    admin_service: Link,
    service_health: Link,
    service_ticket: Link,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ManagedService {
    id: &'static str,
    name: &'static str,
    group_name: &'static str,
    links: ServiceLinks,
    attributes: Attributes,
}

pub async fn list(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let id = customer_id(path)?;
    let domain = app.store.with(&id, |c| c.domain.clone())?;
    let items: Vec<_> = SERVICES
        .iter()
        .map(|(sid, name, group)| ManagedService {
            id: sid,
            name,
            group_name: group,
            links: ServiceLinks {
                admin_service: Link::get(format!(
                    "{PORTAL}?CTID={id}&CSDEST={sid}&InitialDomain={domain}&PrimaryDomain={domain}"
                )),
                service_health: Link::get(format!("{PORTAL}?CTID={id}&CSDEST=ServiceStatus")),
                service_ticket: Link::get(format!("{PORTAL}?CTID={id}&CSDEST=Support")),
            },
            attributes: Attributes::of("ManagedService"),
        })
        .collect();
    Ok(json_response(
        StatusCode::OK,
        &Collection {
            total_count: items.len(),
            items,
            links: Links::me(format!("/v1/customers/{id}/managedservices")),
            continuation_token: None,
            attributes: Attributes::of("Collection"),
        },
    ))
}
