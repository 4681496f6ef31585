//! The Rust runner of the shared scenarios (tests/scenarios/*.yaml; the format is described in
//! tests/scenarios/README.md).
//!
//! Every call goes through the generated `partner_center::dispatch`, i.e. the typed Rust client with its
//! validation, retries and errors, over real HTTP to the emulator: an in-process one, or the one
//! at `PC_SANDBOX_URL`. A `harness = false` test, because the README fixes the output every
//! language's runner prints: one line per scenario, a summary, and the `SCENARIO_REPORT` file.
//!
//! `cargo test -p sdk-bridge --test scenarios -- TEXT` runs only the scenarios whose
//! `file: name` contains TEXT.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use bridge::ErrorFields;
use partner_center::{
    Client, ClientBuilder, ClientSecretCredential, CredentialOptions, RefreshTokenCredential,
    RetryPolicy, Secret,
};
use sdk_runtime::reqwest;
use serde::Serialize;
use serde_json::{Map, Value, json};

/// The emulator accepts any non-empty bearer token; a fixed one keeps runs reproducible.
const TOKEN: &str = "scenario-runner-rust";

/// A guard against a server that never stops handing out continuation tokens.
const MAX_PAGES: usize = 1000;

/// A scenario that hangs (a fault script nobody cleared, a client without a timeout) must not
/// hang the whole run; no scenario comes close to this.
const SCENARIO_TIMEOUT: Duration = Duration::from_secs(120);

const SCENARIO_KEYS: &[&str] = &["name", "about", "client", "signIn", "steps"];
const SIGN_IN_KEYS: &[&str] = &["credential", "app", "user"];
const USER_KEYS: &[&str] = &["mfa"];
/// The partner tenant credentials sign in to; the emulator accepts any.
const SIGN_IN_TENANT: &str = "scenarios.onmicrosoft.com";
const CLIENT_KEYS: &[&str] = &["maxRetries", "timeout", "validate"];
const CALL_KEYS: &[&str] = &[
    "call",
    "params",
    "body",
    "requestId",
    "timeout",
    "repeat",
    "pages",
    "save",
    "expect",
];
const EXPECT_KEYS: &[&str] = &["status", "body", "headers", "error"];
const ERROR_KEYS: &[&str] = &["kind", "status", "code", "retryAfter", "paths"];

fn main() -> ExitCode {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with('-'))
        .collect();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("scenarios: cannot start a tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&filters)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("scenarios: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs every selected scenario; `Ok(true)` when at least one ran and all passed.
async fn run(filters: &[String]) -> Result<bool, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let paging = load_paging(&root.join("spec/partner-center-customers.yaml"))?;
    let entries: Vec<Entry> = load_entries(&root.join("tests/scenarios"))
        .into_iter()
        .filter(|entry| {
            let label = format!("{}: {}", entry.file, entry.name);
            filters.is_empty() || filters.iter().any(|f| label.contains(f.as_str()))
        })
        .collect();

    let external = std::env::var("PC_SANDBOX_URL")
        .map(|url| url.trim().trim_end_matches('/').to_string())
        .ok()
        .filter(|url| !url.is_empty());
    // `_emulator` lives until the end of the run: dropping it stops the in-process emulator.
    let (base_url, _emulator) = match external {
        Some(url) => (url, None),
        None => {
            let server = sandbox::start(sandbox::Config {
                port: 0,
                // Scenarios script the throttling they test (faults); the emulator's own rate
                // limit and customer quota must not add failures of their own.
                throttle_per_minute: 0,
                quota: 100_000,
                ..Default::default()
            })
            .await
            .map_err(|e| format!("cannot start the emulator: {e}"))?;
            (server.base_url(), Some(server))
        }
    };
    sdk_runtime::ensure_crypto_provider();
    let admin = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| format!("cannot build the admin HTTP client: {e}"))?;
    let runner = Runner {
        base_url,
        admin,
        paging,
    };

    let mut results = Vec::new();
    for entry in entries {
        let outcome = match entry.scenario {
            Err(problem) => Err(problem),
            Ok(scenario) => {
                match tokio::time::timeout(SCENARIO_TIMEOUT, runner.run_scenario(&scenario)).await {
                    Ok(outcome) => outcome,
                    Err(_) => Err(format!(
                        "did not finish within {} s",
                        SCENARIO_TIMEOUT.as_secs()
                    )),
                }
            }
        };
        match &outcome {
            Ok(()) => println!("ok   {}: {}", entry.file, entry.name),
            Err(reason) => println!("FAIL {}: {} — {reason}", entry.file, entry.name),
        }
        // Progress stays visible while a slow scenario runs; a failed flush only delays output.
        let _ = std::io::stdout().flush();
        results.push(ReportRow {
            file: entry.file,
            name: entry.name,
            passed: outcome.is_ok(),
            error: outcome.err(),
        });
    }

    let passed = results.iter().filter(|row| row.passed).count();
    println!("scenarios: {} run, {passed} passed", results.len());
    if results.is_empty() {
        eprintln!("scenarios: no scenario found");
    }
    if let Ok(path) = std::env::var("SCENARIO_REPORT")
        && !path.is_empty()
    {
        let report = Report {
            language: "rust",
            results: &results,
        };
        let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
        std::fs::write(&path, text + "\n")
            .map_err(|e| format!("cannot write the report to {path}: {e}"))?;
    }
    Ok(!results.is_empty() && passed == results.len())
}

