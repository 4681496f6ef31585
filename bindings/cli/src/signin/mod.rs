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
        if let Some(app_only) = Self::app_only_from_env() {
            if store::path().is_ok_and(|p| p.exists()) {
                eprintln!(
                    "note: signing in app-only ({ENV_TENANT_ID}, {ENV_CLIENT_ID}, {ENV_CLIENT_SECRET} are set); the stored App+User sign-in is not used"
                );
            }
            return Ok(app_only);
        }
        let path = store::path()?;
        Ok(match store::load(&path)? {
            Some(login) => SignIn::Stored(path, login),
            None => SignIn::None,
        })
    }

    /// App-only from the environment, when all three variables are set.
    fn app_only_from_env() -> Option<SignIn> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        Some(SignIn::AppOnly {
            tenant_id: var(ENV_TENANT_ID)?,
            client_id: var(ENV_CLIENT_ID)?,
            client_secret: Secret::new(var(ENV_CLIENT_SECRET)?),
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
                // A confidential application's refresh needs its secret too.
                let secret = std::env::var(ENV_CLIENT_SECRET)
                    .ok()
                    .filter(|s| !s.is_empty())
                    .map(Secret::new);
                if login.confidential && secret.is_none() {
                    return Err(CliError::Call(partner_center::Error::Config(format!(
                        "the stored sign-in belongs to a confidential application: set {ENV_CLIENT_SECRET} to its secret"
                    ))));
                }
                builder.credential(RefreshTokenCredential::new(
                    login.tenant_id.clone(),
                    login.client_id.clone(),
                    Secret::new(login.refresh_token.clone()),
                    secret.filter(|_| login.confidential),
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
