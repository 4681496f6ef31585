//! The clap command tree, built from the generated table: a subcommand per resource group, one
//! per operation below it, with the operation's parameters and body members as flags and the
//! spec's summary and description as help. The hand-written commands (`login`, `logout`,
//! `completions`, `customers import`) are added beside them.

use clap::builder::{PossibleValuesParser, ValueParser};
use clap::{Arg, ArgAction, Command};

use crate::generated::operations::GROUPS;
use crate::spec::{AnswerSpec, BodySpec, FieldSpec, OperationSpec, ParamSpec, ValueSpec};
use crate::{import, signin};

/// Environment variables the global flags read (bindings/cli/README.md, "Commands").
pub const ENV_BASE_URL: &str = "PARTNER_CENTER_BASE_URL";
pub const ENV_CLOUD: &str = "PARTNER_CENTER_CLOUD";
pub const ENV_TOKEN: &str = "PARTNER_CENTER_TOKEN";
pub const ENV_AUTHORITY_HOST: &str = "PARTNER_CENTER_AUTHORITY_HOST";
pub const ENV_OUTPUT: &str = "PARTNER_CENTER_OUTPUT";

const ABOUT: &str = "Manage Microsoft Partner Center customers from the command line";

const AFTER_HELP: &str = "\
Sign-in, first match wins:
  --token / PARTNER_CENTER_TOKEN          a bearer token you already have
  PARTNER_CENTER_TENANT_ID, _CLIENT_ID, _CLIENT_SECRET
                                          app-only (client secret)
  `partner-center login`                  App+User by device code, kept for later runs

Output is a table on a terminal and JSON otherwise (lists: one JSON object per line).
Exit codes: 0 success, 2 usage, 3 file, 4 validation, 5 configuration, 6 sign-in refused,
7 sign in again, 10-18 the service's answer (400, 401, 403, 404, 409, 412, 429, 5xx, other),
20 transport, 21 timeout, 22 undecodable answer, 30 import rows failed.";

/// The whole command line.
pub fn command() -> Command {
    let mut root = Command::new("partner-center")
        .about(ABOUT)
        .after_help(AFTER_HELP)
        .version(env!("CARGO_PKG_VERSION"))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(global_args());
    for group in GROUPS {
        let mut operations: Vec<Command> = group.operations.iter().map(operation).collect();
        if group.name == "customers" {
            operations.push(import::command());
        }
        if group.name.is_empty() {
            root = root.subcommands(operations);
            continue;
        }
        root = root.subcommand(
            Command::new(group.name)
                .about(group.about)
                .subcommand_required(true)
                .arg_required_else_help(true)
                .subcommands(operations),
        );
    }
    root.subcommand(signin::login_command())
        .subcommand(signin::logout_command())
        .subcommand(
            Command::new("completions")
                .about("Print a shell completion script (bash, zsh, fish, powershell, elvish)")
                .arg(
                    Arg::new("shell")
                        .required(true)
                        .value_parser(clap::value_parser!(clap_complete::Shell)),
                ),
        )
}

fn global_args() -> Vec<Arg> {
    vec![
        Arg::new("output")
            .long("output")
            .short('o')
            .global(true)
            .env(ENV_OUTPUT)
            .value_parser(["table", "json"])
            .help("Output format [default: table on a terminal, json otherwise]"),
        Arg::new("show-secrets")
            .long("show-secrets")
            .global(true)
            .action(ArgAction::SetTrue)
            .help("Print secrets (admin passwords) instead of hiding them"),
        Arg::new("base-url")
            .long("base-url")
            .global(true)
            .env(ENV_BASE_URL)
            .value_name("URL")
            .help("Send calls here instead of the cloud's host (e.g. the emulator)"),
        Arg::new("cloud")
            .long("cloud")
            .global(true)
            .env(ENV_CLOUD)
            .value_parser(["global", "china", "usgov"])
            .default_value("global")
            .help("The Partner Center cloud"),
        Arg::new("authority-host")
            .long("authority-host")
            .global(true)
            .env(ENV_AUTHORITY_HOST)
            .value_name("URL")
            .help("The sign-in service, instead of the cloud's (e.g. the emulator)"),
        Arg::new("token")
            .long("token")
            .global(true)
            .env(ENV_TOKEN)
            .hide_env_values(true)
            .value_name("TOKEN")
            .help("A bearer token to send as it is (prefer the environment variable)"),
        Arg::new("timeout")
            .long("timeout")
            .global(true)
            .value_name("SECONDS")
            .value_parser(clap::value_parser!(f64))
            .help("Per-attempt timeout"),
        Arg::new("verbose")
            .long("verbose")
            .short('v')
            .global(true)
            .action(ArgAction::SetTrue)
            .help("Log every attempt (status, request id, duration) on stderr"),
    ]
}

