//! One operation's subcommand, run: its flags become the JSON arguments the client's `dispatch`
//! takes (the same call the Python and Node packages make), and the answer is printed. A list
//! follows every page unless `--one-page`.

use std::collections::BTreeSet;
use std::io::Read;

use bridge::Call;
use clap::ArgMatches;
use partner_center::{Client, RequestOptions, dispatch};
use serde_json::{Map, Value};

use crate::context::Context;
use crate::exit::CliError;
use crate::spec::{AnswerSpec, BodySpec, OperationSpec, ValueSpec};

/// Run `op` with the flags in `matches`.
pub async fn run(
    ctx: &Context,
    op: &'static OperationSpec,
    matches: &ArgMatches,
) -> Result<(), CliError> {
    // Everything the command line can check is checked before signing in.
    let params = params(op, matches)?;
    let body = match &op.body {
        Some(spec) => body(spec, matches)?,
        None => None,
    };
    let options = RequestOptions {
        request_id: matches.get_one::<String>("request-id").cloned(),
        ..RequestOptions::default()
    };
    let client = ctx.client()?;
    let call = |continuation_token: Option<String>| Call {
        params: params.clone(),
        body: body.clone(),
        options: options.clone(),
        continuation_token,
    };
    match op.answer {
        AnswerSpec::Paged { items, token } => {
            let first = matches.get_one::<String>("continuation-token").cloned();
            let one_page = matches.get_flag("one-page");
            pages(ctx, &client, op, (items, token), first, one_page, call).await
        }
        answer => {
            let outcome = dispatch(&client, op.id, call(None)).await?;
            let mut value = decode(&outcome)?;
            if answer == AnswerSpec::Bytes {
                return write_octets(&value);
            }
            ctx.output.redact(&mut value, op.secrets);
            match answer {
                AnswerSpec::List { items } => ctx.output.items(&take_items(&mut value, items)),
                _ => ctx.output.document(&value),
            }
        }
    }
}

/// Every page (or one), printed as it arrives in JSON, or as one table at the end.
async fn pages(
    ctx: &Context,
    client: &Client,
    op: &'static OperationSpec,
    (items_field, token_field): (&str, &str),
    first: Option<String>,
    one_page: bool,
    call: impl Fn(Option<String>) -> Call,
) -> Result<(), CliError> {
    let table = ctx.output.format == crate::output::Format::Table;
    let mut collected = Vec::new();
    let mut seen: BTreeSet<String> = first.iter().cloned().collect();
    let mut token = first;
    loop {
        let outcome = dispatch(client, op.id, call(token.take())).await?;
        let mut page = decode(&outcome)?;
        ctx.output.redact(&mut page, op.secrets);
        let next = page
            .get(token_field)
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        let items = take_items(&mut page, items_field);
        if table {
            collected.extend(items);
        } else {
            items.iter().try_for_each(|i| ctx.output.item_line(i))?;
        }
        match next {
            None => break,
            Some(t) if one_page => {
                eprintln!("continuation token: {t}");
                break;
            }
            Some(t) if seen.insert(t.clone()) => token = Some(t),
            // Following a token seen before would loop for ever: the service's paging is
            // broken, and the list printed so far is not the whole list.
            Some(_) => {
                return Err(CliError::Call(partner_center::Error::Decode {
                    status: outcome.status,
                    message: "the service repeated a continuation token it gave before; the list stops there, incomplete".into(),
                    body_excerpt: String::new(),
                    request_id: Some(outcome.request_id),
                }));
            }
        }
    }
    if table {
        ctx.output.items(&collected)?;
    }
    Ok(())
}

/// The answer's JSON (the client decoded it already; this only reads its re-encoding).
fn decode(outcome: &bridge::Outcome) -> Result<Value, CliError> {
    serde_json::from_slice(&outcome.body).map_err(|e| {
        CliError::Call(partner_center::Error::Decode {
            status: outcome.status,
            message: format!("the answer did not read back as JSON: {e}"),
            body_excerpt: String::new(),
            request_id: Some(outcome.request_id.clone()),
        })
    })
}

