//! Spec text as Python docstrings.

use crate::emit::clean_doc;

/// Text for a docstring indented by `indent` spaces: no triple quotes, no stray backslashes.
pub(super) fn docstring(doc: Option<&str>, indent: usize) -> String {
    let text = clean_doc(doc)
        .unwrap_or_default()
        .replace('\\', "\\\\")
        .replace("\"\"\"", "\\\"\\\"\\\"");
    let pad = " ".repeat(indent);
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(&pad);
            }
        }
        out.push_str(line);
    }
    out
}

/// A one-line summary of a doc (its lines joined), for an `Attributes:` entry.
pub(super) fn one_line(doc: Option<&str>) -> String {
    clean_doc(doc)
        .map(|d| d.lines().map(str::trim).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}