/// One operation's subcommand.
fn operation(op: &'static OperationSpec) -> Command {
    let mut long_about = op.description.to_string();
    long_about.push_str(&format!("\n\nCalls {} {} ({}).", op.method, op.path, op.id));
    if op.requires_app_user {
        long_about.push_str(" Needs an App+User sign-in (`partner-center login`).");
    }
    let mut cmd = Command::new(op.name)
        .about(op.summary)
        .long_about(long_about)
        .args(op.params.iter().map(param))
        .arg(
            Arg::new("request-id")
                .long("request-id")
                .value_name("GUID")
                // Partner Center takes only a GUID; anything else would be a 400 after sign-in.
                .value_parser(|s: &str| {
                    uuid::Uuid::parse_str(s)
                        .map(|id| id.to_string())
                        .map_err(|_| "not a GUID (e.g. 6f1c8d8a-0c3e-4f4e-9a3b-2d1c0b9a8e7f)")
                })
                .help("MS-RequestId to send (repeat one to replay an idempotent create)"),
        );
    if let Some(body) = &op.body {
        cmd = cmd.args(body_args(body));
    }
    if let AnswerSpec::Paged { .. } = op.answer {
        cmd = cmd.args([
            Arg::new("one-page")
                .long("one-page")
                .action(ArgAction::SetTrue)
                .help("Print one page and its continuation token instead of every page"),
            Arg::new("continuation-token")
                .long("continuation-token")
                .value_name("TOKEN")
                .help("Start at the page after the one that returned this token"),
        ]);
    }
    cmd
}

fn param(p: &'static ParamSpec) -> Arg {
    let mut arg = Arg::new(p.flag)
        .long(p.flag)
        .value_name(value_name(p.value))
        .required(p.required)
        .help(with_known_values(p.help.to_string(), p.value))
        .value_parser(parser(p.value));
    if p.many {
        arg = arg.action(ArgAction::Append).value_delimiter(',');
    }
    arg
}

fn body_args(body: &'static BodySpec) -> Vec<Arg> {
    let mut args = vec![
        Arg::new("body")
            .long("body")
            .value_name("FILE")
            .help(format!(
                "The {} body as JSON or YAML (`-` reads stdin); member flags override it",
                body.model
            ))
            .help_heading("Body"),
    ];
    args.extend(body.flags.iter().map(field));
    args
}

fn field(f: &'static FieldSpec) -> Arg {
    let mut help = with_known_values(f.help.to_string(), f.value);
    if f.required {
        help.push_str(" [required in the body]");
    }
    Arg::new(f.flag)
        .long(f.flag)
        .value_name(value_name(f.value))
        .help(help)
        .help_heading("Body")
        .value_parser(parser(f.value))
}

/// An open enum takes any value, but the known ones are worth showing (clap lists a closed
/// enum's values itself).
fn with_known_values(mut help: String, v: ValueSpec) -> String {
    if let ValueSpec::Enum {
        values,
        closed: false,
    } = v
        && !values.is_empty()
    {
        help.push_str(&format!(" [known values: {}]", values.join(", ")));
    }
    help
}

fn value_name(v: ValueSpec) -> &'static str {
    match v {
        ValueSpec::String | ValueSpec::Enum { .. } => "TEXT",
        ValueSpec::Integer => "INTEGER",
        ValueSpec::Number => "NUMBER",
        ValueSpec::Boolean => "true|false",
        ValueSpec::Uuid => "GUID",
        ValueSpec::Date => "DATE",
        ValueSpec::Json => "JSON",
    }
}

/// Closed enums are checked (and completed) by clap; the rest is checked when the call is built
/// (`invoke::to_json`), which names the flag.
fn parser(v: ValueSpec) -> ValueParser {
    match v {
        ValueSpec::Enum {
            values,
            closed: true,
        } => PossibleValuesParser::new(values).into(),
        ValueSpec::Boolean => PossibleValuesParser::new(["true", "false"]).into(),
        _ => ValueParser::string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_is_consistent() {
        // clap's own checks: no two flags with one name, every id valid.
        command().debug_assert();
    }

    #[test]
    fn every_operation_of_the_table_is_a_subcommand() {
        let root = command();
        for group in GROUPS {
            for op in group.operations {
                let parent = if group.name.is_empty() {
                    &root
                } else {
                    root.find_subcommand(group.name).expect("group")
                };
                assert!(parent.find_subcommand(op.name).is_some(), "{}", op.id);
            }
        }
    }
}
