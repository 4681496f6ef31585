//! The journal: what the import did, one JSON line per step, written and fsync'd before the next
//! step starts, so that after a crash, a Ctrl-C or a kill the next run knows each row's state.
//! `intent` is written before a call is sent, `done` or `failed` after its answer; a row whose
//! last record is an `intent` was in flight and is replayed with the same request id. Rows are
//! keyed by the request id of the create that made their customer: a row's own (a digest of the
//! row) or, for a row edited after its customer was made, the one its domain was made under; every
//! later step (the attestation) is journaled under that same key. Failures record their kind, so
//! a later run knows whether the create may have taken effect all the same. No secrets are
//! written here.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use partner_center::ErrorKind;
use serde::{Deserialize, Serialize};

use crate::atomic::{self, Access};
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
    /// The row's key: the request id of the create that made (or is making) its customer.
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
    /// Failures: the error's kind (`ErrorKind::as_str`: `conflict`, `transport`, …), which says
    /// whether the call may have taken effect all the same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Failures: Partner Center's code, and the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// How a `done` was established when it was not the call's own answer (e.g. found by domain).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Whether a call that failed this way may have taken effect anyway: no answer (transport,
/// timeout), an answer that says nothing of what happened (5xx, 429 from a gateway), or a
/// success that could not be read (decode).
pub fn outcome_unknown(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::Transport
            | ErrorKind::Timeout
            | ErrorKind::Server
            | ErrorKind::Throttled
            | ErrorKind::Decode
    )
}

fn kind_unknown(kind: &str) -> bool {
    ErrorKind::ALL
        .iter()
        .any(|k| k.as_str() == kind && outcome_unknown(*k))
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
    /// Creates whose intent has no answer yet: request id → lower-case domain.
    pending: HashMap<String, String>,
    /// Lower-case domains a create was sent for whose outcome is unknown (in flight when a run
    /// died, or failed without a definite answer): the customer may exist, made by the import.
    uncertain: HashSet<String>,
}