/// The `SCENARIO_REPORT` file. Structs rather than `json!`, so members keep the README's order.
#[derive(Serialize)]
struct Report<'a> {
    language: &'static str,
    results: &'a [ReportRow],
}

/// One scenario's row of the report.
#[derive(Serialize)]
struct ReportRow {
    file: String,
    name: String,
    passed: bool,
    error: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Loading

/// One scenario of a file, or why it cannot run (a file that does not parse is one entry too,
/// so a broken file fails the run instead of silently running fewer scenarios).
struct Entry {
    file: String,
    name: String,
    scenario: Result<Map<String, Value>, String>,
}

/// Every scenario of every `*.yaml` in `dir`, files in name order.
fn load_entries(dir: &Path) -> Vec<Entry> {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(listing) => listing
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
            .collect(),
        Err(e) => {
            return vec![Entry {
                file: dir.display().to_string(),
                name: "(directory)".into(),
                scenario: Err(format!("cannot list the scenario directory: {e}")),
            }];
        }
    };
    files.sort();

    let mut entries = Vec::new();
    // Names are unique across all files, so a report row is identified by its name alone.
    let mut seen: HashMap<String, String> = HashMap::new();
    for path in files {
        let file = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let scenarios = match read_yaml(&path).and_then(|doc| scenarios_of(&doc)) {
            Ok(scenarios) => scenarios,
            Err(problem) => {
                entries.push(Entry {
                    file,
                    name: "(file)".into(),
                    scenario: Err(problem),
                });
                continue;
            }
        };
        for (index, scenario) in scenarios.into_iter().enumerate() {
            let fallback = format!("(scenario {})", index + 1);
            let Value::Object(map) = scenario else {
                entries.push(Entry {
                    file: file.clone(),
                    name: fallback,
                    scenario: Err("a scenario must be a mapping".into()),
                });
                continue;
            };
            let (name, scenario) = match map.get("name") {
                Some(Value::String(name)) if !name.trim().is_empty() => {
                    match seen.insert(name.clone(), file.clone()) {
                        Some(first) => (
                            name.clone(),
                            Err(format!("the name is already used by a scenario of {first}")),
                        ),
                        None => (name.clone(), Ok(map)),
                    }
                }
                _ => (fallback, Err("`name` must be a non-empty string".into())),
            };
            entries.push(Entry {
                file: file.clone(),
                name,
                scenario,
            });
        }
    }
    entries
}

/// A YAML file as JSON, with anchors, aliases and merge keys resolved.
fn read_yaml(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let mut doc: serde_norway::Value =
        serde_norway::from_str(&text).map_err(|e| format!("not valid YAML: {e}"))?;
    doc.apply_merge()
        .map_err(|e| format!("bad YAML merge key: {e}"))?;
    serde_json::to_value(&doc).map_err(|e| format!("not representable as JSON: {e}"))
}

fn scenarios_of(doc: &Value) -> Result<Vec<Value>, String> {
    let map = doc
        .as_object()
        .ok_or("the file must be a mapping with `scenarios`")?;
    // Other top-level keys are allowed: a file may keep YAML anchors under one of its own.
    match map.get("scenarios") {
        Some(Value::Array(scenarios)) => Ok(scenarios.clone()),
        _ => Err("`scenarios` must be a list".into()),
    }
}

/// Where a paged operation's answer keeps its items and its continuation token.
struct Paging {
    items_field: String,
    token_field: String,
}

/// The `x-pc-paging` of every operation of the spec, by operation id.
fn load_paging(spec: &Path) -> Result<HashMap<String, Paging>, String> {
    let doc = read_yaml(spec).map_err(|e| format!("{}: {e}", spec.display()))?;
    let mut paging = HashMap::new();
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .ok_or_else(|| format!("{}: no `paths`", spec.display()))?;
    for operation in paths
        .values()
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
    {
        let (Some(id), Some(extension)) = (
            operation.get("operationId").and_then(Value::as_str),
            operation.get("x-pc-paging"),
        ) else {
            continue;
        };
        let field = |name: &str| {
            extension
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| format!("{id}: x-pc-paging has no `{name}`"))
        };
        paging.insert(
            id.to_string(),
            Paging {
                items_field: field("itemsField")?,
                token_field: field("tokenField")?,
            },
        );
    }
    Ok(paging)
}

