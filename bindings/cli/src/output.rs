//! How answers are printed: a table for a person at a terminal, JSON for a program (when stdout
//! is not a terminal, or with `--output json`): one document for an object, one line per item for
//! a list, so `jq` and `while read` work on either. Secrets the spec marks (`x-pc-secret`) are
//! hidden in both unless `--show-secrets`.

use std::io::{self, IsTerminal, Write};

use comfy_table::{ContentArrangement, Table, presets};
use partner_center::{CallEvent, CallLog, LogLevel};
use serde_json::{Map, Value};

use crate::exit::CliError;

/// What replaces a secret in the output.
pub const HIDDEN: &str = "<hidden: --show-secrets>";

/// A list table shows this many columns at most; `--output json` shows every member.
const MAX_COLUMNS: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
}

impl Format {
    /// `--output`, else a table on a terminal and JSON elsewhere.
    pub fn pick(flag: Option<&str>) -> Format {
        match flag {
            Some("json") => Format::Json,
            Some(_) => Format::Table,
            None if io::stdout().is_terminal() => Format::Table,
            None => Format::Json,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Output {
    pub format: Format,
    pub show_secrets: bool,
}

impl Output {
    /// Hide the members at `secrets` (dotted paths; `name[]` for every item of an array) unless
    /// secrets are to be shown. Says so once on stderr when something was hidden.
    pub fn redact(&self, value: &mut Value, secrets: &[&str]) {
        if self.show_secrets {
            return;
        }
        let mut hidden = 0;
        for path in secrets {
            let segments: Vec<&str> = path.split('.').collect();
            hidden += hide(value, &segments);
        }
        if hidden > 0 && self.format == Format::Table {
            eprintln!("note: {hidden} secret value(s) hidden; pass --show-secrets to print them");
        }
    }

    /// One answer: an object, a scalar, or `null` (no body: nothing is printed).
    pub fn document(&self, value: &Value) -> Result<(), CliError> {
        let mut out = io::stdout().lock();
        let written = match (self.format, value) {
            (_, Value::Null) => Ok(()),
            (Format::Json, v) => writeln!(out, "{}", pretty(v)),
            (Format::Table, Value::String(s)) => writeln!(out, "{s}"),
            (Format::Table, Value::Object(_)) => writeln!(out, "{}", member_table(value)),
            (Format::Table, Value::Array(items)) => writeln!(out, "{}", list_table(items)),
            (Format::Table, v) => writeln!(out, "{v}"),
        };
        written.map_err(stdout_error)
    }

    /// Items of a list as they arrive (JSON lines); a table collects them first (see `table`).
    pub fn item_line(&self, item: &Value) -> Result<(), CliError> {
        writeln!(io::stdout().lock(), "{item}").map_err(stdout_error)
    }

    /// A list as one table (or, in JSON, one item per line).
    pub fn items(&self, items: &[Value]) -> Result<(), CliError> {
        match self.format {
            Format::Json => items.iter().try_for_each(|i| self.item_line(i)),
            Format::Table if items.is_empty() => {
                eprintln!("(no items)");
                Ok(())
            }
            Format::Table => {
                writeln!(io::stdout().lock(), "{}", list_table(items)).map_err(stdout_error)
            }
        }
    }
}

/// A write to stdout failed. A closed pipe (`| head`) means the reader has what it wanted: the
/// command stops there and exits 0 without a message (`CliError::is_closed_stdout`).
fn stdout_error(e: io::Error) -> CliError {
    CliError::io(STDOUT, e)
}

/// Writes `bytes` to stdout whole, a closed pipe included as above (completions, the import's
/// `--show-secrets`).
pub fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(stdout_error)
}

/// The name stdout errors carry.
pub const STDOUT: &str = "<stdout>";

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
}

/// Replaces the values at `path` below `value`; returns how many it replaced.
fn hide(value: &mut Value, path: &[&str]) -> usize {
    let Some((first, rest)) = path.split_first() else {
        if value.is_null() {
            return 0;
        }
        *value = Value::String(HIDDEN.to_string());
        return 1;
    };
    let (name, every_item) = match first.strip_suffix("[]") {
        Some(name) => (name, true),
        None => (*first, false),
    };
    let target = if name.is_empty() {
        Some(value)
    } else {
        value.as_object_mut().and_then(|o| o.get_mut(name))
    };
    match (target, every_item) {
        (Some(Value::Array(items)), true) => items.iter_mut().map(|i| hide(i, rest)).sum(),
        (Some(v), false) => hide(v, rest),
        _ => 0,
    }
}

/// Every scalar below `value` with its dotted path (`billingProfile.defaultAddress.city`,
/// `items[0].id`); lists of scalars are joined with `, `.
fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    let join = |name: &str| {
        if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}.{name}")
        }
    };
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                flatten(&join(k), v, out);
            }
        }
        Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
            let texts: Vec<String> = items.iter().map(cell).collect();
            out.push((prefix.to_string(), texts.join(", ")));
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(&format!("{prefix}[{i}]"), item, out);
            }
        }
        scalar => out.push((prefix.to_string(), cell(scalar))),
    }
}

