//! `partner-center customers import FILE`: onboard customers in bulk from a CSV file or JSON
//! lines, resumably and without ever creating a customer twice.
//!
//! The steps, one module each: `rows` reads the file into JSON bodies (`columns` maps CSV
//! headers to members), `plan` validates every row before anything is sent and gives each its
//! request id, `send` creates (and attests) paced and journaled (`journal`), `files` writes the
//! results and the owner-only passwords file, `progress` shows how it goes.

mod columns;
mod files;
mod journal;
mod plan;
mod problem;
mod progress;
mod rows;
mod send;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};

use crate::context::Context;
use crate::exit::CliError;
use crate::generated::operations::GROUPS;
use crate::spec::{FieldSpec, OperationSpec};
use journal::{Journal, RowState, State};
use problem::Problem;

/// Partner Center's documented limit for customer calls (a minute).
const DEFAULT_REQUESTS_PER_MINUTE: &str = "500";
const DEFAULT_CONCURRENCY: &str = "4";

/// The `import` subcommand (attached under `customers` by the command tree).
pub fn command() -> Command {
    Command::new("import")
        .about("Create customers in bulk from a CSV or JSON lines file; a rerun resumes and never creates a customer twice")
        .long_about(long_about())
        .arg(
            Arg::new("file")
                .value_name("FILE")
                .required(true)
                .value_parser(value_parser!(PathBuf))
                .help("CSV with a header row (.csv), or one create body per line (.jsonl, .ndjson)"),
        )
        .arg(
            Arg::new("dry-run")
                .long("dry-run")
                .action(ArgAction::SetTrue)
                .help("Validate every row, list every problem, send nothing"),
        )
        .arg(
            Arg::new("results")
                .long("results")
                .value_name("FILE")
                .value_parser(value_parser!(PathBuf))
                .help("Where to write the results [default: FILE.results.csv, e.g. customers.csv.results.csv]; the journal (RESULTS.journal) and the passwords (RESULTS.passwords.csv) go beside it"),
        )
        .arg(
            Arg::new("attest-mca")
                .long("attest-mca")
                .action(ArgAction::SetTrue)
                .help("After each create, attest that the customer accepted the Microsoft Customer Agreement (contact from the agreement.* columns, else the billing contact)"),
        )
        .arg(
            Arg::new("requests-per-minute")
                .long("requests-per-minute")
                .value_name("N")
                .default_value(DEFAULT_REQUESTS_PER_MINUTE)
                .value_parser(value_parser!(u32).range(1..))
                .help("Pace of the calls (Partner Center allows 500 a minute for customers)"),
        )
        .arg(
            Arg::new("concurrency")
                .long("concurrency")
                .value_name("N")
                .default_value(DEFAULT_CONCURRENCY)
                .value_parser(value_parser!(u16).range(1..=64))
                .help("Rows in flight at once"),
        )
}

fn long_about() -> String {
    let columns = known_members()
        .map(|m| columns::help(&m))
        .unwrap_or_default();
    format!(
        "Create customers in bulk.\n\n\
         Every row is validated first (the create body's members, the country's rules, domains \
         that appear twice); with --dry-run the import stops there and lists every problem with \
         its row and line. Without it, any invalid row means nothing is sent.\n\n\
         Each row's request id is derived from the row, and a journal beside the results records \
         every step before and after it is sent: running the same command again skips the rows \
         that are done, replays the ones that were in flight (the service answers a replay with \
         the first result: no second customer) and retries the ones that failed.\n\n\
         CSV columns name members of the create body by their dotted path, or by the end of it \
         when only one member ends so (`domain`, `culture`, `defaultAddress.city`); case, `-` \
         and `_` do not matter. With --attest-mca, `agreement.` columns fill the attestation \
         (without them the billing profile's names, its e-mail and the address's phone number are \
         the contact; the template is the service's MCA template and the date is now unless the \
         row gives agreement.templateId / agreement.dateAgreed). JSON lines are create bodies; \
         an `agreement` member holds the attestation's members.\n\n\
         Columns:\n{columns}\n\
         Results: FILE.results.csv (row, customerId, domain, adminUserName), complete after \
         reruns; admin passwords go to a separate FILE.results.csv.passwords.csv readable by its \
         owner only, and are printed (the whole CSV, to stdout) only with --show-secrets; the \
         journal is FILE.results.csv.journal. Ctrl-C stops new rows and exits 130; a rerun \
         resumes."
    )
}