// ---------------------------------------------------------------------------------------------
// Running

struct Runner {
    base_url: String,
    admin: reqwest::Client,
    paging: HashMap<String, Paging>,
}

/// A successful call: status, lower-case headers, and the answer in wire form.
struct Success {
    status: u16,
    headers: Vec<(String, String)>,
    body: Value,
}

/// What a call step's expectation is checked against.
type CallResult = Result<Success, ErrorFields>;

/// The variables `${name}` can name: the saved ones and, inside a `repeat`, `i`.
struct Scope<'a> {
    saved: &'a HashMap<String, Value>,
    i: Option<Value>,
}

impl Scope<'_> {
    fn get(&self, name: &str) -> Option<&Value> {
        match (&self.i, name) {
            (Some(i), "i") => Some(i),
            _ => self.saved.get(name),
        }
    }
}

/// The arguments of one call, variables substituted.
struct Request {
    params: Vec<u8>,
    body: Option<Vec<u8>>,
    request_id: Option<String>,
    timeout: Option<f64>,
}

impl Runner {
    async fn run_scenario(&self, scenario: &Map<String, Value>) -> Result<(), String> {
        check_keys(scenario, SCENARIO_KEYS, "the scenario")?;
        let steps = match scenario.get("steps") {
            Some(Value::Array(steps)) if !steps.is_empty() => steps,
            _ => return Err("`steps` must be a non-empty list".into()),
        };
        self.admin_post("/_sandbox/reset", None).await?;
        let client = self
            .sign_in(scenario.get("signIn"), self.client(scenario.get("client"))?)
            .await?
            .build()
            .map_err(|e| format!("the client cannot be built: {e}"))?;
        let mut saved = HashMap::new();
        for (index, step) in steps.iter().enumerate() {
            self.run_step(&client, step, &mut saved)
                .await
                .map_err(|e| format!("step {} ({}): {e}", index + 1, step_label(step)))?;
        }
        Ok(())
    }

    /// The client builder with the scenario's `signIn` credential instead of the fixed token:
    /// the app (and, for a refresh token, the user's stored sign-in) is set up in the emulator
    /// through its admin API first.
    async fn sign_in(
        &self,
        sign_in: Option<&Value>,
        builder: ClientBuilder,
    ) -> Result<ClientBuilder, String> {
        let Some(sign_in) = sign_in else {
            return Ok(builder);
        };
        let sign_in = sign_in.as_object().ok_or("`signIn` must be a mapping")?;
        check_keys(sign_in, SIGN_IN_KEYS, "`signIn`")?;
        let app = sign_in
            .get("app")
            .and_then(Value::as_object)
            .ok_or("`signIn.app` must be a mapping")?;
        let text = |key: &str| {
            app.get(key)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or(format!("`signIn.app.{key}` must be a string"))
        };
        let (client_id, secret) = (text("clientId")?, text("clientSecret")?);
        self.admin_post("/_sandbox/auth/apps", Some(&Value::Object(app.clone())))
            .await?;
        let options = CredentialOptions::default().with_authority_host(self.base_url.clone());
        let cannot = |e: partner_center::Error| format!("the credential cannot be built: {e}");
        match sign_in.get("credential").and_then(Value::as_str) {
            Some("clientSecret") => Ok(builder.credential(
                ClientSecretCredential::new(SIGN_IN_TENANT, client_id, secret, options)
                    .map_err(cannot)?,
            )),
            Some("refreshToken") => {
                let user = sign_in
                    .get("user")
                    .and_then(Value::as_object)
                    .ok_or("`signIn.user` must be a mapping for a refresh token")?;
                check_keys(user, USER_KEYS, "`signIn.user`")?;
                let mfa = user
                    .get("mfa")
                    .and_then(Value::as_bool)
                    .ok_or("`signIn.user.mfa` must be true or false")?;
                let stored = self
                    .admin_post(
                        "/_sandbox/auth/refresh-tokens",
                        Some(&json!({"clientId": client_id, "userPrincipalName": "admin@scenarios.example", "mfa": mfa})),
                    )
                    .await?;
                let refresh_token = stored["refreshToken"]
                    .as_str()
                    .ok_or("the emulator gave no refreshToken")?
                    .to_string();
                Ok(builder.credential(
                    RefreshTokenCredential::new(
                        SIGN_IN_TENANT,
                        client_id,
                        refresh_token,
                        Some(Secret::new(secret)),
                        None,
                        options,
                    )
                    .map_err(cannot)?,
                ))
            }
            _ => Err("`signIn.credential` must be clientSecret or refreshToken".into()),
        }
    }

