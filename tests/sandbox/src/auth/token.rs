//! `POST /{tenant}/oauth2/v2.0/token` and `POST /{tenant}/oauth2/token`: client
//! credentials (secret or certificate), refresh token (rotating) and device code.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Value, json};

use super::aadsts::{self, AadError};
use super::form::{self, Form};
use super::scopes::{self, Requested};
use super::store::{self, AppRegistration, Store, now_unix};
use super::{assertion, derived_id, derived_sub, device, discovery, jwt, tenant_id};
use crate::state::App;

pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// What MSAL Node sends instead of the URN; Entra accepts both.
const DEVICE_CODE_GRANT_SHORT: &str = "device_code";
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The roles claim of app-only tokens (an emulator convention: Partner Center publishes no
/// application roles).
pub const APP_ROLE: &str = "Partner.Application";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    V1,
    V2,
}

/// How the client authenticated: the `appidacr` claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Acr {
    Public,
    Secret,
    Certificate,
}

impl Acr {
    fn claim(self) -> &'static str {
        match self {
            Acr::Public => "0",
            Acr::Secret => "1",
            Acr::Certificate => "2",
        }
    }
}

/// The signed-in user of an App+User token.
pub struct User {
    pub upn: String,
    pub mfa: bool,
}

pub async fn v2(
    State(app): State<Arc<App>>,
    tenant: Result<Path<String>, PathRejection>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    endpoint(app, tenant, uri, headers, body, Version::V2).await
}

pub async fn v1(
    State(app): State<Arc<App>>,
    tenant: Result<Path<String>, PathRejection>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    endpoint(app, tenant, uri, headers, body, Version::V1).await
}

async fn endpoint(
    app: Arc<App>,
    tenant: Result<Path<String>, PathRejection>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Body,
    version: Version,
) -> Response {
    app.auth.token_requests.fetch_add(1, Ordering::Relaxed);
    let correlation = aadsts::correlation_id(&headers);
    let result = match (tenant, read_form(&app, body).await) {
        (Ok(Path(tenant)), Ok(form)) => {
            let base = discovery::base_url(&app, &headers, &uri);
            grant(&app, &tenant, &headers, &form, version, &base)
        }
        (Err(_), _) => Err(AadError::malformed("The tenant in the path is not valid.")),
        (_, Err(e)) => Err(e),
    };
    match result {
        Ok(body) => aadsts::success(&body, &correlation),
        Err(e) => e.into_response(&correlation),
    }
}

pub async fn read_form(app: &App, body: Body) -> Result<Form, AadError> {
    let bytes = axum::body::to_bytes(body, app.config.max_body_bytes)
        .await
        .map_err(|_| AadError::malformed("The request body is too large."))?;
    Ok(Form::parse(&bytes))
}

/// `client_id` from the form or from HTTP Basic auth (they must agree when both are sent).
pub fn client_id(form: &Form, basic: Option<&(String, String)>) -> Result<String, AadError> {
    let basic_id = basic
        .map(|(id, _)| id.as_str())
        .filter(|id| !id.trim().is_empty());
    match (form.get("client_id"), basic_id) {
        (Some(a), Some(b)) if !a.trim().eq_ignore_ascii_case(b.trim()) => Err(AadError::malformed(
            "The 'client_id' in the body differs from the one in the Authorization header.",
        )),
        (Some(id), _) | (None, Some(id)) => Ok(id.trim().to_string()),
        (None, None) => Err(AadError::missing("client_id")),
    }
}