/// The members CSV columns may name: the two bodies' scalar members from the generated table.
fn known_members() -> Result<Vec<columns::Member>, CliError> {
    let flags = |id: &str| -> Result<&'static [FieldSpec], CliError> {
        OperationSpec::find(GROUPS, id)
            .and_then(|op| op.body.as_ref())
            .map(|body| body.flags)
            .ok_or_else(|| CliError::Usage(format!("the command table has no {id} body")))
    };
    Ok(columns::members(
        flags("createCustomer")?,
        flags("createAgreement")?,
    ))
}

struct Options {
    file: PathBuf,
    dry_run: bool,
    results: PathBuf,
    attest: bool,
    requests_per_minute: u32,
    concurrency: usize,
}

impl Options {
    fn from(matches: &ArgMatches) -> Result<Options, CliError> {
        // clap supplies FILE (required) and the defaults; a missing one is a usage error anyway.
        let missing = |id: &str| CliError::Usage(format!("customers import: no value for {id}"));
        let file = matches
            .get_one::<PathBuf>("file")
            .cloned()
            .ok_or_else(|| missing("FILE"))?;
        let results = matches
            .get_one::<PathBuf>("results")
            .cloned()
            .unwrap_or_else(|| files::default_results(&file));
        Ok(Options {
            dry_run: matches.get_flag("dry-run"),
            attest: matches.get_flag("attest-mca"),
            requests_per_minute: *matches
                .get_one::<u32>("requests-per-minute")
                .ok_or_else(|| missing("--requests-per-minute"))?,
            concurrency: usize::from(
                *matches
                    .get_one::<u16>("concurrency")
                    .ok_or_else(|| missing("--concurrency"))?,
            ),
            file,
            results,
        })
    }
}

pub async fn run(ctx: &Context, matches: &ArgMatches) -> Result<(), CliError> {
    let options = Options::from(matches)?;
    let planned = validate(&options)?;
    if options.dry_run {
        eprintln!(
            "{}: {} row{} validate; nothing was sent (dry run)",
            options.file.display(),
            planned.len(),
            plural(planned.len())
        );
        return Ok(());
    }
    files::check_results(&options.file, &options.results)?;

    // The journal first: its lock says no other import writes these files.
    let journal = Journal::open(&files::journal_path(&options.results))?;
    let passwords = files::Passwords::open(&files::passwords_path(&options.results))?;
    let listed = files::listed_domains(&[&options.results, passwords.path()]);
    let mut work = Vec::new();
    for row in &planned {
        let key = journal.key(&row.request_id, &row.domain);
        let state = journal.state(&key);
        if state.create != State::Done || (options.attest && state.agreement != State::Done) {
            work.push(send::Work {
                row,
                may_have_created: journal.may_have_created(&row.domain)
                    || listed.contains(&row.domain.to_lowercase()),
                key,
                state,
            });
        }
    }
    let before = planned.len() - work.len();
    let needs_template = options.attest && work.iter().any(|w| w.state.agreement != State::Done);
    let journal = Arc::new(Mutex::new(journal));
    let passwords = Arc::new(Mutex::new(passwords));

    let mut summary = send::Summary::default();
    if !work.is_empty() {
        let client = ctx
            .client_builder()?
            .requests_per_minute(options.requests_per_minute)
            .build()?;
        let template_id = if needs_template {
            Some(mca_template(&client).await?)
        } else {
            None
        };
        let progress = progress::Progress::new(work.len(), ctx.stderr_is_terminal);
        let sender = send::Sender {
            client: &client,
            journal: journal.clone(),
            passwords: passwords.clone(),
            template_id,
            concurrency: options.concurrency,
            progress: &progress,
        };
        let sent = sender.run(work).await;
        progress.finish();
        summary = sent?;
    }

    let journal = send::lock(&journal);
    let passwords = send::lock(&passwords);
    let results = result_rows(&planned, &journal, options.attest);
    files::write_results(&options.results, &results)?;
    let row_of: HashMap<String, usize> = results
        .iter()
        .map(|r| (r.customer_id.clone(), r.row))
        .collect();
    passwords.tidy(&row_of)?;
    if ctx.output.show_secrets {
        let text = std::fs::read_to_string(passwords.path())
            .map_err(|e| CliError::io(passwords.path(), e))?;
        // A reader gone (`| head`) still gets the summary and the exit code below.
        match crate::output::write_stdout(text.as_bytes()) {
            Err(e) if !e.is_closed_stdout() => return Err(e),
            _ => {}
        }
    }

    eprintln!(
        "{}: {} row{}: {} done now, {} done before, {} failed{}",
        options.file.display(),
        planned.len(),
        plural(planned.len()),
        summary.completed,
        before,
        summary.failed,
        if summary.not_started > 0 {
            format!(", {} not started", summary.not_started)
        } else {
            String::new()
        }
    );
    eprintln!(
        "results: {}\npasswords (owner only): {}\njournal: {}",
        options.results.display(),
        passwords.path().display(),
        journal.path().display()
    );
    let unfinished = summary.failed + summary.not_started;
    // Stopped by Ctrl-C before every row was taken: 130 and the resume hint. A Ctrl-C that came
    // when every row was already under way changed nothing: the usual ending.
    if summary.interrupted && summary.not_started > 0 {
        return Err(CliError::Interrupted(unfinished));
    }
    if unfinished > 0 {
        return Err(CliError::RowsFailed(unfinished));
    }
    Ok(())
}

