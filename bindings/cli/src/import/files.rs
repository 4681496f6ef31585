//! The files an import leaves beside its input: the results (row, customer id, domain, admin
//! user name — rewritten whole at the end of every run, from the journal, so it is complete after
//! reruns) and the admin passwords, which only the owner may read. Passwords exist only in the
//! create's answer: each is appended and synced the moment it arrives, before the journal says
//! the row is done, so a crash cannot lose one.
//!
//! Names: every file is named from the FULL results file name, and the default results from the
//! full input file name, so two inputs (`customers.csv`, `customers.jsonl`) or two results
//! (`out`, `out.csv`) never share a journal or a passwords file.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use partner_center::Secret;

use crate::atomic::{self, Access};
use crate::exit::CliError;

/// `customers.csv` → `customers.csv.results.csv` beside it.
pub fn default_results(input: &Path) -> PathBuf {
    with_suffix(input, ".results.csv")
}

/// `out.csv` → `out.csv.journal`.
pub fn journal_path(results: &Path) -> PathBuf {
    with_suffix(results, ".journal")
}

/// `out.csv` → `out.csv.passwords.csv`.
pub fn passwords_path(results: &Path) -> PathBuf {
    with_suffix(results, ".passwords.csv")
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Refuses a `--results` that would make the import write over its own input (the results, the
/// journal or the passwords file being the input file).
pub fn check_results(input: &Path, results: &Path) -> Result<(), CliError> {
    let input_at = resolved(input);
    for (what, path) in [
        ("the results", results.to_path_buf()),
        ("the journal", journal_path(results)),
        ("the passwords file", passwords_path(results)),
    ] {
        if resolved(&path) == input_at {
            return Err(CliError::Usage(format!(
                "--results {}: {what} would be written over the input file {}; name another file",
                results.display(),
                input.display()
            )));
        }
    }
    Ok(())
}

/// The path with its directory resolved (the file itself need not exist yet).
fn resolved(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    match (std::fs::canonicalize(dir), path.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}

/// One line of the results file.
pub struct ResultRow {
    pub row: usize,
    pub customer_id: String,
    pub domain: String,
    pub user_name: String,
    /// `Some` with `--attest-mca`: whether the attestation is done.
    pub attested: Option<bool>,
}

/// Writes the results whole (a temporary file renamed over the old one: never half a file).
pub fn write_results(path: &Path, rows: &[ResultRow]) -> Result<(), CliError> {
    let attest = rows.iter().any(|r| r.attested.is_some());
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["row", "customerId", "domain", "adminUserName"];
    if attest {
        header.push("mcaAttested");
    }
    let written = out.write_record(&header).and_then(|()| {
        rows.iter().try_for_each(|r| {
            let mut record = vec![
                r.row.to_string(),
                r.customer_id.clone(),
                r.domain.clone(),
                r.user_name.clone(),
            ];
            if attest {
                record.push(
                    if r.attested == Some(true) {
                        "yes"
                    } else {
                        "no"
                    }
                    .into(),
                );
            }
            out.write_record(&record)
        })
    });
    let bytes = written
        .map_err(|e| std::io::Error::other(e.to_string()))
        .and_then(|()| {
            out.into_inner()
                .map_err(|e| std::io::Error::other(e.to_string()))
        })
        .map_err(|e| CliError::io(path, e))?;
    atomic::replace(path, &bytes, Access::Default).map_err(|e| CliError::io(path, e))
}

/// The domains of the customers a results or passwords file lists (column `domain`, lowercased).
/// Best effort: a file that is missing or does not read lists none. These customers were made
/// by an import even when the journal that says so is gone (moved aside, as its damage message
/// suggests), so a "domain taken" for one of them is looked up rather than failed.
pub fn listed_domains(files: &[&Path]) -> HashSet<String> {
    let mut domains = HashSet::new();
    for path in files {
        let Ok(mut reader) = csv::ReaderBuilder::new().flexible(true).from_path(path) else {
            continue;
        };
        let Some(column) = reader
            .headers()
            .ok()
            .and_then(|h| h.iter().position(|name| name == "domain"))
        else {
            continue;
        };
        for record in reader.records().map_while(Result::ok) {
            if let Some(domain) = record.get(column).filter(|d| !d.is_empty()) {
                domains.insert(domain.to_lowercase());
            }
        }
    }
    domains
}

/// The passwords file: `row,customerId,domain,adminUserName,password`, owner-only.
pub struct Passwords {
    path: PathBuf,
    /// Open (and locked) for the whole run.
    file: File,
}

const PASSWORDS_HEADER: &str = "row,customerId,domain,adminUserName,password\n";
const FIELDS: usize = 5;

impl Passwords {
    /// Opens it for appending, created owner-only, and locks it for the run. An existing file
    /// that others may read is made owner-only again (with a warning: what it held may have been
    /// read); a symbolic link is refused (it could point anywhere). A line cut by a kill in the
    /// middle of a write is cut off (its row was not journaled as done: a rerun replays it and
    /// gets the password again), and copies a killed run left half-written are removed.
    pub fn open(path: &Path) -> Result<Passwords, CliError> {
        let mut file = atomic::open_append(path, Access::OwnerOnly).map_err(|e| {
            if is_link_refusal(&e) {
                not_plain(path)
            } else {
                CliError::io(path, e)
            }
        })?;
        let meta = file.metadata().map_err(|e| CliError::io(path, e))?;
        if !meta.is_file() {
            return Err(not_plain(path));
        }
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(CliError::Usage(format!(
                    "{}: another import is using this passwords file; let it finish first",
                    path.display()
                )));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(CliError::io(path, e)),
        }
        repair_mode(path, &file, &meta)?;
        remove_stale_copies(path);

        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(|e| CliError::io(path, e))?;
        let kept = complete_lines(&bytes);
        if kept < bytes.len() {
            eprintln!(
                "warning: {}: the last line was cut short (a run stopped mid-write); it is \
                 dropped and its row will be sent again",
                path.display()
            );
            file.set_len(kept as u64)
                .and_then(|()| file.sync_data())
                .map_err(|e| CliError::io(path, e))?;
        }
        let mut passwords = Passwords {
            path: path.to_path_buf(),
            file,
        };
        if kept == 0 {
            passwords.append_raw(PASSWORDS_HEADER.as_bytes())?;
        }
        Ok(passwords)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one password and syncs it.
    pub fn append(
        &mut self,
        row: usize,
        customer_id: &str,
        domain: &str,
        user_name: &str,
        password: &Secret,
    ) -> Result<(), CliError> {
        let mut out = csv::Writer::from_writer(Vec::new());
        let row = row.to_string();
        out.write_record([
            row.as_str(),
            customer_id,
            domain,
            user_name,
            password.expose(),
        ])
        .map_err(|e| CliError::io(&self.path, std::io::Error::other(e.to_string())))?;
        let bytes = out
            .into_inner()
            .map_err(|e| CliError::io(&self.path, std::io::Error::other(e.to_string())))?;
        self.append_raw(&bytes)
    }

    fn append_raw(&mut self, bytes: &[u8]) -> Result<(), CliError> {
        use std::io::Write;
        self.file
            .write_all(bytes)
            .and_then(|()| self.file.sync_data())
            .map_err(|e| CliError::io(&self.path, e))
    }

    /// Rewrites the file with one line per customer — the LAST one written for it (a replayed
    /// create appends its password again; the last is the newest) — ordered by the current file's
    /// rows (`row_of`: customer id → row; customers no row of this file names go last). A line
    /// that does not read, or lacks a field, is left out with a warning naming its line (never
    /// its content: it may hold a password).
    pub fn tidy(&self, row_of: &HashMap<String, usize>) -> Result<(), CliError> {
        let text = std::fs::read(&self.path).map_err(|e| CliError::io(&self.path, e))?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(text.as_slice());
        // Customer id → (row, the order it came in, the record).
        let mut by_customer: HashMap<String, (usize, usize, csv::StringRecord)> = HashMap::new();
        for (order, record) in reader.records().enumerate() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    self.warn_line(e.position().map(csv::Position::line), "does not read");
                    continue;
                }
            };
            let line = record.position().map(csv::Position::line);
            let customer = record.get(1).unwrap_or_default().trim().to_string();
            let complete = record.len() == FIELDS
                && !customer.is_empty()
                && record.get(FIELDS - 1).is_some_and(|p| !p.is_empty());
            if !complete {
                self.warn_line(line, "lacks a field");
                continue;
            }
            let row = row_of.get(&customer).copied();
            let mut fields: Vec<String> = record.iter().map(str::to_string).collect();
            if let Some(row) = row {
                fields[0] = row.to_string();
            }
            let order_row = row.unwrap_or(usize::MAX);
            by_customer.insert(
                customer,
                (order_row, order, csv::StringRecord::from(fields)),
            );
        }
        let mut kept: Vec<(usize, usize, csv::StringRecord)> = by_customer.into_values().collect();
        kept.sort_by_key(|(row, order, _)| (*row, *order));
        let mut out = csv::Writer::from_writer(PASSWORDS_HEADER.as_bytes().to_vec());
        for (_, _, record) in &kept {
            out.write_record(record)
                .map_err(|e| CliError::io(&self.path, std::io::Error::other(e.to_string())))?;
        }
        let bytes = out
            .into_inner()
            .map_err(|e| CliError::io(&self.path, std::io::Error::other(e.to_string())))?;
        atomic::replace(&self.path, &bytes, Access::OwnerOnly)
            .map_err(|e| CliError::io(&self.path, e))
    }

    fn warn_line(&self, line: Option<u64>, what: &str) {
        let at = line.map_or_else(String::new, |l| format!(" line {l}"));
        eprintln!("warning: {}{at}: left out, it {what}", self.path.display());
    }
}