/// The items of a list answer: the array under `field`, or the answer itself when `field` is
/// empty.
fn take_items(value: &mut Value, field: &str) -> Vec<Value> {
    let list = if field.is_empty() {
        value.take()
    } else {
        value.get_mut(field).map(Value::take).unwrap_or_default()
    };
    match list {
        Value::Array(items) => items,
        _ => Vec::new(),
    }
}

/// A download: the octets, as they came, to stdout.
fn write_octets(value: &Value) -> Result<(), CliError> {
    use std::io::Write;
    // The dispatch re-encodes octets as a JSON array of numbers.
    let bytes: Vec<u8> = match value {
        Value::Array(items) => items
            .iter()
            .filter_map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
            .collect(),
        _ => Vec::new(),
    };
    std::io::stdout()
        .lock()
        .write_all(&bytes)
        .map_err(|e| CliError::io("<stdout>", e))
}

/// Path, query and header parameters by wire name.
fn params(op: &OperationSpec, matches: &ArgMatches) -> Result<Map<String, Value>, CliError> {
    let mut out = Map::new();
    for p in op.params {
        let Some(values) = matches.get_many::<String>(p.flag) else {
            continue;
        };
        let values: Vec<Value> = values
            .map(|v| to_json(p.value, v, p.flag))
            .collect::<Result<_, _>>()?;
        let value = if p.many {
            Value::Array(values)
        } else {
            values.into_iter().next().unwrap_or(Value::Null)
        };
        out.insert(p.wire.to_string(), value);
    }
    Ok(out)
}

/// The body: `--body` (JSON or YAML), then each member flag set at its path. `None` when the
/// operation's body is optional and nothing was given.
fn body(spec: &BodySpec, matches: &ArgMatches) -> Result<Option<bytes::Bytes>, CliError> {
    let mut body = match matches.get_one::<String>("body") {
        Some(source) => Some(read_document(source)?),
        None => None,
    };
    for f in spec.flags {
        let Some(text) = matches.get_one::<String>(f.flag) else {
            continue;
        };
        let value = to_json(f.value, text, f.flag)?;
        let root = body.get_or_insert_with(|| Value::Object(Map::new()));
        set(root, f.path, value).map_err(|at| {
            CliError::Usage(if at.is_empty() {
                format!(
                    "--{}: the --body document is not an object, so it cannot take this member",
                    f.flag
                )
            } else {
                format!(
                    "--{}: the body's `{at}` is not an object, so it cannot take this member",
                    f.flag
                )
            })
        })?;
    }
    match body {
        Some(v) => Ok(Some(
            serde_json::to_vec(&v).expect("a JSON value encodes").into(),
        )),
        None if spec.required => {
            let examples: Vec<String> = spec
                .flags
                .iter()
                .take(2)
                .map(|f| format!("--{}", f.flag))
                .collect();
            Err(CliError::Usage(format!(
                "this operation needs a {} body: give --body FILE (or - for stdin), or its members as flags ({} …)",
                spec.model,
                examples.join(", ")
            )))
        }
        None => Ok(None),
    }
}

/// Set `value` at `path` below `root`, making the objects on the way; `Err` names the first
/// member on the way that is not an object.
fn set(root: &mut Value, path: &[&str], value: Value) -> Result<(), String> {
    let mut at = root;
    for (i, name) in path.iter().enumerate() {
        let Value::Object(map) = at else {
            return Err(path[..i].join("."));
        };
        if i + 1 == path.len() {
            map.insert(name.to_string(), value);
            return Ok(());
        }
        at = map
            .entry(name.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    Ok(())
}

/// A `--body` source: a file, or `-` for stdin; JSON, or else YAML. Errors name the file and
/// where in it.
pub fn read_document(source: &str) -> Result<Value, CliError> {
    let bytes = if source == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| CliError::io("<stdin>", e))?;
        bytes
    } else {
        std::fs::read(source).map_err(|e| CliError::io(source, e))?
    };
    let name = if source == "-" { "<stdin>" } else { source };
    let text = String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = good.iter().filter(|b| **b == b'\n').count() + 1;
        let column = good.len() - good.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1) + 1;
        CliError::Usage(format!(
            "{name}: line {line} column {column}: not UTF-8 text (save the file as UTF-8)"
        ))
    })?;
    if text.trim().is_empty() {
        return Err(CliError::Usage(format!(
            "{name}: empty: a body is a JSON or YAML object"
        )));
    }
    if text.trim_start().starts_with(['{', '[']) {
        return serde_json::from_str(&text).map_err(|e| {
            CliError::Usage(format!(
                "{name}: line {} column {}: not valid JSON: {e}",
                e.line(),
                e.column()
            ))
        });
    }
    serde_norway::from_str(&text)
        .map_err(|e| CliError::Usage(format!("{name}: not valid JSON or YAML: {e}")))
}

