//! The journal: what the import did, one JSON line per step, written and fsync'd before the next
//! step starts, so that after a crash, a Ctrl-C or a kill the next run knows each row's state.
//! `intent` is written before a call is sent, `done` or `failed` after its answer; a row whose
//! last record is an `intent` was in flight and is replayed with the same request id. Rows are
//! keyed by the create's request id (a digest of the row), and by domain for rows that are done
//! (a row edited after its customer was made is not made again). No secrets are written here.

use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::exit::CliError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Event {
    Intent,
    Done,
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Step {
    /// `createCustomer`.
    Create,
    /// `createAgreement` (`--attest-mca`).
    Agreement,
}

/// One line of the journal.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    pub event: Option<Event>,
    pub step: Option<Step>,
    /// The row's number in the file of the run that wrote it (for people reading the journal).
    pub row: usize,
    /// The create's request id: the row's key.
    pub request_id: String,
    pub domain: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    /// Attestation intents: the date and template sent, so a replay sends the same body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_agreed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_id: Option<String>,
    /// Failures: Partner Center's code (or the error kind) and the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// How a `done` was established when it was not the call's own answer (e.g. found by domain).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Where a step of a row stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum State {
    #[default]
    New,
    InFlight,
    Done,
    Failed,
}

/// What the journal knows about one row.
#[derive(Debug, Clone, Default)]
pub struct RowState {
    pub create: State,
    pub agreement: State,
    pub customer_id: Option<String>,
    pub user_name: Option<String>,
    /// Of the last attestation intent.
    pub date_agreed: Option<String>,
    pub template_id: Option<String>,
    pub note: Option<String>,
}

pub struct Journal {
    path: PathBuf,
    file: File,
    rows: HashMap<String, RowState>,
    /// Lower-case domain → request id of the row that made its customer.
    done_domains: HashMap<String, String>,
    /// Lower-case domains a create was sent for, under any request id.
    sent_domains: HashSet<String>,
}

impl Journal {
    /// Opens (or creates) the journal and reads what earlier runs recorded. A line that does not
    /// read — the last one, cut by a kill mid-write — is skipped with a warning.
    pub fn open(path: &Path) -> Result<Journal, CliError> {
        let mut file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(path)
            .map_err(|e| CliError::io(path, e))?;
        // Two imports writing one journal would each replay the other's rows in flight.
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(CliError::Usage(format!(
                    "{}: another import is using this journal; let it finish first",
                    path.display()
                )));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(CliError::io(path, e)),
        }
        let mut text = String::new();
        file.read_to_string(&mut text)
            .map_err(|e| CliError::io(path, e))?;
        let mut journal = Journal {
            path: path.to_path_buf(),
            file,
            rows: HashMap::new(),
            done_domains: HashMap::new(),
            sent_domains: HashSet::new(),
        };
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Record>(line) {
                Ok(record) => journal.apply(&record),
                Err(e) => eprintln!(
                    "warning: {} line {}: skipped, it does not read ({e})",
                    path.display(),
                    i + 1
                ),
            }
        }
        // A record cut short by a kill has no newline: end it, so the next one starts a line.
        if !text.is_empty() && !text.ends_with('\n') {
            journal.write_line(b"\n")?;
        }
        Ok(journal)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What is known of the row with this request id; a row not seen under its id but whose
    /// domain a done row made counts as done (it was edited after its customer was made).
    pub fn state(&self, request_id: &str, domain: &str) -> RowState {
        if let Some(state) = self.rows.get(request_id) {
            return state.clone();
        }
        self.done_domains
            .get(&domain.to_lowercase())
            .and_then(|id| self.rows.get(id))
            .cloned()
            .unwrap_or_default()
    }

    /// Whether a create for this row was ever sent: under its request id, or for its domain
    /// under another one (the row was edited after a try whose answer was lost).
    pub fn was_sent(&self, request_id: &str, domain: &str) -> bool {
        self.rows
            .get(request_id)
            .is_some_and(|s| s.create != State::New)
            || self.sent_domains.contains(&domain.to_lowercase())
    }

    /// Append a record and make it durable before returning.
    pub fn record(&mut self, record: Record) -> Result<(), CliError> {
        let mut line = serde_json::to_vec(&record).unwrap_or_default();
        line.push(b'\n');
        self.write_line(&line)?;
        self.apply(&record);
        Ok(())
    }

    fn write_line(&mut self, bytes: &[u8]) -> Result<(), CliError> {
        self.file
            .write_all(bytes)
            .and_then(|()| self.file.sync_data())
            .map_err(|e| CliError::io(&self.path, e))
    }

    fn apply(&mut self, record: &Record) {
        let (Some(event), Some(step)) = (record.event, record.step) else {
            return;
        };
        let state = self.rows.entry(record.request_id.clone()).or_default();
        let new = match event {
            Event::Intent => State::InFlight,
            Event::Done => State::Done,
            Event::Failed => State::Failed,
        };
        match step {
            Step::Create => state.create = new,
            Step::Agreement => {
                state.agreement = new;
                if event == Event::Intent {
                    state.date_agreed.clone_from(&record.date_agreed);
                    state.template_id.clone_from(&record.template_id);
                }
            }
        }
        if record.customer_id.is_some() {
            state.customer_id.clone_from(&record.customer_id);
        }
        if record.user_name.is_some() {
            state.user_name.clone_from(&record.user_name);
        }
        if record.note.is_some() {
            state.note.clone_from(&record.note);
        }
        if step == Step::Create {
            self.sent_domains.insert(record.domain.to_lowercase());
        }
        if step == Step::Create && event == Event::Done {
            self.done_domains
                .insert(record.domain.to_lowercase(), record.request_id.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(event: Event, step: Step, id: &str) -> Record {
        Record {
            event: Some(event),
            step: Some(step),
            row: 1,
            request_id: id.into(),
            domain: "A.example".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_reopened_journal_knows_each_rows_last_step_even_after_a_cut_line() {
        let dir = std::env::temp_dir().join(format!("pc-journal-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("j");
        let _ = std::fs::remove_file(&path);
        let mut j = Journal::open(&path).unwrap();
        j.record(record(Event::Intent, Step::Create, "r1")).unwrap();
        j.record(Record {
            customer_id: Some("c1".into()),
            ..record(Event::Done, Step::Create, "r1")
        })
        .unwrap();
        j.record(record(Event::Intent, Step::Create, "r2")).unwrap();
        drop(j);
        // A kill in the middle of a write.
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"event\":\"done\",\"st").unwrap();
        drop(f);

        let mut j = Journal::open(&path).unwrap();
        assert_eq!(j.state("r1", "x").create, State::Done);
        assert_eq!(j.state("r1", "x").customer_id.as_deref(), Some("c1"));
        assert_eq!(j.state("r2", "x").create, State::InFlight);
        assert_eq!(j.state("r3", "a.EXAMPLE").create, State::Done, "by domain");
        assert!(j.was_sent("r3", "a.example"), "by domain");
        assert!(!j.was_sent("r3", "b.example"));
        j.record(record(Event::Failed, Step::Create, "r2")).unwrap();
        drop(j);
        let j = Journal::open(&path).unwrap();
        assert_eq!(j.state("r2", "x").create, State::Failed);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