fn grant(
    app: &App,
    tenant: &str,
    headers: &HeaderMap,
    form: &Form,
    version: Version,
    base: &str,
) -> Result<Value, AadError> {
    let grant_type = form
        .get("grant_type")
        .ok_or_else(|| AadError::missing("grant_type"))?;
    if !matches!(
        grant_type,
        "client_credentials" | "refresh_token" | DEVICE_CODE_GRANT | DEVICE_CODE_GRANT_SHORT
    ) {
        return Err(AadError::unsupported_grant(grant_type));
    }
    let basic = form::basic_credentials(headers);
    let client_id = client_id(form, basic.as_ref())?;
    let mut store = app.auth.store();
    let reg = store
        .app(&client_id)
        .cloned()
        .ok_or_else(|| AadError::unknown_client(&client_id, tenant))?;
    let tid = tenant_id(&app.config, tenant);
    let issue = Issue {
        app,
        tid: &tid,
        reg: &reg,
        version,
        base,
    };

    match grant_type {
        "client_credentials" => {
            let (resource, scope) = match version {
                Version::V2 => {
                    let scope = form.get("scope");
                    (
                        scopes::app_scope(scope)?,
                        scope.unwrap_or_default().trim().to_string(),
                    )
                }
                Version::V1 => (v1_resource(form)?, String::new()),
            };
            let acr = authenticate(&reg, form, basic.as_ref(), tenant, true)?;
            Ok(issue.app_only(acr, &resource, &scope))
        }
        "refresh_token" => {
            let refresh_token = form
                .get("refresh_token")
                .ok_or_else(|| AadError::missing("refresh_token"))?;
            let requested = match version {
                Version::V2 => scopes::user_scopes(form.get("scope"))?,
                Version::V1 => Requested::v1(&v1_resource(form)?),
            };
            let acr = authenticate(&reg, form, basic.as_ref(), tenant, false)?;
            let record = store
                .refresh_record(refresh_token)
                .cloned()
                .ok_or_else(AadError::bad_refresh_token)?;
            if record.client != store::client_key(&reg.client_id) {
                return Err(AadError::grant_of_other_client("refresh token"));
            }
            if now_unix() >= record.expires_at {
                return Err(AadError::expired_refresh_token());
            }
            let user = User {
                upn: record.upn,
                mfa: record.mfa,
            };
            Ok(issue.app_user(&mut store, acr, &user, &requested, record.lifetime))
        }
        _ => {
            let device_code = form
                .get("device_code")
                .ok_or_else(|| AadError::missing("device_code"))?;
            let acr = authenticate(&reg, form, basic.as_ref(), tenant, false)?;
            let interval = app.auth.device_interval.load(Ordering::Relaxed);
            let (user, mut requested) =
                device::redeem(&mut store, device_code, &reg.client_id, interval)?;
            if version == Version::V1 {
                if let Some(resource) = form.get("resource") {
                    requested = Requested::v1(resource);
                } else {
                    requested.openid = false;
                }
            }
            Ok(issue.app_user(
                &mut store,
                acr,
                &user,
                &requested,
                store::DEFAULT_REFRESH_LIFETIME_SECS,
            ))
        }
    }
}

fn v1_resource(form: &Form) -> Result<String, AadError> {
    form.get("resource")
        .map(|r| r.trim().to_string())
        .ok_or_else(|| AadError::missing("resource"))
}

/// Client authentication. `required`: the grant needs a confidential client (client
/// credentials); otherwise a public client may send nothing, and a confidential one must
/// still authenticate.
fn authenticate(
    reg: &AppRegistration,
    form: &Form,
    basic: Option<&(String, String)>,
    tenant: &str,
    required: bool,
) -> Result<Acr, AadError> {
    let secret = form
        .get("client_secret")
        .or(basic.map(|(_, s)| s.as_str()).filter(|s| !s.is_empty()));
    match (secret, form.get("client_assertion")) {
        (Some(_), Some(_)) => Err(AadError::malformed(
            "Send either 'client_secret' or 'client_assertion', not both.",
        )),
        (Some(given), None) => {
            if !reg.is_confidential() {
                return Err(AadError::public_client_credential());
            }
            match &reg.secret {
                Some(expected) if same_secret(expected, given) => Ok(Acr::Secret),
                _ => Err(AadError::wrong_secret(&reg.client_id)),
            }
        }
        (None, Some(assertion)) => {
            if !reg.is_confidential() {
                return Err(AadError::public_client_credential());
            }
            match form.get("client_assertion_type") {
                None => return Err(AadError::missing("client_assertion_type")),
                Some(t) if t.trim() != JWT_BEARER => {
                    return Err(AadError::malformed(&format!(
                        "'client_assertion_type' must be '{JWT_BEARER}'."
                    )));
                }
                Some(_) => {}
            }
            let certificate = reg.certificate.as_ref().ok_or_else(|| {
                AadError::bad_assertion("No certificate is registered for this application.")
            })?;
            assertion::verify(assertion, &reg.client_id, tenant, certificate)
                .map_err(|reason| AadError::bad_assertion(&reason))?;
            Ok(Acr::Certificate)
        }
        (None, None) if required || reg.is_confidential() => Err(AadError::credential_required()),
        (None, None) => Ok(Acr::Public),
    }
}

/// Compares digests, so the time taken says nothing about where the strings differ.
fn same_secret(expected: &str, given: &str) -> bool {
    use ring::digest::{SHA256, digest};
    digest(&SHA256, expected.as_bytes()).as_ref() == digest(&SHA256, given.as_bytes()).as_ref()
}