fn cell(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Resource metadata a person rarely wants in a table (JSON keeps it).
fn is_metadata(path: &str) -> bool {
    ["links", "attributes"].iter().any(|m| {
        path == *m || path.starts_with(&format!("{m}.")) || path.contains(&format!(".{m}."))
    })
}

fn new_table() -> Table {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    table
}

/// An object as two columns: member and value.
fn member_table(value: &Value) -> Table {
    let mut rows = Vec::new();
    flatten("", value, &mut rows);
    let mut table = new_table();
    table.set_header(["member", "value"]);
    for (path, text) in rows.into_iter().filter(|(p, _)| !is_metadata(p)) {
        table.add_row([path, text]);
    }
    table
}

/// Items as rows; the columns are their members in order of first appearance.
fn list_table(items: &[Value]) -> Table {
    let rows: Vec<Map<String, Value>> = items
        .iter()
        .map(|item| {
            let mut flat = Vec::new();
            flatten("", item, &mut flat);
            flat.into_iter()
                .filter(|(p, _)| !is_metadata(p))
                .map(|(p, t)| (p, Value::String(t)))
                .collect()
        })
        .collect();
    let mut columns: Vec<String> = Vec::new();
    for row in &rows {
        for key in row.keys() {
            if !columns.contains(key) {
                columns.push(key.clone());
            }
        }
    }
    let hidden = columns.len().saturating_sub(MAX_COLUMNS);
    columns.truncate(MAX_COLUMNS);
    let mut table = new_table();
    table.set_header(
        columns
            .iter()
            .map(|c| if c.is_empty() { "value" } else { c }),
    );
    for row in &rows {
        table.add_row(
            columns
                .iter()
                .map(|c| row.get(c).map(cell).unwrap_or_default()),
        );
    }
    if hidden > 0 {
        eprintln!("note: {hidden} more member(s) not shown; --output json prints every member");
    }
    table
}

/// `--verbose`: one line per attempt on stderr.
pub struct StderrLog;

impl CallLog for StderrLog {
    fn enabled(&self, _level: LogLevel) -> bool {
        true
    }

    fn log(&self, e: &CallEvent<'_>) {
        let status = e.status.map_or_else(|| "-".to_string(), |s| s.to_string());
        let error = e.error.map(|k| format!(" {k}")).unwrap_or_default();
        eprintln!(
            "{} {} {} → {status}{error} (attempt {}/{}, {} ms, request id {})",
            e.operation,
            e.method,
            e.path,
            e.attempt,
            e.max_attempts,
            e.duration.as_millis(),
            e.request_id
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_are_hidden_at_their_paths_and_in_every_item() {
        let out = Output {
            format: Format::Json,
            show_secrets: false,
        };
        let mut one = json!({"userCredentials": {"userName": "admin", "password": "p4ss"}});
        out.redact(&mut one, &["userCredentials.password"]);
        assert_eq!(one["userCredentials"]["password"], HIDDEN);
        assert_eq!(one["userCredentials"]["userName"], "admin");
        let mut page = json!({"items": [{"p": "a"}, {"p": "b"}, {"q": 1}]});
        out.redact(&mut page, &["items[].p"]);
        assert_eq!(page["items"][0]["p"], HIDDEN);
        assert_eq!(page["items"][1]["p"], HIDDEN);
        assert_eq!(page["items"][2], json!({"q": 1}));
        let shown = Output {
            show_secrets: true,
            ..out
        };
        let mut kept = json!({"p": "a"});
        shown.redact(&mut kept, &["p"]);
        assert_eq!(kept["p"], "a");
    }

    #[test]
    fn flattening_names_every_scalar_by_its_path() {
        let mut rows = Vec::new();
        flatten(
            "",
            &json!({"a": {"b": 1, "c": ["x", "y"]}, "d": [{"e": true}]}),
            &mut rows,
        );
        let rows: Vec<(&str, &str)> = rows.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        assert_eq!(rows, [("a.b", "1"), ("a.c", "x, y"), ("d[0].e", "true")]);
    }
}