/// Read and check every row; print every problem (to stderr) and fail when there is one.
fn validate(options: &Options) -> Result<Vec<plan::PlannedRow>, CliError> {
    let path = &options.file;
    let bytes = std::fs::read(path).map_err(|e| CliError::io(path, e))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let line = 1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        CliError::Usage(format!(
            "{}: line {line}: the file is not UTF-8 text",
            path.display()
        ))
    })?;
    let known = known_members()?;
    let format = rows::detect(path, &text);
    let (raw, problems) = rows::read(&text, format, &known);
    if problems.iter().any(|p| p.row.is_none()) {
        report(path, &problems);
        let what = match format {
            rows::Format::Csv => {
                "the header names columns the import does not know (listed above); \
                 `partner-center customers import --help` lists the columns"
            }
            rows::Format::JsonLines => "the file is not JSON lines (see above)",
        };
        return Err(CliError::Usage(format!("{}: {what}", path.display())));
    }
    if raw.is_empty() && problems.is_empty() {
        return Err(CliError::Usage(format!(
            "{}: the file has no rows",
            path.display()
        )));
    }
    if !options.attest && raw.iter().any(|r| r.agreement.is_some()) {
        eprintln!("note: the agreement columns are used with --attest-mca only; ignored");
    }
    let (planned, more) = plan::plan(raw, options.attest);
    let mut problems = problems;
    problems.extend(more);
    if !problems.is_empty() {
        problems.sort_by_key(|p| (p.row, p.line));
        report(path, &problems);
        return Err(CliError::InvalidRows(problem::rows_concerned(&problems)));
    }
    Ok(planned)
}

fn report(path: &Path, problems: &[Problem]) {
    for p in problems {
        eprintln!("{}: {p}", path.display());
    }
}

/// The MCA template id, asked once per run.
async fn mca_template(client: &partner_center::Client) -> Result<String, CliError> {
    let templates = client
        .agreements()
        .list_metadata()
        .agreement_type(plan::MCA_TYPE)
        .send()
        .await?;
    templates
        .items
        .into_iter()
        .find_map(|t| t.template_id)
        .ok_or_else(|| {
            // An answer the import cannot use: the service is expected to list one.
            CliError::Call(partner_center::Error::Decode {
                status: 200,
                message: "the service lists no Microsoft Customer Agreement template \
                          (listAgreementMetadata); cannot attest"
                    .into(),
                body_excerpt: String::new(),
                request_id: None,
            })
        })
}

/// The results: every row of this file whose customer exists, from the journal.
fn result_rows(
    planned: &[plan::PlannedRow],
    journal: &Journal,
    attest: bool,
) -> Vec<files::ResultRow> {
    planned
        .iter()
        .filter_map(|row| {
            let state: RowState = journal.state(&journal.key(&row.request_id, &row.domain));
            let customer_id = state.customer_id.filter(|_| state.create == State::Done)?;
            Some(files::ResultRow {
                row: row.number,
                customer_id,
                domain: row.domain.clone(),
                user_name: state.user_name.unwrap_or_default(),
                attested: attest.then_some(state.agreement == State::Done),
            })
        })
        .collect()
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
