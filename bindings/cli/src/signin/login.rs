//! `partner-center login`: App+User sign-in by device code (the user opens a page elsewhere and
//! types a code), kept in the per-user file for later runs; `logout` forgets it.

use std::sync::{Arc, Mutex};

use clap::{Arg, ArgMatches, Command};
use partner_center::{DeviceCodeCredential, DeviceCodePrompt, Secret, TokenProvider};

use super::{ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_TENANT_ID, store};
use crate::context::Context;
use crate::exit::CliError;

pub fn login_command() -> Command {
    Command::new("login")
        .about("Sign in as a user (App+User) by device code and keep the sign-in for later runs")
        .long_about(
            "Sign in as a user (App+User) by device code: open the page shown, type the code and \
             sign in (with MFA). The refresh token is kept in a file only you can read \
             ($PARTNER_CENTER_CONFIG_DIR, else your config directory) and replaced by the new one \
             on every use.",
        )
        .arg(
            Arg::new("client-id")
                .long("client-id")
                .env(ENV_CLIENT_ID)
                .required(true)
                .value_name("GUID")
                .help("Your Microsoft Entra application (a public client allowed the device code flow)"),
        )
        .arg(
            Arg::new("tenant")
                .long("tenant")
                .env(ENV_TENANT_ID)
                .default_value("organizations")
                .value_name("TENANT")
                .help("The partner's tenant id or domain"),
        )
}

pub fn logout_command() -> Command {
    Command::new("logout").about("Forget the sign-in `partner-center login` kept")
}

pub async fn run_login(ctx: &Context, matches: &ArgMatches) -> Result<(), CliError> {
    let client_id = matches
        .get_one::<String>("client-id")
        .cloned()
        .unwrap_or_default();
    let tenant_id = matches
        .get_one::<String>("tenant")
        .cloned()
        .unwrap_or_default();
    let path = store::path()?;
    let newest: Arc<Mutex<Option<Secret>>> = Arc::default();
    let keep = Arc::clone(&newest);
    let prompt = Arc::new(|p: &DeviceCodePrompt| {
        eprintln!("{}", p.message);
        eprintln!(
            "(waiting up to {} minutes)",
            p.expires_in.as_secs().div_ceil(60)
        );
    });
    let mut options = partner_center::CredentialOptions::default();
    if let Some(host) = &ctx.authority_host {
        options = options.with_authority_host(host.clone());
    }
    let client_secret = std::env::var(ENV_CLIENT_SECRET)
        .ok()
        .filter(|s| !s.is_empty())
        .map(Secret::new);
    let confidential = client_secret.is_some();
    let credential = DeviceCodeCredential::new(
        tenant_id.clone(),
        client_id.clone(),
        client_secret,
        Some(prompt),
        Some(Arc::new(move |token: Secret| {
            *keep.lock().unwrap_or_else(|e| e.into_inner()) = Some(token);
        })),
        options,
    )?;
    let mut request = ctx.cloud.token_request();
    if let Some(host) = &ctx.authority_host {
        request.authority_host = host.clone();
    }
    credential.token(&request).await?;
    let Some(refresh_token) = newest.lock().unwrap_or_else(|e| e.into_inner()).take() else {
        // The application's registration, not the command line, is what needs changing (exit 5).
        return Err(CliError::Call(partner_center::Error::Config(
            "the sign-in service gave no refresh token (is `offline_access` allowed for the application?)"
                .to_string(),
        )));
    };
    store::save(
        &path,
        &store::StoredLogin {
            tenant_id,
            client_id,
            authority_host: ctx.authority_host.clone(),
            cloud: ctx.cloud.name().to_string(),
            confidential,
            refresh_token: refresh_token.expose().to_string(),
        },
    )?;
    eprintln!(
        "Signed in. The sign-in is kept in {} (readable by you only).",
        path.display()
    );
    Ok(())
}

pub fn run_logout() -> Result<(), CliError> {
    let path = store::path()?;
    if store::remove(&path)? {
        eprintln!("Signed out: removed {}.", path.display());
    } else {
        eprintln!("Not signed in (no {}).", path.display());
    }
    Ok(())
}