/// Everything needed to mint the tokens of one response.
struct Issue<'a> {
    app: &'a App,
    tid: &'a str,
    reg: &'a AppRegistration,
    version: Version,
    base: &'a str,
}

impl Issue<'_> {
    fn common_claims(&self, acr: Acr, resource: &str, now: u64) -> serde_json::Map<String, Value> {
        let lifetime = self.reg.access_token_lifetime;
        let client = &self.reg.client_id;
        let v = json!({
            "aud": resource,
            "iss": format!("https://sts.windows.net/{}/", self.tid),
            "iat": now,
            "nbf": now,
            "exp": now + lifetime,
            "appid": client,
            "azp": client,
            "appidacr": acr.claim(),
            "tid": self.tid,
            "ver": "1.0",
            "uti": store::random_token("", 16),
        });
        match v {
            Value::Object(m) => m,
            _ => unreachable!("a JSON object literal"),
        }
    }

    fn app_only(&self, acr: Acr, resource: &str, scope: &str) -> Value {
        let now = now_unix();
        let mut claims = self.common_claims(acr, resource, now);
        let oid = derived_id(&["service-principal", self.tid, &self.reg.client_id]);
        claims.insert("oid".into(), json!(oid));
        claims.insert("sub".into(), json!(oid));
        claims.insert("idtyp".into(), json!("app"));
        claims.insert("roles".into(), json!([APP_ROLE]));
        let access_token = self.app.auth.signer.sign(&Value::Object(claims));
        self.body(now, &access_token, resource, scope, None, None)
    }

    fn app_user(
        &self,
        store: &mut Store,
        acr: Acr,
        user: &User,
        requested: &Requested,
        refresh_lifetime: u64,
    ) -> Value {
        let now = now_unix();
        let mut claims = self.common_claims(acr, &requested.resource, now);
        let oid = derived_id(&["user", &user.upn]);
        let sub = derived_sub(&["sub", &user.upn, &self.reg.client_id]);
        claims.insert("oid".into(), json!(oid));
        claims.insert("sub".into(), json!(sub));
        claims.insert("scp".into(), json!(requested.scp()));
        claims.insert("upn".into(), json!(user.upn));
        claims.insert("unique_name".into(), json!(user.upn));
        claims.insert("name".into(), json!(user.upn));
        let amr = if user.mfa {
            json!(["pwd", "mfa"])
        } else {
            json!(["pwd"])
        };
        claims.insert("amr".into(), amr);
        let access_token = self.app.auth.signer.sign(&Value::Object(claims));
        let refresh_token =
            store.issue_refresh(&self.reg.client_id, &user.upn, user.mfa, refresh_lifetime);
        let mut body = self.body(
            now,
            &access_token,
            &requested.resource,
            &requested.granted(),
            Some(&requested.scp()),
            Some(&refresh_token),
        );
        if self.version == Version::V2 && requested.openid {
            let id_token = self.app.auth.signer.sign(&json!({
                "aud": self.reg.client_id,
                "iss": format!("{}/{}/v2.0", self.base, self.tid),
                "iat": now,
                "nbf": now,
                "exp": now + 3600,
                "sub": sub,
                "oid": oid,
                "tid": self.tid,
                "preferred_username": user.upn,
                "name": user.upn,
                "ver": "2.0",
            }));
            let client_info =
                jwt::b64url(json!({"uid": oid, "utid": self.tid}).to_string().as_bytes());
            body["id_token"] = json!(id_token);
            body["client_info"] = json!(client_info);
        }
        body
    }

    /// The success body: v2 with JSON numbers, v1 with numbers as strings.
    fn body(
        &self,
        now: u64,
        access_token: &str,
        resource: &str,
        v2_scope: &str,
        v1_scope: Option<&str>,
        refresh_token: Option<&str>,
    ) -> Value {
        let lifetime = self.reg.access_token_lifetime;
        let mut body = match self.version {
            Version::V2 => json!({
                "token_type": "Bearer",
                "scope": v2_scope,
                "expires_in": lifetime,
                "ext_expires_in": lifetime,
                "access_token": access_token,
            }),
            Version::V1 => {
                let mut b = json!({
                    "token_type": "Bearer",
                    "expires_in": lifetime.to_string(),
                    "ext_expires_in": lifetime.to_string(),
                    "expires_on": (now + lifetime).to_string(),
                    "not_before": now.to_string(),
                    "resource": resource,
                    "access_token": access_token,
                });
                if let Some(scope) = v1_scope {
                    b["scope"] = json!(scope);
                }
                b
            }
        };
        if let Some(rt) = refresh_token {
            body["refresh_token"] = json!(rt);
        }
        body
    }
}
