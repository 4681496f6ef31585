//! The command line's errors and its exit codes: one code per kind of failure, so a script can
//! tell "not found" from "throttled" from "bad input" without reading the message. The table is
//! documented in the crate's README ("Exit codes"); `tests/commands.rs` holds it to that.

use std::fmt;
use std::path::PathBuf;
use std::process::ExitCode;

use partner_center::{Error, ErrorKind};

/// What went wrong, with everything needed to say where.
#[derive(Debug)]
pub enum CliError {
    /// A call failed: the client's own error (validation, the service's answer, transport, …).
    Call(Error),
    /// The command line itself is wrong (a flag value, a `--body` file that does not read); the
    /// message names the flag or the file, line and column.
    Usage(String),
    /// A file could not be read or written.
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// `customers import`: the file has rows that do not validate (listed already).
    InvalidRows(usize),
    /// `customers import`: some rows failed (listed already); the rest are done.
    RowsFailed(usize),
    /// `customers import`: stopped by Ctrl-C with this many rows not finished.
    Interrupted(usize),
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        CliError::Call(e)
    }
}

impl CliError {
    pub fn io(path: impl Into<PathBuf>, error: std::io::Error) -> Self {
        CliError::Io {
            path: path.into(),
            error,
        }
    }

    /// The process's exit code for this error (README "Exit codes").
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Call(e) => kind_code(e.kind()),
            CliError::Usage(_) => USAGE,
            CliError::Io { .. } => IO,
            CliError::InvalidRows(_) => kind_code(ErrorKind::Validation),
            CliError::RowsFailed(_) => ROWS_FAILED,
            CliError::Interrupted(_) => INTERRUPTED,
        }
    }

    /// The reader of stdout went away (`partner-center customers list | head`): not a failure.
    pub fn is_closed_stdout(&self) -> bool {
        matches!(self, CliError::Io { path, error }
            if path.as_os_str() == crate::output::STDOUT
                && error.kind() == std::io::ErrorKind::BrokenPipe)
    }

    pub fn into_exit(self) -> ExitCode {
        ExitCode::from(self.exit_code())
    }
}

/// Bad flags or arguments (also clap's own code for them).
pub const USAGE: u8 = 2;
/// A file could not be read or written.
pub const IO: u8 = 3;
/// `customers import`: some rows failed, the others are done (run it again to retry them).
pub const ROWS_FAILED: u8 = 30;
/// Stopped by Ctrl-C (128 + SIGINT, as shells report it); a rerun resumes.
pub const INTERRUPTED: u8 = 130;

/// One code per kind of the client's errors.
pub fn kind_code(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::Validation => 4,
        ErrorKind::Config => 5,
        ErrorKind::Authentication => 6,
        ErrorKind::ReauthenticationRequired => 7,
        ErrorKind::BadRequest => 10,
        ErrorKind::Unauthorized => 11,
        ErrorKind::Forbidden => 12,
        ErrorKind::NotFound => 13,
        ErrorKind::Conflict => 14,
        ErrorKind::PreconditionFailed => 15,
        ErrorKind::Throttled => 16,
        ErrorKind::Server => 17,
        ErrorKind::OtherStatus => 18,
        ErrorKind::Transport => 20,
        ErrorKind::Timeout => 21,
        ErrorKind::Decode => 22,
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Call(Error::Api(api)) => {
                // The status, Partner Center's code and description, then the ids support asks for.
                // (The request id is part of the error's own text.)
                write!(f, "{api}")?;
                if let Some(id) = &api.correlation_id {
                    write!(f, "\n  correlation id: {id}")?;
                }
                Ok(())
            }
            CliError::Call(Error::Validation(v)) => {
                write!(f, "the request does not validate (nothing was sent):")?;
                for e in &v.errors {
                    write!(f, "\n  {}: {}", e.path, e.message)?;
                }
                Ok(())
            }
            CliError::Call(Error::Auth(a)) if a.needs_reauthentication() => write!(
                f,
                "{a}\n  the stored sign-in can no longer be used: run `partner-center login` again"
            ),
            CliError::Call(e) => write!(f, "{e}"),
            CliError::Usage(m) => write!(f, "{m}"),
            CliError::Io { path, error } => write!(f, "{}: {error}", path.display()),
            CliError::InvalidRows(n) => write!(
                f,
                "{n} row{} of the file do{} not validate; nothing was sent",
                if *n == 1 { "" } else { "s" },
                if *n == 1 { "es" } else { "" }
            ),
            CliError::Interrupted(n) => write!(
                f,
                "interrupted with {n} row{} not finished; run the same command again to resume",
                if *n == 1 { "" } else { "s" }
            ),
            CliError::RowsFailed(n) => write!(
                f,
                "{n} row{} failed (see above); run the same command again to retry {}",
                if *n == 1 { "" } else { "s" },
                if *n == 1 { "it" } else { "them" }
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_own_code_apart_from_the_others() {
        let mut seen: Vec<u8> = ErrorKind::ALL.iter().map(|k| kind_code(*k)).collect();
        seen.extend([0, 1, USAGE, IO, ROWS_FAILED, INTERRUPTED]);
        let count = seen.len();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), count, "two kinds share an exit code");
    }
}
