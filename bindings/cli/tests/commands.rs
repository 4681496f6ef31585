//! Every subcommand of the generated table, run once through the real binary against the
//! emulator over HTTP, checked for its exit code and its output; then the exit codes of the
//! kinds of failure.
//!
//! Nothing here is written per operation: the operations come from the generated table
//! (`GROUPS`), a request body from the spec's own first example of it, and a required parameter
//! from a value per parameter *name* (`customer-tenant-id`: the customer made in set-up). A new
//! operation runs here without a change; a new required parameter name fails with a message
//! saying to add it to `FIXTURES`.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Output, Stdio};

use partner_center_cli::generated::operations::GROUPS;
use partner_center_cli::spec::{AnswerSpec, OperationSpec, ValueSpec};
use sandbox::{Config, Running};
use serde_json::Value;

const TOKEN: &str = "cli-tests-token";
const HIDDEN: &str = "<hidden: --show-secrets>";

/// Runs the binary with `args` (and `stdin`), against `base`, asking for JSON.
fn cli(base: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_partner-center"))
        .args(args)
        .env("PARTNER_CENTER_BASE_URL", base)
        .env("PARTNER_CENTER_TOKEN", TOKEN)
        .env("PARTNER_CENTER_OUTPUT", "json")
        .env_remove("PARTNER_CENTER_TENANT_ID")
        .env_remove("PARTNER_CENTER_CLIENT_ID")
        .env_remove("PARTNER_CENTER_CLIENT_SECRET")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut pipe = child.stdin.take().expect("stdin");
    if let Some(text) = stdin {
        pipe.write_all(text.as_bytes())
            .expect("stdin takes the body");
    }
    drop(pipe);
    child.wait_with_output().expect("the binary ends")
}

/// The README's example create body.
const EXAMPLE_CUSTOMER: &str = include_str!("../examples/customer.yaml");

