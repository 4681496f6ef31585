//! The `partner-center` command line (the binary is `src/main.rs`): every operation of the
//! Partner Center customer API as a subcommand, built from the table the generator writes
//! (`generated/operations.rs`) and called through the same client `dispatch` as the Python and
//! Node packages; plus sign-in, bulk onboarding (`customers import`) and shell completions.
//!
//! `spec` is the table's shape, `tree` builds the clap commands from it, `invoke` runs one,
//! `output` prints answers, `signin` and `context` hold how to connect, `exit` the errors and
//! their exit codes, `import` the bulk onboarding.

mod atomic;
mod context;
pub mod exit;
#[rustfmt::skip]
pub mod generated;
mod import;
mod invoke;
mod output;
mod signin;
pub mod spec;
mod tree;

use std::process::ExitCode;

use clap::ArgMatches;
use partner_center::Cloud;

use crate::context::Context;
use crate::exit::CliError;
use crate::generated::operations::GROUPS;
use crate::output::{Format, Output};
use crate::signin::SignIn;

/// Parse the command line, run it, print any error, and say how the process should exit.
pub fn main() -> ExitCode {
    let matches = tree::command().get_matches();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&matches)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_closed_stdout() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            e.into_exit()
        }
    }
}

async fn run(matches: &ArgMatches) -> Result<(), CliError> {
    let (name, sub) = matches.subcommand().expect("clap requires a subcommand");
    match name {
        "completions" => {
            let shell = *sub
                .get_one::<clap_complete::Shell>("shell")
                .expect("required");
            // Into a buffer first: clap_complete panics on a failed write (`| head`).
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut tree::command(), "partner-center", &mut script);
            return output::write_stdout(&script);
        }
        "logout" => return signin::run_logout(),
        _ => {}
    }
    let ctx = context(matches, name == "login")?;
    if name == "login" {
        return signin::run_login(&ctx, sub).await;
    }
    let Some((op_name, op_matches)) = sub.subcommand() else {
        // An operation without a tag: such operations are subcommands of the root itself.
        let op = find("", name).expect("clap only accepts known subcommands");
        return invoke::run(&ctx, op, sub).await;
    };
    if name == "customers" && op_name == "import" {
        return import::run(&ctx, op_matches).await;
    }
    let op = find(name, op_name).expect("clap only accepts known subcommands");
    invoke::run(&ctx, op, op_matches).await
}

fn find(group: &str, name: &str) -> Option<&'static spec::OperationSpec> {
    GROUPS
        .iter()
        .filter(|g| g.name == group)
        .flat_map(|g| g.operations.iter())
        .find(|op| op.name == name)
}

/// `--cloud`, else the cloud of the stored sign-in (its refresh token is only good there), else
/// the global cloud. A `--cloud` other than the stored sign-in's is refused rather than sending
/// that token to another cloud's sign-in service.
fn cloud(matches: &ArgMatches, sign_in: &SignIn) -> Result<Cloud, CliError> {
    let given = matches
        .value_source("cloud")
        .is_some_and(|s| s != clap::parser::ValueSource::DefaultValue);
    let flag = matches.get_one::<String>("cloud").map(String::as_str);
    let name = match (sign_in, flag) {
        (SignIn::Stored(path, login), Some(flag)) if given && flag != login.cloud => {
            return Err(CliError::Usage(format!(
                "--cloud {flag}: the sign-in in {} is for the {} cloud; run `partner-center login --cloud {flag}` (or leave --cloud out)",
                path.display(),
                login.cloud
            )));
        }
        (SignIn::Stored(_, login), _) => login.cloud.as_str(),
        (_, Some(flag)) => flag,
        (_, None) => "global",
    };
    Cloud::from_name(name)
        .ok_or_else(|| CliError::Usage(format!("--cloud: unknown cloud `{name}`")))
}

/// The global flags of this run.
fn context(matches: &ArgMatches, logging_in: bool) -> Result<Context, CliError> {
    let sign_in = if logging_in {
        SignIn::None
    } else {
        SignIn::resolve(matches.get_one::<String>("token"))?
    };
    let cloud = cloud(matches, &sign_in)?;
    let timeout = matches
        .get_one::<f64>("timeout")
        .map(|secs| {
            bridge::seconds(*secs).ok_or_else(|| {
                CliError::Usage(format!(
                    "--timeout: `{secs}` is not a positive number of seconds"
                ))
            })
        })
        .transpose()?;
    Ok(Context {
        output: Output {
            format: Format::pick(matches.get_one::<String>("output").map(String::as_str)),
            show_secrets: matches.get_flag("show-secrets"),
        },
        base_url: matches.get_one::<String>("base-url").cloned(),
        authority_host: matches.get_one::<String>("authority-host").cloned(),
        cloud,
        sign_in,
        timeout,
        verbose: matches.get_flag("verbose"),
        stderr_is_terminal: Context::stderr_is_terminal(),
    })
}
