//! Sending: each row's create (and attestation), a few at a time, paced by the client's rate
//! limit, every step journaled before and after. A row the journal says is done is skipped; one
//! that was in flight is sent again with the same request id, which the service answers by
//! replaying the first result; one that failed is tried again. Ctrl-C stops new rows; the calls
//! in flight finish (a second Ctrl-C quits at once, leaving them in flight for the next run).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use futures::StreamExt;
use partner_center::models::{
    Agreement, CustomerFilter, CustomerSearchField, FieldFilterOperation, NewCustomer,
};
use partner_center::{Client, Error, ErrorKind, Secret};
use sdk_runtime::time::OffsetDateTime;
use sdk_runtime::time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use super::files::Passwords;
use super::journal::{Event, Journal, Record, RowState, State, Step};
use super::plan::{self, PlannedRow};
use super::progress::Progress;
use crate::exit::CliError;

/// What the import sends for the rows that need it.
pub struct Sender<'a> {
    pub client: &'a Client,
    pub journal: Arc<Mutex<Journal>>,
    pub passwords: Arc<Mutex<Passwords>>,
    /// With `--attest-mca`: the MCA template (from `listAgreementMetadata`).
    pub template_id: Option<String>,
    pub concurrency: usize,
    pub progress: &'a Progress,
}

/// A row that needs work, with what the journal knew of it when the run began (read once, before
/// sending: the journal is not read again while calls are in flight).
pub struct Work<'a> {
    pub row: &'a PlannedRow,
    /// The row's journal key ([`Journal::key`]): every step of the row is journaled under it.
    pub key: String,
    pub state: RowState,
    /// [`Journal::may_have_created`] for the row's domain.
    pub may_have_created: bool,
}

/// How a run went.
#[derive(Debug, Default)]
pub struct Summary {
    /// Rows whose every step was done by this run.
    pub completed: usize,
    pub failed: usize,
    /// Rows not started because of Ctrl-C.
    pub not_started: usize,
    pub interrupted: bool,
}

/// Why a row did not complete: the message shown (no secrets: the client's errors carry none).
struct RowFailed(String);

/// A lock that a panic elsewhere does not make unusable (every write is whole or not at all).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A file write (write + fsync) off the runtime's worker threads, so that many rows in flight
/// do not stall the calls of the others while the disk syncs.
async fn blocking<T: Send + 'static>(
    write: impl FnOnce() -> Result<T, CliError> + Send + 'static,
) -> Result<T, CliError> {
    match tokio::task::spawn_blocking(write).await {
        Ok(result) => result,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(CliError::io(
            "journal",
            std::io::Error::other(format!("a write was cancelled: {e}")),
        )),
    }
}