    /// A new client builder for the scenario's `client` options.
    fn client(&self, options: Option<&Value>) -> Result<ClientBuilder, String> {
        let mut builder = Client::builder().base_url(&self.base_url).token(TOKEN);
        if let Some(options) = options {
            let options = options.as_object().ok_or("`client` must be a mapping")?;
            check_keys(options, CLIENT_KEYS, "`client`")?;
            if let Some(retries) = options.get("maxRetries") {
                let attempts = retries
                    .as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .and_then(|n| n.checked_add(1))
                    .ok_or("`client.maxRetries` must be a non-negative integer")?;
                builder = builder.retry(RetryPolicy::default().with_max_attempts(attempts));
            }
            if let Some(timeout) = options.get("timeout") {
                builder = builder.timeout(duration(timeout, "client.timeout")?);
            }
            if let Some(validate) = options.get("validate") {
                let validate = validate
                    .as_bool()
                    .ok_or("`client.validate` must be true or false")?;
                builder = builder.validation(validate);
            }
        }
        Ok(builder)
    }

    async fn run_step(
        &self,
        client: &Client,
        step: &Value,
        saved: &mut HashMap<String, Value>,
    ) -> Result<(), String> {
        let step = step.as_object().ok_or("a step must be a mapping")?;
        if step.contains_key("call") {
            return self.call_step(client, step, saved).await;
        }
        let scope = Scope { saved, i: None };
        if let Some(faults) = step.get("faults") {
            check_keys(step, &["faults"], "a faults step")?;
            let faults = substitute(faults, &scope)?;
            self.admin_post("/_sandbox/faults", Some(&faults))
                .await
                .map(drop)
        } else if let Some(seconds) = step.get("sleep") {
            check_keys(step, &["sleep"], "a sleep step")?;
            tokio::time::sleep(duration(seconds, "sleep")?).await;
            Ok(())
        } else if let Some(expected) = step.get("emulator") {
            check_keys(step, &["emulator"], "an emulator step")?;
            let expected = substitute(expected, &scope)?;
            if !expected.is_object() {
                return Err("`emulator` must be a mapping".into());
            }
            let health = self.health().await?;
            matches("emulator", &expected, &health)
        } else {
            Err(format!(
                "a step needs `call`, `faults`, `sleep` or `emulator`; it has {}",
                key_list(step.keys())
            ))
        }
    }

    async fn call_step(
        &self,
        client: &Client,
        step: &Map<String, Value>,
        saved: &mut HashMap<String, Value>,
    ) -> Result<(), String> {
        check_keys(step, CALL_KEYS, "a call step")?;
        let operation = step
            .get("call")
            .and_then(Value::as_str)
            .ok_or("`call` must be an operation id")?;
        let repeat = match step.get("repeat") {
            None => None,
            Some(n) => Some(
                n.as_u64()
                    .filter(|n| *n >= 1)
                    .ok_or("`repeat` must be a positive integer")?,
            ),
        };
        let paging = match step.get("pages") {
            None => None,
            Some(Value::String(all)) if all == "all" => {
                Some(self.paging.get(operation).ok_or_else(|| {
                    format!("`pages: all`, but {operation} has no x-pc-paging in the spec")
                })?)
            }
            Some(other) => return Err(format!("`pages` must be `all`, not {}", show(other))),
        };
        let save = save_paths(step.get("save"))?;

        for i in 1..=repeat.unwrap_or(1) {
            // Inside a repeat every message names the iteration that failed.
            let at = |e: String| match repeat {
                Some(_) => format!("i={i}: {e}"),
                None => e,
            };
            let (request, expect) = {
                let scope = Scope {
                    saved,
                    i: repeat.map(|_| json!(i)),
                };
                let request = request_of(step, &scope).map_err(at)?;
                let expect = match step.get("expect") {
                    Some(expect) => substitute(expect, &scope).map_err(at)?,
                    None => Value::Null,
                };
                (request, Expect::parse(&expect).map_err(at)?)
            };
            if expect.error.is_some() && !save.is_empty() {
                return Err("`save` needs a successful call; this one expects an error".into());
            }
            let result = match paging {
                Some(paging) => {
                    self.call_all_pages(client, operation, &request, paging)
                        .await
                }
                None => call_once(client, operation, &request, None).await,
            }
            .map_err(at)?;
            expect.check(&result).map_err(at)?;
            if let Ok(success) = &result {
                for (name, path) in &save {
                    let value = lookup(&success.body, path)
                        .map_err(|e| at(format!("save {name}: {e} in {}", show(&success.body))))?;
                    saved.insert(name.clone(), value.clone());
                }
            }
        }
        Ok(())
    }

