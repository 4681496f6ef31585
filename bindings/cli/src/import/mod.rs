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

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};

use crate::context::Context;
use crate::exit::CliError;
use crate::generated::operations::GROUPS;
use crate::spec::{FieldSpec, OperationSpec};
use journal::{Journal, State};
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
                .help("Where to write the results [default: FILE's name with .results.csv]; the journal (.journal) and the passwords (.passwords.csv) go beside it"),
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
         when only one member ends so (`domain`, `city`, `defaultAddress.firstName`); case, `-` \
         and `_` do not matter. With --attest-mca, `agreement.` columns fill the attestation \
         (without them the billing profile's names, its e-mail and the address's phone number are \
         the contact; the template is the service's MCA template and the date is now unless the \
         row gives agreement.templateId / agreement.dateAgreed). JSON lines are create bodies; \
         an `agreement` member holds the attestation's members.\n\n\
         Columns:\n{columns}\n\
         Results: FILE.results.csv (row, customerId, domain, adminUserName), complete after \
         reruns; admin passwords go to a separate .passwords.csv readable by its owner only, and \
         are printed only with --show-secrets."
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
    fn from(matches: &ArgMatches) -> Options {
        let file = matches
            .get_one::<PathBuf>("file")
            .cloned()
            .unwrap_or_default();
        let results = matches
            .get_one::<PathBuf>("results")
            .cloned()
            .unwrap_or_else(|| files::default_results(&file));
        Options {
            dry_run: matches.get_flag("dry-run"),
            attest: matches.get_flag("attest-mca"),
            requests_per_minute: matches
                .get_one::<u32>("requests-per-minute")
                .copied()
                .unwrap_or(500),
            concurrency: matches
                .get_one::<u16>("concurrency")
                .map_or(4, |n| usize::from(*n)),
            file,
            results,
        }
    }
}

pub async fn run(ctx: &Context, matches: &ArgMatches) -> Result<(), CliError> {
    let options = Options::from(matches);
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

    let journal = Journal::open(&files::journal_path(&options.results))?;
    let passwords = files::Passwords::open(&files::passwords_path(&options.results))?;
    let needs_work = |row: &&plan::PlannedRow| {
        let state = journal.state(&row.request_id, &row.domain);
        state.create != State::Done || (options.attest && state.agreement != State::Done)
    };
    let work: Vec<&plan::PlannedRow> = planned.iter().filter(needs_work).collect();
    let before = planned.len() - work.len();
    let needs_template = options.attest
        && work.iter().any(|row| {
            let state = journal.state(&row.request_id, &row.domain);
            state.agreement != State::Done
        });
    let journal = Mutex::new(journal);
    let passwords = Mutex::new(passwords);

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
            journal: &journal,
            passwords: &passwords,
            template_id,
            concurrency: options.concurrency,
            progress: &progress,
        };
        let sent = sender.run(work).await;
        progress.finish();
        summary = sent?;
    }

    let journal = journal.into_inner().expect("journal lock");
    let passwords = passwords.into_inner().expect("passwords lock");
    let results = result_rows(&planned, &journal, options.attest);
    files::write_results(&options.results, &results)?;
    let row_of = |customer: &str| {
        results
            .iter()
            .find(|r| r.customer_id == customer)
            .map(|r| r.row)
    };
    passwords.tidy(&row_of)?;
    if ctx.output.show_secrets {
        let text = std::fs::read_to_string(passwords.path())
            .map_err(|e| CliError::io(passwords.path(), e))?;
        print!("{text}");
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
    if summary.interrupted {
        eprintln!("interrupted: run the same command again to resume");
    }
    let unfinished = summary.failed + summary.not_started;
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
        return Err(CliError::Usage(format!(
            "{}: the header names columns the import does not know (listed above); \
             `partner-center customers import --help` lists the columns",
            path.display()
        )));
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
            CliError::Usage(
                "the service lists no Microsoft Customer Agreement template; cannot attest".into(),
            )
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
            let state = journal.state(&row.request_id, &row.domain);
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