/// The emulator with its defaults, on a free port.
async fn emulator() -> Running {
    sandbox::start(Config {
        port: 0,
        ..Config::default()
    })
    .await
    .expect("the emulator starts")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The spec's first example of an operation's request body.
fn example_body(spec: &Value, op: &OperationSpec) -> Option<Value> {
    let body = spec
        .pointer(&format!(
            "/paths/{}/{}/requestBody",
            op.path.replace('~', "~0").replace('/', "~1"),
            op.method.to_ascii_lowercase()
        ))?
        .clone();
    let body = match body.get("$ref").and_then(Value::as_str) {
        Some(r) => spec.pointer(r.trim_start_matches('#'))?.clone(),
        None => body,
    };
    let media = body.get("content")?.as_object()?.values().next()?;
    if let Some(example) = media.get("example") {
        return Some(example.clone());
    }
    media
        .get("examples")?
        .as_object()?
        .values()
        .next()?
        .get("value")
        .cloned()
}

/// Reads: everything the emulator knows before anything changes, then creates, updates and
/// deletes (deeper paths first, so a user goes before its customer).
fn order(op: &OperationSpec) -> (u8, std::cmp::Reverse<usize>) {
    let rank = match op.method {
        "GET" | "HEAD" => 0,
        "POST" => 1,
        "PUT" => 2,
        "PATCH" => 3,
        _ => 4,
    };
    (rank, std::cmp::Reverse(op.path.len()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_subcommand_runs_once_with_its_output_and_exit_code() {
    let emu = emulator().await;
    let base = emu.base_url();
    let spec: Value = serde_norway::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../spec/partner-center-customers.yaml"
        ))
        .expect("the spec reads"),
    )
    .expect("the spec parses");

    // Set-up, through the command line: a customer and a user for the operations that need
    // them, made from the spec's examples (these two operations have had their run).
    let example = |id: &str| {
        example_body(&spec, OperationSpec::find(GROUPS, id).unwrap())
            .unwrap()
            .to_string()
    };
    let json = |id: &str, out: Output| -> Value {
        assert!(out.status.success(), "set-up failed: {}", text(&out.stderr));
        let op = OperationSpec::find(GROUPS, id).unwrap();
        check_output(op, &text(&out.stdout)).unwrap_or_else(|e| panic!("{id}: {e}"));
        serde_json::from_slice(&out.stdout).expect("set-up answers JSON")
    };
    let customer = json(
        "createCustomer",
        cli(
            &base,
            &["customers", "create", "--body", "-"],
            Some(&example("createCustomer")),
        ),
    );
    let domain = customer["companyProfile"]["domain"]
        .as_str()
        .expect("a domain")
        .to_string();
    let customer_id = customer["id"].as_str().expect("an id").to_string();
    let user = json(
        "createUser",
        cli(
            &base,
            &[
                "users",
                "create",
                "--customer-tenant-id",
                &customer_id,
                "--body",
                "-",
            ],
            Some(&example("createUser")),
        ),
    );

    // A value per required parameter name.
    let fixtures: BTreeMap<&str, String> = BTreeMap::from([
        ("customer-tenant-id", customer_id.clone()),
        (
            "user-id",
            user["id"].as_str().expect("a user id").to_string(),
        ),
        ("domain", domain),
        ("country", "US".to_string()),
        (
            "agreement-template-id",
            "117a77b0-9360-443b-8795-c6dedc750cf9".to_string(),
        ),
        // Any current version of the billing profile.
        ("If-Match", "*".to_string()),
    ]);

    let mut ops: Vec<(&str, &OperationSpec)> = GROUPS
        .iter()
        .flat_map(|g| g.operations.iter().map(move |op| (g.name, op)))
        .collect();
    ops.retain(|(_, op)| !["createCustomer", "createUser"].contains(&op.id));
    ops.sort_by_key(|(_, op)| order(op));
    let mut failures = Vec::new();
    for (group, op) in ops {
        let mut args: Vec<String> = Vec::new();
        if !group.is_empty() {
            args.push(group.to_string());
        }
        args.push(op.name.to_string());
        for p in op.params {
            let value = match (fixtures.get(p.wire), p.value) {
                (Some(v), _) => v.clone(),
                (None, ValueSpec::Enum { values, .. }) if p.required => values[0].to_string(),
                (None, _) if p.required => panic!(
                    "{}: no value for the required parameter `{}`: add one to `fixtures`",
                    op.id, p.wire
                ),
                (None, _) => continue,
            };
            args.push(format!("--{}", p.flag));
            args.push(value);
        }
        let body = op.body.as_ref().map(|_| {
            let example = example_body(&spec, op)
                .unwrap_or_else(|| panic!("{}: the spec has no example of its body", op.id));
            args.push("--body".into());
            args.push("-".into());
            example.to_string()
        });
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = cli(&base, &argv, body.as_deref());
        let stdout = text(&out.stdout);
        let problem = if !out.status.success() {
            Some(format!(
                "exit {:?}: {}",
                out.status.code(),
                text(&out.stderr)
            ))
        } else {
            check_output(op, &stdout).err()
        };
        if let Some(problem) = problem {
            failures.push(format!("partner-center {}: {problem}", argv.join(" ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The answer printed as its kind says: JSON lines for a list (paged or not), one JSON document
/// otherwise, `true`/`false` for an existence check, nothing for no body; secrets hidden.
fn check_output(op: &OperationSpec, stdout: &str) -> Result<(), String> {
    let parse =
        |s: &str| serde_json::from_str::<Value>(s).map_err(|e| format!("not JSON ({e}): {s}"));
    // Each printed document, and the prefix of the secrets' paths that it stands for.
    let (documents, prefix) = match op.answer {
        AnswerSpec::None if stdout.trim().is_empty() => return Ok(()),
        AnswerSpec::None => return Err(format!("printed something for no body: {stdout}")),
        AnswerSpec::Exists if matches!(stdout.trim(), "true" | "false") => return Ok(()),
        AnswerSpec::Exists => return Err(format!("not true/false: {stdout}")),
        AnswerSpec::Paged { items, .. } | AnswerSpec::List { items } => {
            let lines = stdout.lines().map(parse).collect::<Result<Vec<_>, _>>()?;
            if let Some(line) = lines.iter().find(|l| !l.is_object()) {
                return Err(format!("a list line is not an object: {line}"));
            }
            (lines, format!("{items}[]."))
        }
        AnswerSpec::Json | AnswerSpec::Bytes => (vec![parse(stdout)?], String::new()),
    };
    for value in &documents {
        for path in op.secrets {
            let Some(path) = path.strip_prefix(prefix.as_str()) else {
                continue;
            };
            let pointer = format!("/{}", path.replace('.', "/"));
            if let Some(v) = value.pointer(&pointer)
                && v != HIDDEN
            {
                return Err(format!("the secret at {path} is printed"));
            }
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_kind_of_failure_has_its_exit_code_and_says_what_is_wrong() {
    // The codes are the documented ones (README "Exit codes"), written out: scripts rely on them.
    let emu = emulator().await;
    let base = emu.base_url();
    let missing = "00000000-0000-0000-0000-000000000001";

    // The service's answer: 404, with Partner Center's code and the request id.
    let out = cli(
        &base,
        &["customers", "get", "--customer-tenant-id", missing],
        None,
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(13), "{stderr}");
    assert!(
        stderr.contains("404") && stderr.contains("code 60003"),
        "{stderr}"
    );
    assert!(stderr.contains("request id"), "{stderr}");

    // Client-side validation, before any request: the path of the bad member.
    let out = cli(
        &base,
        &[
            "customers",
            "create",
            "--company-profile.domain",
            "x",
            "--billing-profile.email",
            "a@b.c",
        ],
        None,
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("billingProfile.culture"), "{stderr}");

    // A misspelt member of a body file: named, with the member it meant.
    let out = cli(
        &base,
        &["validations", "validate-address", "--body", "-"],
        Some(r#"{"country": "US", "addressLine1": "1 Main St", "cty": "Redmond"}"#),
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains("cty") && stderr.contains("did you mean \"city\""),
        "{stderr}"
    );

    // A request id that is not a GUID: refused by the command line, before signing in.
    let out = cli(
        &base,
        &[
            "customers",
            "get",
            "--customer-tenant-id",
            missing,
            "--request-id",
            "nope",
        ],
        None,
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not a GUID"), "{stderr}");

    // A path parameter that would name another resource (`/v1/domains/..` is `/v1/`).
    let out = cli(
        &base,
        &[
            "agreements",
            "get-document",
            "--agreement-template-id",
            "..",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("would name another resource"));

    // The command line itself: a flag value of the wrong type, a body that does not parse.
    let out = cli(&base, &["customers", "list", "--size", "forty"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--size: `forty` is not an integer"));
    let out = cli(
        &base,
        &["validations", "validate-address", "--body", "-"],
        Some("{\"country\": "),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("<stdin>: line 1 column"),
        "{}",
        text(&out.stderr)
    );

    // Not signed in: a configuration error that says how to sign in.
    let out = Command::new(env!("CARGO_BIN_EXE_partner-center"))
        .args(["customers", "list", "--base-url", &base])
        .env_remove("PARTNER_CENTER_TOKEN")
        .env_remove("PARTNER_CENTER_TENANT_ID")
        .env(
            "PARTNER_CENTER_CONFIG_DIR",
            std::env::temp_dir().join("pc-cli-no-login"),
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert!(text(&out.stderr).contains("partner-center login"));
}

#[test]
fn completions_for_every_shell_know_the_generated_commands() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = Command::new(env!("CARGO_BIN_EXE_partner-center"))
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}");
        let script = text(&out.stdout);
        for word in [
            "customers",
            "get-billing",
            "company-profile.domain",
            "import",
        ] {
            assert!(script.contains(word), "{shell} completions lack {word}");
        }
        if shell == "bash" {
            // The script parses (bash -n reads without running).
            let mut check = Command::new("bash")
                .arg("-n")
                .stdin(Stdio::piped())
                .spawn()
                .expect("bash runs");
            check
                .stdin
                .take()
                .unwrap()
                .write_all(script.as_bytes())
                .unwrap();
            assert!(
                check.wait().unwrap().success(),
                "bash -n refused the script"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_follows_every_page_or_prints_one_with_its_token() {
    let emu = emulator().await;
    let base = emu.base_url();
    let body = EXAMPLE_CUSTOMER;
    for i in 0..3 {
        let domain = format!("pages{i}.onmicrosoft.com");
        let out = cli(
            &base,
            &[
                "customers",
                "create",
                "--body",
                "-",
                "--company-profile.domain",
                &domain,
            ],
            Some(body),
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let domains = |out: &Output| -> Vec<String> {
        text(&out.stdout)
            .lines()
            .map(|l| {
                serde_json::from_str::<Value>(l).unwrap()["companyProfile"]["domain"].to_string()
            })
            .collect()
    };
    // Pages of one: every page followed, one JSON line per customer.
    let all = cli(&base, &["customers", "list", "--size", "1"], None);
    assert!(all.status.success(), "{}", text(&all.stderr));
    assert_eq!(domains(&all).len(), 3, "{}", text(&all.stdout));
    // One page, its token on stderr; the next page from that token.
    let first = cli(
        &base,
        &["customers", "list", "--size", "1", "--one-page"],
        None,
    );
    assert_eq!(domains(&first).len(), 1);
    let stderr = text(&first.stderr);
    let token = stderr
        .split("continuation token: ")
        .nth(1)
        .expect("the token is on stderr")
        .trim();
    let rest = cli(
        &base,
        &["customers", "list", "--continuation-token", token],
        None,
    );
    assert!(rest.status.success(), "{}", text(&rest.stderr));
    let mut seen = domains(&first);
    seen.extend(domains(&rest));
    seen.sort();
    let mut expected = domains(&all);
    expected.sort();
    assert_eq!(seen, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_that_stops_early_is_not_an_error() {
    let emu = emulator().await;
    let base = emu.base_url();
    let body = EXAMPLE_CUSTOMER;
    let out = cli(&base, &["customers", "create", "--body", "-"], Some(body));
    assert!(out.status.success(), "{}", text(&out.stderr));
    // `| head -c 0` closes the pipe before the answer arrives: the write fails with EPIPE.
    for args in ["customers list", "completions bash"] {
        let out = Command::new("bash")
            .arg("-c")
            .arg(format!(
                "'{}' {args} | head -c 0; exit ${{PIPESTATUS[0]}}",
                env!("CARGO_BIN_EXE_partner-center")
            ))
            .env("PARTNER_CENTER_BASE_URL", &base)
            .env("PARTNER_CENTER_TOKEN", TOKEN)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args}: {}", text(&out.stderr));
        assert!(
            text(&out.stderr).is_empty(),
            "{args}: {}",
            text(&out.stderr)
        );
    }
}