    /// Every page of a paged operation, following continuation tokens to the end, as
    /// `{count, items}`; status and headers are the last page's. A failing page is the result.
    async fn call_all_pages(
        &self,
        client: &Client,
        operation: &str,
        request: &Request,
        paging: &Paging,
    ) -> Result<CallResult, String> {
        let mut items = Vec::new();
        let mut token: Option<String> = None;
        for page_number in 1..=MAX_PAGES {
            let page = match call_once(client, operation, request, token.take()).await? {
                Ok(page) => page,
                Err(error) => return Ok(Err(error)),
            };
            match page.body.get(&paging.items_field) {
                Some(Value::Array(page_items)) => items.extend(page_items.iter().cloned()),
                _ => {
                    return Err(format!(
                        "page {page_number} has no `{}` list: {}",
                        paging.items_field,
                        show(&page.body)
                    ));
                }
            }
            token = match page.body.get(&paging.token_field) {
                None | Some(Value::Null) => None,
                Some(Value::String(t)) if t.is_empty() => None,
                Some(Value::String(t)) => Some(t.clone()),
                Some(other) => {
                    return Err(format!(
                        "page {page_number}: `{}` is not a string: {}",
                        paging.token_field,
                        show(other)
                    ));
                }
            };
            if token.is_none() {
                return Ok(Ok(Success {
                    status: page.status,
                    headers: page.headers,
                    body: json!({"count": items.len(), "items": items}),
                }));
            }
        }
        Err(format!(
            "still not at the last page after {MAX_PAGES} pages"
        ))
    }

    /// POSTs to the admin API; the answer's JSON (`null` when it has none).
    async fn admin_post(&self, path: &str, body: Option<&Value>) -> Result<Value, String> {
        let mut request = self.admin.post(format!("{}{path}", self.base_url));
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request
            .send()
            .await
            .map_err(|e| format!("POST {path} failed: {e}"))?;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        if status.is_success() {
            Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
        } else {
            Err(format!("POST {path} answered {status}: {text}"))
        }
    }

    async fn health(&self) -> Result<Value, String> {
        let response = self
            .admin
            .get(format!("{}/_sandbox/health", self.base_url))
            .send()
            .await
            .map_err(|e| format!("GET /_sandbox/health failed: {e}"))?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| format!("GET /_sandbox/health: {e}"))?;
        if !status.is_success() {
            return Err(format!("GET /_sandbox/health answered {status}: {text}"));
        }
        serde_json::from_str(&text)
            .map_err(|e| format!("GET /_sandbox/health is not JSON ({e}): {text}"))
    }
}

/// One call through the bridge. `Err` only when the runner itself cannot go on (an answer that is
/// not JSON); the call's own failure is `Ok(Err(fields))`, for the expectation to judge.
async fn call_once(
    client: &Client,
    operation: &str,
    request: &Request,
    continuation_token: Option<String>,
) -> Result<CallResult, String> {
    // The request id identifies the first call; a continuation is a different request.
    let request_id = match continuation_token {
        None => request.request_id.clone(),
        Some(_) => None,
    };
    let call = match bridge::build_call(
        &request.params,
        request.body.as_deref(),
        request_id,
        request.timeout,
        None,
        continuation_token,
    ) {
        Ok(call) => call,
        Err(e) => return Ok(Err(ErrorFields::of(&e, None))),
    };
    let outcome = match partner_center::dispatch(client, operation, call).await {
        Ok(outcome) => outcome,
        Err(e) => return Ok(Err(ErrorFields::of(&e, None))),
    };
    let body = if outcome.body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&outcome.body).map_err(|e| {
            format!(
                "the bridge's answer is not JSON ({e}): {}",
                String::from_utf8_lossy(&outcome.body)
            )
        })?
    };
    Ok(Ok(Success {
        status: outcome.status,
        headers: outcome.headers,
        body,
    }))
}

