//! Where clients sign in: each cloud's authority host (`x-pc-clouds` on the servers) and the
//! OAuth2 scopes of the security schemes, so generated clients can tell a credential what to ask
//! for without any of it written in a binding.
//!
//! `x-pc-clouds` is either a list of cloud names (`[global, usgov]`) or a map from cloud name to
//! `{authorityHost}`. The application scope is the first scope of a `clientCredentials` flow; the
//! delegated scope the first scope of an `authorizationCode` (or `implicit`/`password`) flow that
//! is not one of OpenID Connect's own (`openid`, `profile`, `offline_access`, `email`). A scope
//! whose resource (everything before its last `/`) is the first server's URL is re-based on each
//! cloud's server URL: a cloud with its own host is its own resource.

use indexmap::IndexMap;
use openapiv3::{OpenAPI, ReferenceOr, SecurityScheme};
use serde::Deserialize;

use super::extensions;
use super::{CloudDef, Server, SignIn};
use crate::error::GenError;

#[derive(Deserialize)]
#[serde(untagged)]
enum CloudsExt {
    Names(Vec<String>),
    WithSignIn(IndexMap<String, CloudExt>),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CloudExt {
    authority_host: Option<String>,
}

pub fn servers(openapi: &OpenAPI) -> Result<Vec<Server>, GenError> {
    openapi
        .servers
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let at = format!("/servers/{i}");
            let clouds = match s.extensions.get("x-pc-clouds") {
                None => Vec::new(),
                Some(v) => match extensions::read::<CloudsExt>(v, &at, "x-pc-clouds")? {
                    CloudsExt::Names(names) => names
                        .into_iter()
                        .map(|name| CloudDef {
                            name,
                            authority_host: None,
                        })
                        .collect(),
                    CloudsExt::WithSignIn(map) => map
                        .into_iter()
                        .map(|(name, c)| check_host(&at, &name, c.authority_host))
                        .collect::<Result<_, _>>()?,
                },
            };
            Ok(Server {
                url: s.url.clone(),
                description: s.description.clone(),
                clouds,
            })
        })
        .collect()
}

fn check_host(at: &str, name: &str, host: Option<String>) -> Result<CloudDef, GenError> {
    if let Some(h) = &host
        && !(h.starts_with("https://") && h[8..].trim_end_matches('/').find('/').is_none())
    {
        return Err(GenError::at(
            format!("{at}/x-pc-clouds/{name}/authorityHost"),
            format!(
                "authority host {h:?} must be an https scheme and host, e.g. https://login.microsoftonline.com"
            ),
        ));
    }
    Ok(CloudDef {
        name: name.to_string(),
        authority_host: host.map(|h| h.trim_end_matches('/').to_string()),
    })
}

const OIDC_SCOPES: &[&str] = &["openid", "profile", "offline_access", "email"];

pub fn sign_in(openapi: &OpenAPI) -> SignIn {
    let mut sign_in = SignIn::default();
    let Some(components) = &openapi.components else {
        return sign_in;
    };
    for scheme in components.security_schemes.values() {
        let ReferenceOr::Item(SecurityScheme::OAuth2 { flows, .. }) = scheme else {
            continue;
        };
        let first = |scopes: &IndexMap<String, String>| {
            scopes
                .keys()
                .find(|s| !OIDC_SCOPES.contains(&s.as_str()))
                .cloned()
        };
        if sign_in.app_scope.is_none()
            && let Some(f) = &flows.client_credentials
        {
            sign_in.app_scope = first(&f.scopes);
        }
        if sign_in.user_scope.is_none() {
            let delegated = [
                flows.authorization_code.as_ref().map(|f| &f.scopes),
                flows.implicit.as_ref().map(|f| &f.scopes),
                flows.password.as_ref().map(|f| &f.scopes),
            ];
            sign_in.user_scope = delegated.into_iter().flatten().find_map(first);
        }
    }
    sign_in
}

/// `scope` for the cloud served at `base_url`, given the first server's URL.
pub fn rebase(scope: &str, default_url: Option<&str>, base_url: &str) -> String {
    let default_url = default_url.map(|u| u.trim_end_matches('/'));
    match scope.rsplit_once('/') {
        Some((resource, rest)) if Some(resource) == default_url => {
            format!("{}/{rest}", base_url.trim_end_matches('/'))
        }
        _ => scope.to_string(),
    }
}
