//! The files an import leaves beside its input: the results (row, customer id, domain, admin
//! user name — rewritten whole at the end of every run, from the journal, so it is complete after
//! reruns) and the admin passwords, which only the owner may read. Passwords exist only in the
//! create's answer: each is appended and synced the moment it arrives, before the journal says
//! the row is done, so a crash cannot lose one.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use partner_center::Secret;

use crate::exit::CliError;

/// `customers.csv` → `customers.results.csv` beside it.
pub fn default_results(input: &Path) -> PathBuf {
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "import".into());
    input.with_file_name(format!("{stem}.results.csv"))
}

/// `results.csv` → `results.csv.journal`.
pub fn journal_path(results: &Path) -> PathBuf {
    let mut name = results.as_os_str().to_owned();
    name.push(".journal");
    PathBuf::from(name)
}

/// `results.csv` → `results.passwords.csv`.
pub fn passwords_path(results: &Path) -> PathBuf {
    let stem = results
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "import".into());
    results.with_file_name(format!("{stem}.passwords.csv"))
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
    replace(path, &bytes, None)
}

/// The passwords file: `row,customerId,domain,adminUserName,password`, owner-only.
pub struct Passwords {
    path: PathBuf,
    file: File,
}

const PASSWORDS_HEADER: &str = "row,customerId,domain,adminUserName,password\n";

impl Passwords {
    /// Opens it for appending, created owner-only. An existing file that others may read is
    /// made owner-only again (with a warning: what it held may have been read); a symbolic link
    /// is refused (it could point anywhere).
    pub fn open(path: &Path) -> Result<Passwords, CliError> {
        match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.file_type().is_symlink() || !meta.is_file() => {
                return Err(CliError::Usage(format!(
                    "{}: the passwords file must be a plain file, not a link or a directory",
                    path.display()
                )));
            }
            Ok(meta) => repair_mode(path, &meta)?,
            Err(_) => {}
        }
        let mut options = OpenOptions::new();
        options.create(true).append(true).read(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).map_err(|e| CliError::io(path, e))?;
        let mut text = String::new();
        file.read_to_string(&mut text)
            .map_err(|e| CliError::io(path, e))?;
        let mut passwords = Passwords {
            path: path.to_path_buf(),
            file,
        };
        if text.is_empty() {
            passwords.append_raw(PASSWORDS_HEADER.as_bytes())?;
        } else if !text.ends_with('\n') {
            passwords.append_raw(b"\n")?;
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
        self.file
            .write_all(bytes)
            .and_then(|()| self.file.sync_data())
            .map_err(|e| CliError::io(&self.path, e))
    }

    /// Rewrites the file with one line per customer (a replayed create appends its password a
    /// second time), ordered by the current file's rows (`row_of`: customer id → row).
    pub fn tidy(&self, row_of: &dyn Fn(&str) -> Option<usize>) -> Result<(), CliError> {
        let text = std::fs::read(&self.path).map_err(|e| CliError::io(&self.path, e))?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(text.as_slice());
        let mut by_customer: BTreeMap<(usize, String), csv::StringRecord> = BTreeMap::new();
        for record in reader.records().flatten() {
            let Some(customer) = record.get(1).map(str::to_string) else {
                continue;
            };
            let row = row_of(&customer).unwrap_or(usize::MAX);
            let mut record = record;
            if row != usize::MAX {
                let mut updated: Vec<String> = record.iter().map(str::to_string).collect();
                updated[0] = row.to_string();
                record = csv::StringRecord::from(updated);
            }
            by_customer.entry((row, customer)).or_insert(record);
        }
        let mut out = csv::Writer::from_writer(PASSWORDS_HEADER.as_bytes().to_vec());
        for record in by_customer.values() {
            out.write_record(record)
                .map_err(|e| CliError::io(&self.path, std::io::Error::other(e.to_string())))?;
        }
        let bytes = out
            .into_inner()
            .map_err(|e| CliError::io(&self.path, std::io::Error::other(e.to_string())))?;
        replace(&self.path, &bytes, Some(0o600))
    }
}

#[cfg(unix)]
fn repair_mode(path: &Path, meta: &std::fs::Metadata) -> Result<(), CliError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        eprintln!(
            "warning: {} was readable by others (mode {mode:o}); it is owner-only again, but \
             the passwords in it may have been read",
            path.display()
        );
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| CliError::io(path, e))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn repair_mode(_path: &Path, _meta: &std::fs::Metadata) -> Result<(), CliError> {
    Ok(())
}

/// Writes `bytes` to a temporary file beside `path` (owner-only when `mode` says so, from its
/// creation on) and renames it over `path`.
fn replace(path: &Path, bytes: &[u8], mode: Option<u32>) -> Result<(), CliError> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    // A leftover from a killed run may have another mode: start from a new file.
    let _ = std::fs::remove_file(&tmp);
    let mut options = OpenOptions::new();
    options.create_new(true).write(true);
    #[cfg(unix)]
    if let Some(mode) = mode {
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let written = options.open(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    written
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            CliError::io(path, e)
        })
}