/// The call's arguments from a step, variables substituted.
fn request_of(step: &Map<String, Value>, scope: &Scope) -> Result<Request, String> {
    let params = match step.get("params") {
        None => Value::Object(Map::new()),
        Some(params) if params.is_object() => substitute(params, scope)?,
        Some(_) => return Err("`params` must be a mapping of wire names to values".into()),
    };
    let body = step
        .get("body")
        .map(|body| substitute(body, scope))
        .transpose()?;
    let request_id = match step
        .get("requestId")
        .map(|id| substitute(id, scope))
        .transpose()?
    {
        None => None,
        Some(Value::String(id)) => Some(id),
        Some(other) => {
            return Err(format!(
                "`requestId` must be a string, not {}",
                show(&other)
            ));
        }
    };
    let timeout = match step.get("timeout") {
        None => None,
        Some(timeout) => Some(duration(timeout, "timeout")?.as_secs_f64()),
    };
    Ok(Request {
        params: params.to_string().into_bytes(),
        body: body.map(|body| body.to_string().into_bytes()),
        request_id,
        timeout,
    })
}

/// `save`: variable name → dotted path into the result.
fn save_paths(save: Option<&Value>) -> Result<Vec<(String, String)>, String> {
    let Some(save) = save else {
        return Ok(Vec::new());
    };
    let save = save
        .as_object()
        .ok_or("`save` must be a mapping of variable names to paths")?;
    save.iter()
        .map(|(name, path)| match path {
            Value::String(path) if !name.is_empty() => Ok((name.clone(), path.clone())),
            _ => Err(format!("save {name}: the path must be a string")),
        })
        .collect()
}

/// A short name for a step in messages: its operation id, or `faults` / `emulator`.
fn step_label(step: &Value) -> &str {
    if let Some(operation) = step.get("call").and_then(Value::as_str) {
        return operation;
    }
    ["faults", "sleep", "emulator"]
        .into_iter()
        .find(|key| step.get(key).is_some())
        .unwrap_or("?")
}