/// A flag's text as the JSON value its type needs; the error names the flag.
pub fn to_json(spec: ValueSpec, text: &str, flag: &str) -> Result<Value, CliError> {
    let bad = |what: &str| CliError::Usage(format!("--{flag}: `{text}` is not {what}"));
    Ok(match spec {
        ValueSpec::Integer => {
            Value::from(text.trim().parse::<i64>().map_err(|_| bad("an integer"))?)
        }
        ValueSpec::Number => {
            let n: f64 = text.trim().parse().map_err(|_| bad("a number"))?;
            serde_json::Number::from_f64(n)
                .map(Value::Number)
                .ok_or_else(|| bad("a finite number"))?
        }
        ValueSpec::Boolean => match text.trim() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(bad("true or false")),
        },
        ValueSpec::Json => serde_json::from_str(text)
            .map_err(|e| CliError::Usage(format!("--{flag}: not valid JSON: {e}")))?,
        ValueSpec::String | ValueSpec::Uuid | ValueSpec::Date | ValueSpec::Enum { .. } => {
            Value::String(text.to_string())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn members_are_set_at_their_paths_over_the_body() {
        let mut body = json!({"companyProfile": {"domain": "a"}, "x": 1});
        set(&mut body, &["companyProfile", "domain"], json!("b")).unwrap();
        set(
            &mut body,
            &["billingProfile", "defaultAddress", "city"],
            json!("c"),
        )
        .unwrap();
        assert_eq!(
            body,
            json!({"companyProfile": {"domain": "b"}, "x": 1,
                   "billingProfile": {"defaultAddress": {"city": "c"}}})
        );
        assert_eq!(set(&mut body, &["x", "y"], json!(1)), Err("x".to_string()));
    }

    #[test]
    fn a_body_file_that_is_empty_or_not_utf8_is_a_usage_error_naming_where() {
        let dir = std::env::temp_dir().join(format!("pc-cli-body-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let cases: [(&str, &[u8], &str); 3] = [
            ("empty.yaml", b"  \n", "empty.yaml: empty"),
            (
                "latin1.yaml",
                b"a: 1\nname: Caf\xe9\n",
                "latin1.yaml: line 2 column 10: not UTF-8",
            ),
            (
                "bad.json",
                b"{\"a\": }",
                "bad.json: line 1 column 7: not valid JSON",
            ),
        ];
        for (name, bytes, expected) in cases {
            let path = dir.join(name);
            std::fs::write(&path, bytes).unwrap();
            match read_document(path.to_str().unwrap()) {
                Err(CliError::Usage(message)) => {
                    assert!(message.contains(expected), "{name}: {message}")
                }
                other => panic!("{name}: {other:?}"),
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn flag_values_are_typed_and_bad_ones_named() {
        assert_eq!(
            to_json(ValueSpec::Integer, "40", "size").unwrap(),
            json!(40)
        );
        assert_eq!(
            to_json(ValueSpec::Boolean, "false", "b").unwrap(),
            json!(false)
        );
        assert_eq!(
            to_json(ValueSpec::Json, r#"{"a":1}"#, "f").unwrap(),
            json!({"a": 1})
        );
        let err = to_json(ValueSpec::Integer, "forty", "size")
            .unwrap_err()
            .to_string();
        assert_eq!(err, "--size: `forty` is not an integer");
        assert!(
            to_json(ValueSpec::Json, "{", "filter")
                .unwrap_err()
                .to_string()
                .starts_with("--filter: not valid JSON")
        );
    }
}