impl Sender<'_> {
    /// Sends every row that needs it. An error is returned only when the journal or the
    /// passwords file cannot be written (then nothing more is safe to send).
    pub async fn run(&self, rows: Vec<Work<'_>>) -> Result<Summary, CliError> {
        let stop = Arc::new(AtomicBool::new(false));
        let watcher = tokio::spawn(watch_ctrl_c(
            stop.clone(),
            self.journal.clone(),
            self.passwords.clone(),
        ));
        let total = rows.len();
        let started = AtomicUsize::new(0);
        let mut summary = Summary::default();
        let mut outcomes = futures::stream::iter(rows)
            .take_while(|_| std::future::ready(!stop.load(Ordering::SeqCst)))
            .map(|work| {
                started.fetch_add(1, Ordering::SeqCst);
                self.row(work)
            })
            .buffer_unordered(self.concurrency.max(1));
        let mut fatal = None;
        while let Some(outcome) = outcomes.next().await {
            match outcome {
                Ok(Ok(())) => {
                    summary.completed += 1;
                    self.progress.done();
                }
                Ok(Err(RowFailed(message))) => {
                    summary.failed += 1;
                    self.progress.failed(&message);
                }
                Err(e) => {
                    // Stop taking rows; let the ones in flight finish and journal themselves.
                    stop.store(true, Ordering::SeqCst);
                    fatal.get_or_insert(e);
                }
            }
        }
        drop(outcomes);
        watcher.abort();
        if let Some(e) = fatal {
            return Err(e);
        }
        summary.interrupted = stop.load(Ordering::SeqCst);
        summary.not_started = total - started.load(Ordering::SeqCst);
        Ok(summary)
    }

    /// Every step a row still needs. `Err` only for journal/passwords write failures.
    async fn row(&self, work: Work<'_>) -> Result<Result<(), RowFailed>, CliError> {
        let Work {
            row,
            key,
            state,
            may_have_created,
        } = work;
        let customer_id = match state.customer_id.clone() {
            Some(id) if state.create == State::Done => id,
            _ => match self.create(row, &key, may_have_created).await? {
                Ok(id) => id,
                Err(failed) => return Ok(Err(failed)),
            },
        };
        if self.template_id.is_some() && state.agreement != State::Done {
            let replay = (state.agreement == State::InFlight)
                .then(|| (state.date_agreed.clone(), state.template_id.clone()));
            if let Err(failed) = self.attest(row, &key, &customer_id, replay).await? {
                return Ok(Err(failed));
            }
        }
        Ok(Ok(()))
    }

    /// `createCustomer` with the row's request id; the customer's id.
    async fn create(
        &self,
        row: &PlannedRow,
        key: &str,
        may_have_created: bool,
    ) -> Result<Result<String, RowFailed>, CliError> {
        self.record(row, key, Step::Create, Event::Intent, Record::default())
            .await?;
        let answer = self
            .client
            .customers()
            .create(&row.customer)
            .request_id(row.request_id.clone())
            .send()
            .await;
        let error = match answer {
            Ok(customer) => {
                let Some(id) = customer.id.map(|id| id.to_string()) else {
                    // A success without the customer's id: it may well exist (kind decode).
                    let message = "the answer has no customer id".to_string();
                    return self
                        .fail(
                            row,
                            key,
                            Step::Create,
                            Some(ErrorKind::Decode),
                            None,
                            message,
                        )
                        .await;
                };
                let credentials = customer.user_credentials.unwrap_or_default();
                let user_name = credentials.user_name.unwrap_or_default();
                // The password exists only in this answer: keep it before saying "done".
                if let Some(password) = credentials.password.filter(|p| !p.is_empty()) {
                    self.keep_password(row, &id, &user_name, password).await?;
                }
                let done = Record {
                    customer_id: Some(id.clone()),
                    user_name: Some(user_name),
                    ..Default::default()
                };
                self.record(row, key, Step::Create, Event::Done, done)
                    .await?;
                return Ok(Ok(id));
            }
            Err(e) => e,
        };
        // A create sent by an earlier run without a definite answer (in flight when it died, or
        // failed without one) may have made the customer; if the service no longer replays it, it
        // refuses the domain as taken. Then the customer is ours: find it by domain rather than
        // report a failure (its password is not known). After a definite answer (e.g. a 409 for
        // a domain someone else has) the customer is not ours and the conflict stands. A failed
        // lookup leaves the conflict as the row's failure (a rerun tries again).
        if may_have_created
            && error.kind() == ErrorKind::Conflict
            && let Ok(Some(id)) = find_by_domain(self.client, &row.customer).await
        {
            let done = Record {
                customer_id: Some(id.clone()),
                note: Some(
                    "found by domain after a lost answer; its admin password is not known \
                     (reset it in the admin center)"
                        .into(),
                ),
                ..Default::default()
            };
            self.record(row, key, Step::Create, Event::Done, done)
                .await?;
            return Ok(Ok(id));
        }
        let code = code_of(&error);
        self.fail(
            row,
            key,
            Step::Create,
            Some(error.kind()),
            code,
            describe(&error),
        )
        .await
    }

    /// `createAgreement` for the new customer. A replay sends the date and template of the
    /// first try; "already attested" (600061) means an earlier try got through.
    async fn attest(
        &self,
        row: &PlannedRow,
        key: &str,
        customer_id: &str,
        replay: Option<(Option<String>, Option<String>)>,
    ) -> Result<Result<(), RowFailed>, CliError> {
        let (date, template) = replay.unwrap_or_default();
        let date = date.unwrap_or_else(now);
        let template = template
            .or_else(|| self.template_id.clone())
            .unwrap_or_default();
        let intent = Record {
            customer_id: Some(customer_id.to_string()),
            date_agreed: Some(date.clone()),
            template_id: Some(template.clone()),
            ..Default::default()
        };
        self.record(row, key, Step::Agreement, Event::Intent, intent)
            .await?;
        let members = row.agreement.clone().unwrap_or_default();
        let body = serde_json::Value::Object(plan::complete(members, &template, &date));
        let agreement: Agreement = match plan::read_model(&body) {
            Ok(a) => a,
            Err(errors) => {
                let message = errors
                    .iter()
                    .map(|e| format!("agreement.{}: {}", e.path, e.message))
                    .collect::<Vec<_>>()
                    .join("; ");
                return self
                    .fail(row, key, Step::Agreement, None, None, message)
                    .await;
            }
        };
        let Ok(customer) = Uuid::parse_str(customer_id) else {
            let message = format!("customer id `{customer_id}` is not a GUID");
            return self
                .fail(row, key, Step::Agreement, None, None, message)
                .await;
        };
        let answer = self
            .client
            .agreements()
            .create(customer, &agreement)
            .request_id(plan::agreement_request_id(key))
            .send()
            .await;
        match answer {
            Ok(_) => {}
            Err(e) if code_of(&e).as_deref() == Some(ALREADY_ATTESTED) => {
                let done = Record {
                    note: Some("already attested with this contact".into()),
                    ..Default::default()
                };
                self.record(row, key, Step::Agreement, Event::Done, done)
                    .await?;
                return Ok(Ok(()));
            }
            Err(e) => {
                let code = code_of(&e);
                return self
                    .fail(
                        row,
                        key,
                        Step::Agreement,
                        Some(e.kind()),
                        code,
                        describe(&e),
                    )
                    .await;
            }
        }
        self.record(row, key, Step::Agreement, Event::Done, Record::default())
            .await?;
        Ok(Ok(()))
    }

    async fn keep_password(
        &self,
        row: &PlannedRow,
        customer_id: &str,
        user_name: &str,
        password: Secret,
    ) -> Result<(), CliError> {
        let passwords = self.passwords.clone();
        let (number, customer_id) = (row.number, customer_id.to_string());
        let (domain, user_name) = (row.domain.clone(), user_name.to_string());
        blocking(move || {
            lock(&passwords).append(number, &customer_id, &domain, &user_name, &password)
        })
        .await
    }

    async fn record(
        &self,
        row: &PlannedRow,
        key: &str,
        step: Step,
        event: Event,
        extra: Record,
    ) -> Result<(), CliError> {
        let record = Record {
            event: Some(event),
            step: Some(step),
            row: row.number,
            request_id: key.to_string(),
            domain: row.domain.clone(),
            ..extra
        };
        let journal = self.journal.clone();
        blocking(move || lock(&journal).record(record)).await
    }

    async fn fail<T>(
        &self,
        row: &PlannedRow,
        key: &str,
        step: Step,
        kind: Option<ErrorKind>,
        code: Option<String>,
        message: String,
    ) -> Result<Result<T, RowFailed>, CliError> {
        let failed = Record {
            kind: kind.map(|k| k.as_str().to_string()),
            code,
            message: Some(message.clone()),
            ..Default::default()
        };
        self.record(row, key, step, Event::Failed, failed).await?;
        let what = match step {
            Step::Create => "create",
            Step::Agreement => "MCA attestation",
        };
        Ok(Err(RowFailed(format!(
            "row {} (line {}, {}): {what} failed: {message}",
            row.number, row.line, row.domain
        ))))
    }
}

