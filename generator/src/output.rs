//! Writing generated files, or checking that the committed ones are current.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::emit::GeneratedFile;
use crate::error::GenError;
use crate::parallel;

/// One target's files under one root, plus the directories it owns entirely (a file there
/// that the target no longer produces is stale).
pub struct TargetOutput {
    pub name: String,
    pub root: PathBuf,
    pub files: Vec<GeneratedFile>,
    pub owned_dirs: Vec<PathBuf>,
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub written: Vec<PathBuf>,
    pub unchanged: usize,
    /// Files that differ from what the spec gives, are missing, or should not exist.
    pub stale: Vec<PathBuf>,
}

impl TargetOutput {
    /// Write every file whose content changed, and remove orphans from owned directories.
    /// (Files are compared and written side by side; the first error in file order is reported.)
    pub fn write(&self) -> Result<Outcome, GenError> {
        let mut outcome = Outcome::default();
        let written = parallel::map(self.large(), self.files.len(), |i| {
            self.write_file(&self.files[i])
        });
        for (file, written) in self.files.iter().zip(written) {
            if written? {
                outcome.written.push(self.root.join(&file.path));
            } else {
                outcome.unchanged += 1;
            }
        }
        for orphan in self.orphans() {
            std::fs::remove_file(&orphan).map_err(|e| {
                GenError::io(orphan.display().to_string(), format!("cannot remove: {e}"))
            })?;
            outcome.written.push(orphan);
        }
        Ok(outcome)
    }

    /// Write one file unless it already has this content; whether it was written.
    fn write_file(&self, file: &GeneratedFile) -> Result<bool, GenError> {
        let path = self.root.join(&file.path);
        if is_current(&path, &file.contents) {
            return Ok(false);
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                GenError::io(
                    parent.display().to_string(),
                    format!("cannot create directory: {e}"),
                )
            })?;
        }
        std::fs::write(&path, &file.contents)
            .map_err(|e| GenError::io(path.display().to_string(), format!("cannot write: {e}")))?;
        Ok(true)
    }

    /// Compare without writing.
    pub fn check(&self) -> Outcome {
        let mut outcome = Outcome::default();
        let current = parallel::map(self.large(), self.files.len(), |i| {
            is_current(
                &self.root.join(&self.files[i].path),
                &self.files[i].contents,
            )
        });
        for (file, current) in self.files.iter().zip(current) {
            if current {
                outcome.unchanged += 1;
            } else {
                outcome.stale.push(self.root.join(&file.path));
            }
        }
        outcome.stale.extend(self.orphans());
        outcome
    }

    /// Enough to write (or read back) that it is worth doing several files at once.
    fn large(&self) -> bool {
        self.files.iter().map(|f| f.contents.len()).sum::<usize>() >= 4 << 20
    }

    fn orphans(&self) -> Vec<PathBuf> {
        let produced: BTreeSet<PathBuf> =
            self.files.iter().map(|f| self.root.join(&f.path)).collect();
        let mut out = Vec::new();
        for dir in &self.owned_dirs {
            collect_files(&self.root.join(dir), &mut out);
        }
        out.retain(|p| !produced.contains(p));
        out.sort();
        out
    }
}

/// Whether the file at `path` exists and holds exactly `contents`.
fn is_current(path: &Path, contents: &str) -> bool {
    std::fs::read(path).is_ok_and(|bytes| bytes == contents.as_bytes())
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(&path, out);
        } else {
            out.push(path);
        }
    }
}
