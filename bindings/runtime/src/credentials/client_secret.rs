//! App-only sign-in with a client secret (OAuth2 client credentials).

use std::fmt;

use super::endpoint::TokenEndpoint;
use super::{AccessToken, Cached, CredentialOptions, TokenSource};
use crate::auth::{BoxFuture, TokenRequest};
use crate::error::Error;
use crate::secret::Secret;

/// The client-credentials grant with a secret, for the client's application scope
/// (`…/.default`).
pub struct ClientSecret {
    endpoint: TokenEndpoint,
    client_id: String,
    secret: Secret,
}

/// App-only sign-in with a client secret, cached.
pub type ClientSecretCredential = Cached<ClientSecret>;

impl Cached<ClientSecret> {
    /// `tenant_id` is the partner's own tenant (a GUID or domain): client credentials cannot use
    /// `common` or `organizations`.
    pub fn new(
        tenant_id: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        options: CredentialOptions,
    ) -> Result<Self, Error> {
        let refresh = options.refresh.clone();
        let flow = ClientSecret {
            endpoint: TokenEndpoint::new(tenant_id, &options)?,
            client_id: non_empty("client_id", client_id.into())?,
            secret: client_secret.into(),
        };
        if flow.secret.is_empty() {
            return Err(Error::Config("client_secret is empty".into()));
        }
        Ok(Cached::with_source(flow, refresh))
    }
}

impl TokenSource for ClientSecret {
    fn fetch<'a>(&'a self, request: &'a TokenRequest) -> BoxFuture<'a, Result<AccessToken, Error>> {
        Box::pin(client_credentials(
            &self.endpoint,
            request,
            &self.client_id,
            ("client_secret", self.secret.expose()),
        ))
    }
}

/// The client-credentials grant for the client's application scope, the client proving who it
/// is with `proof` (its secret, or a signed assertion).
pub(super) async fn client_credentials(
    endpoint: &TokenEndpoint,
    request: &TokenRequest,
    client_id: &str,
    proof: (&str, &str),
) -> Result<AccessToken, Error> {
    let scope = scope(&request.app_scope, "application")?;
    let mut form = vec![
        ("grant_type", "client_credentials"),
        ("client_id", client_id),
    ];
    if proof.0 == "client_assertion" {
        form.push((
            "client_assertion_type",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ));
    }
    form.extend([proof, ("scope", scope)]);
    Ok(endpoint.grant(request, &form).await?.access)
}

impl fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientSecret")
            .field("endpoint", &self.endpoint)
            .field("client_id", &self.client_id)
            .field("secret", &self.secret)
            .finish()
    }
}

/// `value`, or a configuration error naming `what` when it is empty.
pub(super) fn non_empty(what: &str, value: String) -> Result<String, Error> {
    if value.trim().is_empty() {
        return Err(Error::Config(format!("{what} is empty")));
    }
    Ok(value)
}

/// The scope the client asks for, which a generated client always fills.
pub(super) fn scope<'a>(scope: &'a str, kind: &str) -> Result<&'a str, Error> {
    if scope.is_empty() {
        return Err(Error::Config(format!(
            "the client names no {kind} scope to sign in for (its spec has no OAuth2 security scheme)"
        )));
    }
    Ok(scope)
}
