//! The input file → one JSON create body per row (and the attestation's members, when the file
//! has them). CSV columns are typed by the member's `ValueSpec`; JSON lines are taken as they
//! are. Nothing is validated against the model here (that is `plan.rs`); only what stops a row
//! from becoming JSON at all is a problem here, named by row, line and column.

use std::path::Path;

use serde_json::{Map, Value};

use super::columns::{self, Member, Target};
use super::problem::Problem;
use crate::spec::ValueSpec;

/// One data row as JSON bodies.
#[derive(Debug)]
pub struct RawRow {
    /// 1-based data row.
    pub number: usize,
    /// 1-based line where the row starts.
    pub line: u64,
    pub customer: Map<String, Value>,
    /// The `createAgreement` members the row gives (`agreement.…` columns, or an `agreement`
    /// object in a JSON line); `None` when it gives none.
    pub agreement: Option<Map<String, Value>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    JsonLines,
}

/// By extension (`.json` too: it is read as JSON lines); otherwise by content (a JSON line starts
/// with `{`, and a JSON array with `[` is taken as JSON so that it gets its own message).
pub fn detect(path: &Path, text: &str) -> Format {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv") => Format::Csv,
        Some("jsonl" | "ndjson" | "json") => Format::JsonLines,
        _ if text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with(['{', '[']) =>
        {
            Format::JsonLines
        }
        _ => Format::Csv,
    }
}

/// Every row of the file, with the problems of those that could not be read. A problem with the
/// header stops there: without knowing the columns no row can be read.
pub fn read(text: &str, format: Format, known: &[Member]) -> (Vec<RawRow>, Vec<Problem>) {
    match format {
        Format::Csv => read_csv(text, known),
        Format::JsonLines => read_json_lines(text),
    }
}

fn read_csv(text: &str, known: &[Member]) -> (Vec<RawRow>, Vec<Problem>) {
    let mut problems = Vec::new();
    let source = text.trim_start_matches('\u{feff}');
    // The line a record starts on, from its byte offset: the csv crate's own line count reads
    // a CRLF file (Excel's default) one line short, and its offset is before any blank lines
    // the record follows.
    let line_of = |p: &csv::Position| {
        let bytes = source.as_bytes();
        let mut start = usize::try_from(p.byte()).map_or(bytes.len(), |b| b.min(bytes.len()));
        while bytes.get(start).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
            start += 1;
        }
        bytes[..start].iter().filter(|b| **b == b'\n').count() as u64 + 1
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(source.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => return (Vec::new(), vec![Problem::file(1, csv_message(&e))]),
    };
    let mut columns: Vec<(usize, Member)> = Vec::new();
    for (index, header) in headers.iter().enumerate() {
        let header = header.trim();
        let at = format!("column {} (`{header}`)", index + 1);
        if header.is_empty() {
            problems.push(Problem::file(1, format!("{at}: the header is empty")));
            continue;
        }
        match columns::resolve(header, known) {
            Ok(member) => {
                if let Some((other, _)) = columns.iter().find(|(_, m)| same(m, &member)) {
                    problems.push(Problem::file(
                        1,
                        format!(
                            "{at} and column {} both fill `{}`",
                            other + 1,
                            member.name()
                        ),
                    ));
                }
                columns.push((index, member));
            }
            Err(message) => problems.push(Problem::file(1, format!("{at}: {message}"))),
        }
    }
    if !problems.is_empty() {
        return (Vec::new(), problems);
    }
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let number = i + 1;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, line_of);
                problems.push(Problem::row(number, line, None, csv_message(&e)));
                continue;
            }
        };
        let line = record.position().map_or(0, line_of);
        // Spreadsheets export trailing rows of empty cells; they are not customers.
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let mut customer = Map::new();
        let mut agreement = Map::new();
        for (index, member) in &columns {
            let cell = record.get(*index).unwrap_or_default().trim();
            if cell.is_empty() {
                continue;
            }
            match typed(cell, member.value()) {
                Ok(value) => {
                    let body = match member.target {
                        Target::Customer => &mut customer,
                        Target::Agreement => &mut agreement,
                    };
                    insert(body, member.path(), value);
                }
                Err(message) => {
                    problems.push(Problem::row(number, line, Some(member.name()), message));
                }
            }
        }
        rows.push(RawRow {
            number,
            line,
            customer,
            agreement: (!agreement.is_empty()).then_some(agreement),
        });
    }
    (rows, problems)
}