impl Journal {
    /// Opens (or creates) the journal, locks it for the run and reads what earlier runs
    /// recorded. A last line cut by a kill mid-write (no newline, or not a record) is dropped
    /// from the file with a warning; a damaged line before the last is an error naming it.
    pub fn open(path: &Path) -> Result<Journal, CliError> {
        let mut file =
            atomic::open_append(path, Access::Default).map_err(|e| CliError::io(path, e))?;
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
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(|e| CliError::io(path, e))?;
        let mut journal = Journal {
            path: path.to_path_buf(),
            file,
            rows: HashMap::new(),
            done_domains: HashMap::new(),
            pending: HashMap::new(),
            uncertain: HashSet::new(),
        };
        // Up to the end of the last line that reads (a cut last line has no newline).
        let complete = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let mut keep = complete;
        let mut lines: Vec<(usize, &[u8])> = Vec::new();
        let mut start = 0;
        for line in bytes[..complete].split(|b| *b == b'\n') {
            lines.push((start, line));
            start += line.len() + 1;
        }
        let last = lines.iter().rposition(|(_, l)| !l.trim_ascii().is_empty());
        for (i, (start, line)) in lines.iter().enumerate() {
            if line.trim_ascii().is_empty() {
                continue;
            }
            match serde_json::from_slice::<Record>(line) {
                Ok(record) => journal.apply(&record),
                Err(_) if Some(i) == last => keep = *start,
                Err(e) => {
                    return Err(CliError::Usage(format!(
                        "{}: line {}: the journal is damaged ({e}); repair that line, or move \
                         the journal aside to start again (a rerun without it replays each \
                         create, and finds by domain the customers the results list: no \
                         customer is made twice)",
                        path.display(),
                        i + 1
                    )));
                }
            }
        }
        if keep < bytes.len() {
            eprintln!(
                "warning: {}: the last record was cut short (a run stopped mid-write); it is \
                 dropped, and its step counts as not finished",
                path.display()
            );
            journal
                .file
                .set_len(keep as u64)
                .and_then(|()| journal.file.sync_data())
                .map_err(|e| CliError::io(path, e))?;
        }
        let in_flight = journal.pending.values().cloned().collect::<Vec<_>>();
        journal.uncertain.extend(in_flight);
        Ok(journal)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The row's key: its own request id, unless the customer of its domain was made under
    /// another one (the row was edited after its customer was made): then that one, so every
    /// later step of the row is journaled where its create is.
    pub fn key(&self, request_id: &str, domain: &str) -> String {
        let own_done = self
            .rows
            .get(request_id)
            .is_some_and(|s| s.create == State::Done);
        if own_done {
            return request_id.to_string();
        }
        self.done_domains
            .get(&domain.to_lowercase())
            .cloned()
            .unwrap_or_else(|| request_id.to_string())
    }

    /// What is known of the row with this key (see [`Journal::key`]).
    pub fn state(&self, key: &str) -> RowState {
        self.rows.get(key).cloned().unwrap_or_default()
    }

    /// Whether a create for this domain was sent, under any request id, without a definite
    /// answer: only then may a "domain taken" mean that the import itself made the customer.
    pub fn may_have_created(&self, domain: &str) -> bool {
        self.uncertain.contains(&domain.to_lowercase())
    }

    /// Append a record and make it durable before returning.
    pub fn record(&mut self, record: Record) -> Result<(), CliError> {
        let mut line = serde_json::to_vec(&record).expect("a journal record is plain JSON");
        line.push(b'\n');
        self.file
            .write_all(&line)
            .and_then(|()| self.file.sync_data())
            .map_err(|e| CliError::io(&self.path, e))?;
        self.apply(&record);
        Ok(())
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
        if step != Step::Create {
            return;
        }
        let domain = record.domain.to_lowercase();
        match event {
            Event::Intent => {
                self.pending.insert(record.request_id.clone(), domain);
            }
            Event::Done => {
                self.pending.remove(&record.request_id);
                self.done_domains.insert(domain, record.request_id.clone());
            }
            Event::Failed => {
                self.pending.remove(&record.request_id);
                if record.kind.as_deref().is_some_and(kind_unknown) {
                    self.uncertain.insert(domain);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::OpenOptions;

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

    fn failed(id: &str, kind: ErrorKind) -> Record {
        Record {
            kind: Some(kind.as_str().into()),
            ..record(Event::Failed, Step::Create, id)
        }
    }

    fn fresh(name: &str) -> (PathBuf, PathBuf) {
        let dir = std::env::temp_dir().join(format!("pc-journal-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("j");
        (dir, path)
    }

    fn append(path: &Path, bytes: &[u8]) {
        let mut f = OpenOptions::new().append(true).open(path).unwrap();
        f.write_all(bytes).unwrap();
    }

    #[test]
    fn a_reopened_journal_knows_each_rows_last_step_even_after_a_cut_line() {
        let (dir, path) = fresh("cut");
        let mut j = Journal::open(&path).unwrap();
        j.record(record(Event::Intent, Step::Create, "r1")).unwrap();
        j.record(Record {
            customer_id: Some("c1".into()),
            ..record(Event::Done, Step::Create, "r1")
        })
        .unwrap();
        j.record(record(Event::Intent, Step::Create, "r2")).unwrap();
        drop(j);
        // A kill in the middle of a write, in the middle of a multi-byte character.
        let cut = "{\"event\":\"done\",\"domain\":\"\u{e9}".as_bytes();
        append(&path, &cut[..cut.len() - 1]);

        let mut j = Journal::open(&path).unwrap();
        assert_eq!(j.state("r1").create, State::Done);
        assert_eq!(j.state("r1").customer_id.as_deref(), Some("c1"));
        assert_eq!(j.state("r2").create, State::InFlight);
        assert_eq!(j.key("r3", "a.EXAMPLE"), "r1", "an edited row: by domain");
        assert_eq!(j.key("r3", "b.example"), "r3");
        j.record(failed("r2", ErrorKind::Conflict)).unwrap();
        drop(j);
        // The cut record was dropped from the file: the next record starts its own line.
        let j = Journal::open(&path).unwrap();
        assert_eq!(j.state("r2").create, State::Failed);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_damaged_last_line_is_dropped_but_one_in_the_middle_is_an_error_naming_it() {
        let (dir, path) = fresh("damaged");
        let mut j = Journal::open(&path).unwrap();
        j.record(record(Event::Intent, Step::Create, "r1")).unwrap();
        drop(j);
        append(&path, b"not a record\n");
        let mut j = Journal::open(&path).expect("a bad last line is dropped");
        j.record(record(Event::Done, Step::Create, "r1")).unwrap();
        drop(j);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("not a record"), "{text}");

        let mut lines: Vec<&str> = text.lines().collect();
        lines.insert(1, "{\"event\": ");
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        let err = Journal::open(&path).err().expect("a damaged middle line");
        assert!(err.to_string().contains(": line 2: "), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn only_a_create_without_a_definite_answer_may_have_made_the_customer() {
        let (dir, path) = fresh("uncertain");
        let mut j = Journal::open(&path).unwrap();
        // A definite refusal (the domain belonged to someone else): not ours.
        j.record(record(Event::Intent, Step::Create, "r1")).unwrap();
        j.record(failed("r1", ErrorKind::Conflict)).unwrap();
        assert!(!j.may_have_created("a.example"));
        drop(j);
        let j = Journal::open(&path).unwrap();
        assert!(!j.may_have_created("a.example"), "after a reopen too");
        drop(j);
        for (kind, unknown) in [
            (ErrorKind::Transport, true),
            (ErrorKind::Timeout, true),
            (ErrorKind::Server, true),
            (ErrorKind::Throttled, true),
            (ErrorKind::BadRequest, false),
        ] {
            std::fs::remove_file(&path).unwrap();
            let mut j = Journal::open(&path).unwrap();
            j.record(record(Event::Intent, Step::Create, "r1")).unwrap();
            j.record(failed("r1", kind)).unwrap();
            // A later definite answer does not undo it: that create may have got through.
            j.record(failed("r1", ErrorKind::Conflict)).unwrap();
            drop(j);
            let j = Journal::open(&path).unwrap();
            assert_eq!(j.may_have_created("A.EXAMPLE"), unknown, "{kind:?}");
        }
        // In flight when the run died.
        std::fs::remove_file(&path).unwrap();
        let mut j = Journal::open(&path).unwrap();
        j.record(record(Event::Intent, Step::Create, "r1")).unwrap();
        drop(j);
        assert!(Journal::open(&path).unwrap().may_have_created("a.example"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_second_import_cannot_open_a_journal_in_use() {
        let (dir, path) = fresh("lock");
        let _held = Journal::open(&path).unwrap();
        let err = Journal::open(&path).err().expect("locked");
        assert!(err.to_string().contains("another import"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
