//! What MSAL and azure-identity read before asking for a token: the OpenID Connect
//! metadata of a tenant, MSAL's instance discovery and the (empty) signing keys. Every URL
//! in them points back at this server, with the scheme, host and port the client used.

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::Response;
use serde_json::json;

use super::form::Form;
use super::tenant_id;
use crate::errors::json_response;
use crate::state::App;

/// `scheme://host[:port]` as the client addressed this server (`Host`, or the authority
/// of an HTTP/2 request); `https` when the server runs with TLS.
pub fn base_url(app: &App, headers: &HeaderMap, uri: &Uri) -> String {
    let scheme = if app.config.tls { "https" } else { "http" };
    let host = uri
        .authority()
        .map(|a| a.as_str().to_string())
        .or_else(|| {
            headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .map(str::to_string)
        })
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.chars().all(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']' | '_')
                })
        })
        .unwrap_or_else(|| "127.0.0.1".to_string());
    format!("{scheme}://{host}")
}

pub async fn openid_configuration(
    State(app): State<Arc<App>>,
    tenant: Result<Path<String>, PathRejection>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Response {
    let tenant = tenant.map(|Path(t)| t).unwrap_or_else(|_| "common".into());
    let base = base_url(&app, &headers, &uri);
    let tid = tenant_id(&app.config, &tenant);
    let t = format!("{base}/{tenant}");
    json_response(
        StatusCode::OK,
        &json!({
            "issuer": format!("{base}/{tid}/v2.0"),
            "authorization_endpoint": format!("{t}/oauth2/v2.0/authorize"),
            "token_endpoint": format!("{t}/oauth2/v2.0/token"),
            "device_authorization_endpoint": format!("{t}/oauth2/v2.0/devicecode"),
            "end_session_endpoint": format!("{t}/oauth2/v2.0/logout"),
            "jwks_uri": format!("{t}/discovery/v2.0/keys"),
            "response_modes_supported": ["query", "fragment", "form_post"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["HS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nbf", "tid", "oid", "preferred_username", "name", "ver"],
            "request_uri_parameter_supported": false,
            "tenant_region_scope": "NA",
            "cloud_instance_name": "microsoftonline.com",
            "cloud_graph_host_name": "graph.windows.net",
            "msgraph_host": "graph.microsoft.com",
        }),
    )
}

/// MSAL's `GET /common/discovery/instance?api-version=1.1&authorization_endpoint=…`.
pub async fn instance(
    State(app): State<Arc<App>>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Response {
    let base = base_url(&app, &headers, &uri);
    let host = base
        .split_once("://")
        .map(|(_, h)| h.to_string())
        .unwrap_or_default();
    let query = Form::parse(uri.query().unwrap_or_default().as_bytes());
    // The tenant is the first path segment of the authorization endpoint asked about.
    let tenant = query
        .get("authorization_endpoint")
        .and_then(|e| e.split_once("://").map(|(_, rest)| rest.to_string()))
        .and_then(|rest| rest.split('/').nth(1).map(str::to_string))
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "common".to_string());
    json_response(
        StatusCode::OK,
        &json!({
            "tenant_discovery_endpoint": format!("{base}/{tenant}/v2.0/.well-known/openid-configuration"),
            "api-version": "1.1",
            "metadata": [{"preferred_network": host, "preferred_cache": host, "aliases": [host]}],
        }),
    )
}

/// The emulator signs with a symmetric key it never publishes, so there are no keys.
pub async fn keys() -> Response {
    json_response(StatusCode::OK, &json!({"keys": []}))
}