fn same(a: &Member, b: &Member) -> bool {
    a.target == b.target && a.path() == b.path()
}

/// The csv crate's message without its own position (the problem carries row and line).
fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("has {len} cells where the header has {expected_len} columns"),
        csv::ErrorKind::Utf8 { err, .. } => {
            format!("cell {} is not UTF-8 text", err.field() + 1)
        }
        _ => e.to_string(),
    }
}

/// A cell's text as the member's JSON value.
fn typed(cell: &str, spec: ValueSpec) -> Result<Value, String> {
    let shown = shorten(cell);
    match spec {
        ValueSpec::String | ValueSpec::Date => Ok(Value::String(cell.to_string())),
        ValueSpec::Uuid => uuid::Uuid::parse_str(cell)
            .map(|id| Value::String(id.to_string()))
            .map_err(|_| format!("`{shown}` is not a GUID")),
        ValueSpec::Integer => cell
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| format!("`{shown}` is not a whole number")),
        ValueSpec::Number => cell
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| format!("`{shown}` is not a number")),
        ValueSpec::Boolean => match cell.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Ok(Value::Bool(true)),
            "false" | "no" | "0" => Ok(Value::Bool(false)),
            _ => Err(format!("`{shown}` is not true or false")),
        },
        ValueSpec::Enum { values, closed } => {
            match values.iter().find(|v| v.eq_ignore_ascii_case(cell)) {
                Some(v) => Ok(Value::String((*v).to_string())),
                None if closed => Err(format!("`{shown}` is not one of {}", values.join(", "))),
                None => Ok(Value::String(cell.to_string())),
            }
        }
        ValueSpec::Json => serde_json::from_str(cell).map_err(|e| format!("is not JSON: {e}")),
    }
}

/// A cell as it is quoted back in a message: long ones cut (a message is not a data dump).
fn shorten(cell: &str) -> String {
    const MAX: usize = 60;
    match cell.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &cell[..at]),
        None => cell.to_string(),
    }
}