/// Partner Center's code for "a partner confirmed agreement already exists".
const ALREADY_ATTESTED: &str = "600061";

fn code_of(error: &Error) -> Option<String> {
    match error {
        Error::Api(api) => api.code.clone(),
        _ => None,
    }
}

/// The error on one line (the client's text already carries the request id).
fn describe(error: &Error) -> String {
    let text = error.to_string();
    text.lines().map(str::trim).collect::<Vec<_>>().join("; ")
}

/// The customer with this domain among the partner's customers (`listCustomers` filtered by
/// domain; the filter matches prefixes, so the match is checked exactly).
async fn find_by_domain(client: &Client, customer: &NewCustomer) -> Result<Option<String>, Error> {
    let domain = customer.company_profile.domain.trim();
    let filter = CustomerFilter {
        field: CustomerSearchField::Domain,
        value: domain.to_string(),
        operator: FieldFilterOperation::StartsWith,
    };
    let mut found = client.customers().list().filter(filter).stream();
    while let Some(c) = found.next().await {
        let c = c?;
        let same = c
            .company_profile
            .as_ref()
            .is_some_and(|p| p.domain.eq_ignore_ascii_case(domain));
        if same && let Some(id) = c.id {
            return Ok(Some(id.to_string()));
        }
    }
    Ok(None)
}

/// The attestation's date when the row gives none: now, a minute back, so that a clock a
/// little ahead of the service's does not make it a date "in the future" (refused).
fn now() -> String {
    (OffsetDateTime::now_utc() - sdk_runtime::time::Duration::minutes(1))
        .replace_nanosecond(0)
        .unwrap_or_else(|_| OffsetDateTime::now_utc())
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// First Ctrl-C: no new rows. Second: quit now, once the journal and passwords writes under way
/// are complete (their locks taken and kept until the exit): what was in flight stays journaled
/// as such, and no record or password is left half-written.
async fn watch_ctrl_c(
    stop: Arc<AtomicBool>,
    journal: Arc<Mutex<Journal>>,
    passwords: Arc<Mutex<Passwords>>,
) {
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    stop.store(true, Ordering::SeqCst);
    eprintln!(
        "\nstopping: no new rows; waiting for the calls in flight (Ctrl-C again to quit now; \
         a rerun of the same command resumes either way)"
    );
    if tokio::signal::ctrl_c().await.is_ok() {
        let _ = tokio::task::spawn_blocking(move || {
            let _journal = lock(&journal);
            let _passwords = lock(&passwords);
            eprintln!("quit: rows in flight are journaled and will be replayed by a rerun");
            std::process::exit(i32::from(crate::exit::INTERRUPTED));
        })
        .await;
    }
}