/// A positive number of seconds.
fn duration(value: &Value, what: &str) -> Result<Duration, String> {
    value.as_f64().and_then(bridge::seconds).ok_or_else(|| {
        format!(
            "`{what}` must be a positive number of seconds, not {}",
            show(value)
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Expectations

/// What a call step expects; by default, that the call succeeds.
struct Expect {
    status: Option<u16>,
    /// `Some(Value::Null)` is an explicit `body: null` (the operation returns nothing).
    body: Option<Value>,
    headers: Vec<(String, String)>,
    error: Option<ExpectedError>,
}

struct ExpectedError {
    kind: String,
    status: Option<u16>,
    code: Option<String>,
    retry_after: Option<f64>,
    paths: Vec<String>,
}

impl Expect {
    /// From a step's `expect` (null when the step has none).
    fn parse(expect: &Value) -> Result<Expect, String> {
        let empty = Map::new();
        let expect = match expect {
            Value::Null => &empty,
            Value::Object(map) => map,
            other => return Err(format!("`expect` must be a mapping, not {}", show(other))),
        };
        check_keys(expect, EXPECT_KEYS, "`expect`")?;
        let error = expect.get("error").map(ExpectedError::parse).transpose()?;
        if error.is_some()
            && ["status", "body", "headers"]
                .iter()
                .any(|k| expect.contains_key(*k))
        {
            return Err("`expect.error` cannot be combined with status, body or headers".into());
        }
        let headers = match expect.get("headers") {
            None => Vec::new(),
            Some(Value::Object(headers)) => headers
                .iter()
                .map(|(name, value)| {
                    scalar_text(value)
                        .map(|value| (name.to_ascii_lowercase(), value))
                        .ok_or_else(|| format!("expect.headers.{name} must be a string"))
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err("`expect.headers` must be a mapping".into()),
        };
        Ok(Expect {
            status: expect
                .get("status")
                .map(|s| status_of(s, "expect.status"))
                .transpose()?,
            body: expect.get("body").cloned(),
            headers,
            error,
        })
    }

    fn check(&self, result: &CallResult) -> Result<(), String> {
        match (&self.error, result) {
            (None, Ok(success)) => {
                if let Some(status) = self.status
                    && status != success.status
                {
                    return Err(format!(
                        "status: expected {status}, got {} with body {}",
                        success.status,
                        show(&success.body)
                    ));
                }
                for (name, want) in &self.headers {
                    let got: Vec<&str> = success
                        .headers
                        .iter()
                        .filter(|(n, _)| n == name)
                        .map(|(_, v)| v.as_str())
                        .collect();
                    // A repeated header means its values joined with commas (RFC 9110 §5.3).
                    let got = got.join(", ");
                    if got.is_empty() {
                        return Err(format!(
                            "headers.{name}: expected {want:?}, but it is absent"
                        ));
                    }
                    if &got != want {
                        return Err(format!("headers.{name}: expected {want:?}, got {got:?}"));
                    }
                }
                match &self.body {
                    Some(want) => matches("body", want, &success.body),
                    None => Ok(()),
                }
            }
            (None, Err(error)) => Err(format!(
                "expected success, the call failed: {}",
                describe(error)
            )),
            (Some(want), Ok(success)) => Err(format!(
                "expected a {} error, the call succeeded with status {} and body {}",
                want.kind,
                success.status,
                show(&success.body)
            )),
            (Some(want), Err(error)) => want
                .check(error)
                .map_err(|e| format!("{e} — the error: {}", describe(error))),
        }
    }
}

impl ExpectedError {
    fn parse(error: &Value) -> Result<ExpectedError, String> {
        let error = error
            .as_object()
            .ok_or("`expect.error` must be a mapping")?;
        check_keys(error, ERROR_KEYS, "`expect.error`")?;
        let kind = match error.get("kind") {
            Some(Value::String(kind)) => kind.clone(),
            _ => return Err("`expect.error.kind` is required (a string)".into()),
        };
        // Codes are strings ("60003"), but an unquoted YAML number means the same code.
        let code = match error.get("code") {
            None => None,
            Some(code @ (Value::String(_) | Value::Number(_))) => scalar_text(code),
            Some(other) => {
                return Err(format!(
                    "`expect.error.code` must be a string, not {}",
                    show(other)
                ));
            }
        };
        let retry_after = match error.get("retryAfter") {
            None => None,
            Some(secs) => Some(secs.as_f64().filter(|s| *s >= 0.0).ok_or_else(|| {
                format!(
                    "`expect.error.retryAfter` must be a number of seconds, not {}",
                    show(secs)
                )
            })?),
        };
        let paths = match error.get("paths") {
            None => Vec::new(),
            Some(Value::Array(paths)) => paths
                .iter()
                .map(|p| {
                    p.as_str()
                        .map(str::to_string)
                        .ok_or("`expect.error.paths` must be a list of strings")
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err("`expect.error.paths` must be a list of strings".into()),
        };
        Ok(ExpectedError {
            kind,
            status: error
                .get("status")
                .map(|s| status_of(s, "expect.error.status"))
                .transpose()?,
            code,
            retry_after,
            paths,
        })
    }

    fn check(&self, got: &ErrorFields) -> Result<(), String> {
        if self.kind != got.kind {
            return Err(format!(
                "error.kind: expected {:?}, got {:?}",
                self.kind, got.kind
            ));
        }
        if let Some(status) = self.status
            && got.status != Some(status)
        {
            return Err(format!(
                "error.status: expected {status}, got {}",
                optional(got.status)
            ));
        }
        if let Some(code) = &self.code
            && got.code.as_ref() != Some(code)
        {
            return Err(format!(
                "error.code: expected {code:?}, got {}",
                got.code
                    .as_ref()
                    .map_or_else(|| "none".to_string(), |c| format!("{c:?}"))
            ));
        }
        if let Some(secs) = self.retry_after
            && !got.retry_after.is_some_and(|r| (r - secs).abs() < 1e-6)
        {
            return Err(format!(
                "error.retryAfter: expected {secs}, got {}",
                optional(got.retry_after)
            ));
        }
        let got_paths: Vec<&str> = got.errors.iter().map(|(p, _)| p.as_str()).collect();
        if let Some(missing) = self.paths.iter().find(|p| !got_paths.contains(&p.as_str())) {
            return Err(format!(
                "error.paths: expected {missing:?} among {got_paths:?}"
            ));
        }
        Ok(())
    }
}

/// `expected` matched against `actual` (the README's rule): objects by their listed members,
/// arrays element by element with equal lengths, numbers by value, anything else by equality.
/// The error names the first difference by its path, `body.items[2].companyProfile.domain`.
fn matches(path: &str, expected: &Value, actual: &Value) -> Result<(), String> {
    match (expected, actual) {
        (Value::Object(want), Value::Object(got)) => {
            for (name, want) in want {
                let at = format!("{path}.{name}");
                match got.get(name) {
                    Some(got) => matches(&at, want, got)?,
                    // A serializer that leaves out an unset member says the same as `null`.
                    None if want.is_null() => {}
                    None => {
                        return Err(format!(
                            "{at}: expected {}, but the member is missing",
                            show(want)
                        ));
                    }
                }
            }
            Ok(())
        }
        (Value::Array(want), Value::Array(got)) => {
            if want.len() != got.len() {
                return Err(format!(
                    "{path}: expected {} items, got {}: {}",
                    want.len(),
                    got.len(),
                    show(actual)
                ));
            }
            for (index, (want, got)) in want.iter().zip(got).enumerate() {
                matches(&format!("{path}[{index}]"), want, got)?;
            }
            Ok(())
        }
        (Value::Number(want), Value::Number(got)) if numbers_equal(want, got) => Ok(()),
        _ if expected == actual => Ok(()),
        _ => Err(format!(
            "{path}: expected {}, got {}",
            show(expected),
            show(actual)
        )),
    }
}

/// 7 and 7.0 are the same number, whichever way a serializer wrote them.
fn numbers_equal(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    if let (Some(a), Some(b)) = (a.as_i64(), b.as_i64()) {
        return a == b;
    }
    if let (Some(a), Some(b)) = (a.as_u64(), b.as_u64()) {
        return a == b;
    }
    match (a.as_f64(), b.as_f64()) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// The value at a dotted path with `[n]` indices: `items[0].id`, `billingProfile.attributes.etag`.
fn lookup<'v>(value: &'v Value, path: &str) -> Result<&'v Value, String> {
    let malformed = || format!("malformed path {path:?}");
    let mut current = value;
    for segment in path.split('.') {
        let (name, mut indices) = segment.split_at(segment.find('[').unwrap_or(segment.len()));
        if name.is_empty() && indices.is_empty() {
            return Err(malformed());
        }
        if !name.is_empty() {
            current = current
                .as_object()
                .and_then(|object| object.get(name))
                .ok_or_else(|| format!("no {path}"))?;
        }
        while !indices.is_empty() {
            let close = indices.find(']').ok_or_else(malformed)?;
            let index: usize = indices
                .strip_prefix('[')
                .and_then(|rest| rest[..close - 1].parse().ok())
                .ok_or_else(malformed)?;
            current = current
                .as_array()
                .and_then(|items| items.get(index))
                .ok_or_else(|| format!("no {path}"))?;
            indices = &indices[close + 1..];
        }
    }
    Ok(current)
}

// ---------------------------------------------------------------------------------------------
// Variables

/// `value` with every `${name}` replaced: a string that is exactly `${name}` becomes the variable's
/// value (any JSON type); elsewhere the variable is interpolated as text.
fn substitute(value: &Value, scope: &Scope) -> Result<Value, String> {
    Ok(match value {
        Value::String(text) => substitute_text(text, scope)?,
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| substitute(item, scope))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|(name, member)| Ok((name.clone(), substitute(member, scope)?)))
                .collect::<Result<_, String>>()?,
        ),
        other => other.clone(),
    })
}

fn substitute_text(text: &str, scope: &Scope) -> Result<Value, String> {
    let variable = |name: &str| {
        scope
            .get(name)
            .ok_or_else(|| format!("${{{name}}} is not a saved variable"))
    };
    if let Some(name) = text
        .strip_prefix("${")
        .and_then(|rest| rest.strip_suffix('}'))
        && !name.contains(['$', '{', '}'])
    {
        return variable(name).cloned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find('}')
            .ok_or_else(|| format!("unterminated ${{ in {text:?}"))?;
        match variable(&after[..end])? {
            Value::String(s) => out.push_str(s),
            other => out.push_str(&other.to_string()),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(Value::String(out))
}

// ---------------------------------------------------------------------------------------------
// Small helpers

/// Typos in a scenario file must fail it, not be ignored.
fn check_keys(map: &Map<String, Value>, allowed: &[&str], what: &str) -> Result<(), String> {
    let unknown: Vec<&String> = map
        .keys()
        .filter(|key| !allowed.contains(&key.as_str()))
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{what} has unknown keys {} (allowed: {})",
            key_list(unknown.into_iter()),
            allowed.join(", ")
        ))
    }
}

fn key_list<'a>(keys: impl Iterator<Item = &'a String>) -> String {
    keys.map(String::as_str).collect::<Vec<_>>().join(", ")
}

fn status_of(value: &Value, what: &str) -> Result<u16, String> {
    value
        .as_u64()
        .and_then(|s| u16::try_from(s).ok())
        .filter(|s| (100..=599).contains(s))
        .ok_or_else(|| format!("`{what}` must be an HTTP status, not {}", show(value)))
}

/// A string, number or boolean as text; `None` for anything else.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn optional<T: std::fmt::Display>(value: Option<T>) -> String {
    value.map_or_else(|| "none".to_string(), |v| v.to_string())
}

/// An error as a message: kind, status, code, and the runtime's text.
fn describe(error: &ErrorFields) -> String {
    let mut facts = vec![error.kind.to_string()];
    if let Some(status) = error.status {
        facts.push(format!("status {status}"));
    }
    if let Some(code) = &error.code {
        facts.push(format!("code {code:?}"));
    }
    format!("{}: {}", facts.join(", "), error.message)
}

/// A value as compact JSON, cut short so one failure does not flood the output.
fn show(value: &Value) -> String {
    const LIMIT: usize = 300;
    let text = value.to_string();
    match text.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}