/// Put `value` at `path`, making the objects on the way.
fn insert(body: &mut Map<String, Value>, path: &[&str], value: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut object = body;
    for segment in parents {
        let entry = object
            .entry(segment.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        let Value::Object(next) = entry else {
            unreachable!("made an object just above")
        };
        object = next;
    }
    object.insert(last.to_string(), value);
}

/// One create body per non-blank line; an `agreement` member holds the attestation's members
/// (it is not part of the create body and is taken out before the body is read).
fn read_json_lines(text: &str) -> (Vec<RawRow>, Vec<Problem>) {
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let text = text.trim_start_matches('\u{feff}');
    // A `.json` file is often one array of bodies: say what to give instead of an error a line.
    let start = text.len() - text.trim_start().len();
    if text[start..].starts_with('[') {
        let line = 1 + text[..start].matches('\n').count() as u64;
        let message = "the file is a JSON array: give one create body per line (JSON lines), \
                       e.g. `jq -c '.[]' FILE`";
        return (rows, vec![Problem::file(line, message)]);
    }
    let lines = text.lines();
    let mut number = 0;
    for (i, line_text) in lines.enumerate() {
        let line = i as u64 + 1;
        if line_text.trim().is_empty() {
            continue;
        }
        number += 1;
        let mut customer = match serde_json::from_str::<Value>(line_text) {
            Ok(Value::Object(map)) => map,
            Ok(_) => {
                problems.push(Problem::row(number, line, None, "is not a JSON object"));
                continue;
            }
            Err(e) => {
                let message = format!("column {}: not JSON: {}", e.column(), json_message(&e));
                problems.push(Problem::row(number, line, None, message));
                continue;
            }
        };
        let agreement = match customer.remove(columns::AGREEMENT) {
            None | Some(Value::Null) => None,
            Some(Value::Object(map)) => Some(map),
            Some(_) => {
                let path = Some(columns::AGREEMENT.to_string());
                problems.push(Problem::row(number, line, path, "must be an object"));
                continue;
            }
        };
        rows.push(RawRow {
            number,
            line,
            customer,
            agreement,
        });
    }
    (rows, problems)
}

/// serde_json's message without " at line L column C" (the problem says where).
fn json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::FieldSpec;

    static CUSTOMER: [FieldSpec; 3] = [
        field(&["companyProfile", "domain"], ValueSpec::String),
        field(
            &["billingProfile", "defaultAddress", "city"],
            ValueSpec::String,
        ),
        field(&["associatedPartnerId"], ValueSpec::Uuid),
    ];
    static AGREEMENT: [FieldSpec; 1] = [field(&["primaryContact", "email"], ValueSpec::String)];

    const fn field(path: &'static [&'static str], value: ValueSpec) -> FieldSpec {
        FieldSpec {
            flag: "",
            path,
            required: false,
            value,
            help: "",
        }
    }

    fn csv(text: &str) -> (Vec<RawRow>, Vec<Problem>) {
        read(text, Format::Csv, &columns::members(&CUSTOMER, &AGREEMENT))
    }

    #[test]
    fn cells_become_nested_members_and_empty_cells_stay_out() {
        let (rows, problems) =
            csv("domain,city,agreement.email\r\na.example,Redmond,\n\"b.example\",,x@y.example\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(rows.len(), 2);
        assert_eq!(
            Value::Object(rows[0].customer.clone()),
            serde_json::json!({"companyProfile": {"domain": "a.example"},
                "billingProfile": {"defaultAddress": {"city": "Redmond"}}})
        );
        assert!(rows[0].agreement.is_none());
        assert_eq!(rows[1].line, 3);
        assert_eq!(
            Value::Object(rows[1].agreement.clone().unwrap()),
            serde_json::json!({"primaryContact": {"email": "x@y.example"}})
        );
    }

    #[test]
    fn a_bad_cell_names_row_line_and_column() {
        let (_, problems) = csv("domain,associatedPartnerId\na.example,not-a-guid\n");
        assert_eq!(problems.len(), 1);
        let text = problems[0].to_string();
        assert!(
            text.starts_with("row 1 (line 2): associatedPartnerId:"),
            "{text}"
        );
        let (_, problems) = csv("domain,city\na.example\n");
        assert_eq!(problems[0].row, Some(1));
        assert!(problems[0].message.contains("1 cells"), "{}", problems[0]);
    }

    #[test]
    fn lines_are_counted_alike_with_crlf_and_lf() {
        for newline in ["\n", "\r\n"] {
            let text = [
                "domain,associatedPartnerId",
                "a.example,x",
                "",
                "b.example,y",
                "",
            ]
            .join(newline);
            let (_, problems) = csv(&text);
            let lines: Vec<_> = problems.iter().map(|p| (p.row, p.line)).collect();
            assert_eq!(lines, [(Some(1), 2), (Some(2), 4)], "{newline:?}");
        }
    }

    #[test]
    fn a_header_problem_stops_before_the_rows() {
        let (rows, problems) = csv("domian,city,domain,companyProfile.domain\na,b,c,d\n");
        assert!(rows.is_empty());
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].message.contains("companyProfile.domain"));
        assert!(problems[1].message.contains("both fill"));
    }

    #[test]
    fn a_json_array_is_named_as_such_once() {
        let text = "\u{feff}\n  [{\"companyProfile\":{}},\n {\"companyProfile\":{}}]\n";
        assert_eq!(detect(Path::new("c.txt"), text), Format::JsonLines);
        assert_eq!(detect(Path::new("c.json"), text), Format::JsonLines);
        let (rows, problems) = read(text, Format::JsonLines, &[]);
        assert!(rows.is_empty());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!((problems[0].row, problems[0].line), (None, 2));
        assert!(
            problems[0].message.contains("JSON array"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn json_lines_skip_blank_lines_and_say_where_json_breaks() {
        let text = "{\"companyProfile\":{}}\n\n{\"a\": }\n{\"agreement\": {\"x\": 1}}\n";
        let (rows, problems) = read(text, Format::JsonLines, &[]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].number, 3);
        assert_eq!(rows[1].line, 4);
        assert!(rows[1].agreement.is_some());
        assert_eq!(problems.len(), 1);
        assert_eq!((problems[0].row, problems[0].line), (Some(2), 3));
        assert!(
            problems[0].message.starts_with("column 7"),
            "{}",
            problems[0]
        );
    }
}
