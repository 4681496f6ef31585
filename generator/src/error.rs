//! The one error the generator reports: what is wrong and where.

use std::fmt;

/// A spec the generator cannot handle, or a file it cannot read or write.
///
/// `pointer` is the JSON pointer of the offending node (RFC 6901, `/paths/~1v1~1customers/get`);
/// `line` is set when the parser knows it (syntax errors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenError {
    pub file: String,
    pub pointer: Option<String>,
    pub line: Option<(usize, usize)>,
    pub message: String,
}

impl GenError {
    pub fn at(pointer: impl Into<String>, message: impl Into<String>) -> GenError {
        GenError {
            file: String::new(),
            pointer: Some(pointer.into()),
            line: None,
            message: message.into(),
        }
    }

    pub fn io(file: impl Into<String>, message: impl Into<String>) -> GenError {
        GenError {
            file: file.into(),
            pointer: None,
            line: None,
            message: message.into(),
        }
    }

    pub fn in_file(mut self, file: &str) -> GenError {
        if self.file.is_empty() {
            self.file = file.to_string();
        }
        self
    }
}

impl fmt::Display for GenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.file.is_empty() {
            write!(f, "{}", self.file)?;
            if let Some((line, column)) = self.line {
                write!(f, ":{line}:{column}")?;
            }
            write!(f, ": ")?;
        }
        if let Some(pointer) = &self.pointer {
            let shown = if pointer.is_empty() { "/" } else { pointer };
            write!(f, "at {shown}: ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for GenError {}

/// Escape one JSON pointer token (RFC 6901).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Append tokens to a pointer.
pub fn pointer(base: &str, tokens: &[&str]) -> String {
    let mut out = base.to_string();
    for token in tokens {
        out.push('/');
        out.push_str(&escape_token(token));
    }
    out
}
