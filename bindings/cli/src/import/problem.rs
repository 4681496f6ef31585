//! A problem with the input file, placed so that someone can find it in a spreadsheet
//! (the data row) and in an editor (the file line).

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based data row (the header is not a row); `None` for the file or its header.
    pub row: Option<usize>,
    /// 1-based line of the file where the row starts.
    pub line: u64,
    /// The member (`billingProfile.email`) or column concerned, when there is one.
    pub path: Option<String>,
    pub message: String,
}

impl Problem {
    pub fn file(line: u64, message: impl Into<String>) -> Self {
        Problem {
            row: None,
            line,
            path: None,
            message: message.into(),
        }
    }

    pub fn row(row: usize, line: u64, path: Option<String>, message: impl Into<String>) -> Self {
        Problem {
            row: Some(row),
            line,
            path,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.row {
            Some(row) => write!(f, "row {row} (line {})", self.line)?,
            None => write!(f, "line {}", self.line)?,
        }
        if let Some(path) = &self.path {
            write!(f, ": {path}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// How many distinct rows the problems concern (a file-level problem counts as one).
pub fn rows_concerned(problems: &[Problem]) -> usize {
    let mut rows: Vec<Option<usize>> = problems.iter().map(|p| p.row).collect();
    rows.sort_unstable();
    rows.dedup();
    rows.len()
}
