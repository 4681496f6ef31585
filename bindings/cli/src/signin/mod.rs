//! How the command line signs in, first match wins: a bearer token given (`--token`,
//! `PARTNER_CENTER_TOKEN`); app-only from `PARTNER_CENTER_TENANT_ID`, `…_CLIENT_ID` and
//! `…_CLIENT_SECRET`; the App+User sign-in `partner-center login` stored (its refresh token
//! rotated on every use). The flows themselves are the runtime's credentials.

mod login;
pub mod store;

use std::sync::Arc;

use partner_center::{
    ClientBuilder, ClientSecretCredential, CredentialOptions, RefreshTokenCredential, Secret,
};

use crate::context::Context;
use crate::exit::CliError;

pub use login::{login_command, logout_command, run_login, run_logout};

pub const ENV_TENANT_ID: &str = "PARTNER_CENTER_TENANT_ID";
pub const ENV_CLIENT_ID: &str = "PARTNER_CENTER_CLIENT_ID";
pub const ENV_CLIENT_SECRET: &str = "PARTNER_CENTER_CLIENT_SECRET";

/// The sign-in of one run.
pub enum SignIn {
    Token(Secret),
    AppOnly {
        tenant_id: String,
        client_id: String,
        client_secret: Secret,
    },
    /// `partner-center login`'s refresh token, in this file.
    Stored(std::path::PathBuf, store::StoredLogin),
    None,
}

impl SignIn {
    /// From the `--token` flag (or its variable) and the environment.
    pub fn resolve(token: Option<&String>) -> Result<SignIn, CliError> {
        if let Some(token) = token.filter(|t| !t.is_empty()) {
            return Ok(SignIn::Token(Secret::new(token.clone())));
        }
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        if let (Some(tenant_id), Some(client_id), Some(secret)) = (
            var(ENV_TENANT_ID),
            var(ENV_CLIENT_ID),
            var(ENV_CLIENT_SECRET),
        ) {
            return Ok(SignIn::AppOnly {
                tenant_id,
                client_id,
                client_secret: Secret::new(secret),
            });
        }
        let path = store::path()?;
        Ok(match store::load(&path)? {
            Some(login) => SignIn::Stored(path, login),
            None => SignIn::None,
        })
    }

    /// The builder with this sign-in.
    pub fn apply(&self, builder: ClientBuilder, ctx: &Context) -> Result<ClientBuilder, CliError> {
        let options = |host: Option<&String>| {
            let mut options = CredentialOptions::default();
            if let Some(host) = host.or(ctx.authority_host.as_ref()) {
                options = options.with_authority_host(host.clone());
            }
            options
        };
        Ok(match self {
            SignIn::Token(token) => builder.token(token.expose()),
            SignIn::AppOnly {
                tenant_id,
                client_id,
                client_secret,
            } => builder.credential(ClientSecretCredential::new(
                tenant_id.clone(),
                client_id.clone(),
                client_secret.clone(),
                options(None),
            )?),
            SignIn::Stored(path, login) => {
                let keep = Arc::new(Rotation {
                    path: path.clone(),
                    template: store::StoredLogin {
                        refresh_token: String::new(),
                        ..login.clone()
                    },
                });
                builder.credential(RefreshTokenCredential::new(
                    login.tenant_id.clone(),
                    login.client_id.clone(),
                    Secret::new(login.refresh_token.clone()),
                    None,
                    Some(Arc::new(move |token: Secret| keep.store(token))),
                    options(login.authority_host.as_ref()),
                )?)
            }
            SignIn::None => {
                return Err(CliError::Call(partner_center::Error::Config(format!(
                    "not signed in: run `partner-center login`, set {ENV_TENANT_ID}, {ENV_CLIENT_ID} and {ENV_CLIENT_SECRET} (app-only), or give --token"
                ))));
            }
        })
    }
}

/// Keeps the newest refresh token: the old one stops working once a new one is handed out.
struct Rotation {
    path: std::path::PathBuf,
    template: store::StoredLogin,
}

impl Rotation {
    fn store(&self, token: Secret) {
        let login = store::StoredLogin {
            refresh_token: token.expose().to_string(),
            ..self.template.clone()
        };
        if let Err(e) = store::save(&self.path, &login) {
            // The call goes on with the new token; the next run would need a new login.
            eprintln!("warning: could not keep the new sign-in: {e}");
        }
    }
}