/// How many leading bytes end in a newline (what a cut last line leaves out).
fn complete_lines(bytes: &[u8]) -> usize {
    bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1)
}

fn not_plain(path: &Path) -> CliError {
    CliError::Usage(format!(
        "{}: the passwords file must be a plain file, not a link or a directory",
        path.display()
    ))
}

/// `O_NOFOLLOW` on a symbolic link fails with `ELOOP`.
fn is_link_refusal(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        e.raw_os_error() == Some(libc::ELOOP)
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// Removes `<passwords>.tmp*` beside it: copies of a run killed while it rewrote the file (the
/// journal's lock, taken first, says no other import is writing them).
fn remove_stale_copies(path: &Path) {
    let (Some(name), Some(dir)) = (path.file_name(), path.parent()) else {
        return;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let mut prefix = name.to_owned();
    prefix.push(".tmp");
    let prefix = prefix.to_string_lossy().into_owned();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Made owner-only through the open file (no second lookup of the path to race with).
#[cfg(unix)]
fn repair_mode(path: &Path, file: &File, meta: &std::fs::Metadata) -> Result<(), CliError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        eprintln!(
            "warning: {} was readable by others (mode {mode:o}); it is owner-only again, but \
             the passwords in it may have been read",
            path.display()
        );
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| CliError::io(path, e))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn repair_mode(_path: &Path, _file: &File, _meta: &std::fs::Metadata) -> Result<(), CliError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("pc-files-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn names_come_from_the_full_file_names_and_never_collide() {
        let a = default_results(Path::new("d/customers.csv"));
        let b = default_results(Path::new("d/customers.jsonl"));
        assert_eq!(a, Path::new("d/customers.csv.results.csv"));
        assert_ne!(a, b);
        assert_ne!(journal_path(&a), journal_path(&b));
        assert_ne!(passwords_path(&a), passwords_path(&b));
        assert_ne!(
            passwords_path(Path::new("out")),
            passwords_path(Path::new("out.csv"))
        );
        assert_eq!(
            passwords_path(Path::new("out.csv")),
            Path::new("out.csv.passwords.csv")
        );
    }

    #[test]
    fn results_naming_the_input_are_refused() {
        let d = dir("same");
        let input = d.join("customers.csv");
        std::fs::write(&input, "x\n").unwrap();
        assert!(check_results(&input, &input).is_err());
        let dotted = d.join(".").join("customers.csv");
        assert!(check_results(&input, &dotted).is_err());
        let journal_over = d.join("customers");
        std::fs::write(d.join("customers.journal"), "").unwrap();
        let input2 = d.join("customers.journal");
        assert!(check_results(&input2, &journal_over).is_err());
        assert!(check_results(&input, &default_results(&input)).is_ok());
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn a_cut_last_line_is_dropped_and_the_last_complete_record_wins() {
        let d = dir("cut");
        let path = d.join("p.csv");
        {
            let mut p = Passwords::open(&path).unwrap();
            p.append(1, "c1", "a.example", "admin@a", &Secret::new("first-pw"))
                .unwrap();
            p.append(1, "c1", "a.example", "admin@a", &Secret::new("newest-pw"))
                .unwrap();
        }
        // A kill mid-write, in the middle of a multi-byte character.
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice("1,c1,a.example,admin@a,cut-pw\u{e9}".as_bytes());
        bytes.pop();
        std::fs::write(&path, &bytes).unwrap();
        std::fs::write(with_suffix(&path, ".tmp4242"), "stale").unwrap();

        let p = Passwords::open(&path).unwrap();
        assert!(std::fs::read(&path).unwrap().ends_with(b"newest-pw\n"));
        assert!(
            !with_suffix(&path, ".tmp4242").exists(),
            "stale copy removed"
        );
        p.tidy(&HashMap::from([("c1".to_string(), 7)])).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            format!("{PASSWORDS_HEADER}7,c1,a.example,admin@a,newest-pw\n")
        );
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn tidy_leaves_out_records_without_every_field() {
        let d = dir("tidy");
        let path = d.join("p.csv");
        let p = Passwords::open(&path).unwrap();
        std::fs::write(
            &path,
            format!(
                "{PASSWORDS_HEADER}2,c2,b.example,admin@b,pw-b\n1,c1,a.example\n\
                 1,c1,a.example,admin@a,pw-a\n3,c3,c.example,admin@c,\n"
            ),
        )
        .unwrap();
        p.tidy(&HashMap::from([
            ("c1".to_string(), 1),
            ("c2".to_string(), 2),
        ]))
        .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            format!("{PASSWORDS_HEADER}1,c1,a.example,admin@a,pw-a\n2,c2,b.example,admin@b,pw-b\n")
        );
        let _ = std::fs::remove_dir_all(&d);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_refused_and_a_second_opener_is_refused() {
        let d = dir("link");
        let target = d.join("elsewhere");
        std::fs::write(&target, "").unwrap();
        let link = d.join("p.csv");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let err = Passwords::open(&link).err().expect("a link is refused");
        assert!(matches!(err, CliError::Usage(_)), "{err}");
        let path = d.join("q.csv");
        let _held = Passwords::open(&path).unwrap();
        let err = Passwords::open(&path).err().expect("locked");
        assert!(err.to_string().contains("another import"), "{err}");
        let _ = std::fs::remove_dir_all(&d);
    }
}
