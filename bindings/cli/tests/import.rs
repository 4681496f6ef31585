//! `partner-center customers import` against the emulator over real HTTP: the built binary runs
//! as a child process, the emulator runs in this process (quota and rate limit raised), and what
//! the import did is checked through the API and in the files it leaves.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use futures::StreamExt;
use partner_center::{Client, models};
use sandbox::{Config, Running};

const BIN: &str = env!("CARGO_BIN_EXE_partner-center");
const TOKEN: &str = "import-test-token";

/// Full paths where a short name could be ambiguous; the short ones show the short form works.
const HEADER: &str = "domain,billingProfile.companyName,billingProfile.email,culture,language,\
    defaultAddress.addressLine1,defaultAddress.city,defaultAddress.state,defaultAddress.postalCode,\
    defaultAddress.country,defaultAddress.firstName,defaultAddress.lastName,defaultAddress.phoneNumber";

async fn emulator() -> Running {
    sandbox::start(Config {
        port: 0,
        quota: 1000,
        throttle_per_minute: 0,
        ..Config::default()
    })
    .await
    .expect("the emulator starts")
}

fn client(emu: &Running) -> Client {
    Client::builder()
        .base_url(emu.base_url())
        .token(TOKEN)
        .build()
        .expect("client builds")
}

/// A fresh directory for one test's files.
fn workdir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("import-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("test directory");
    dir
}

/// What an import of `DIR/customers.csv` leaves beside it: every name from the full file name.
fn results_of(dir: &Path) -> PathBuf {
    dir.join("customers.csv.results.csv")
}

fn journal_of(dir: &Path) -> PathBuf {
    dir.join("customers.csv.results.csv.journal")
}

fn passwords_of(dir: &Path) -> PathBuf {
    dir.join("customers.csv.results.csv.passwords.csv")
}

fn domain(prefix: &str, i: usize) -> String {
    format!("{prefix}{i:04}.onmicrosoft.com")
}

fn row(domain: &str, i: usize) -> String {
    format!(
        "{domain},Contoso {i},billing{i}@contoso.example,en-US,en,{i} Microsoft Way,Redmond,WA,98052,US,Tania,Carr,4255550101"
    )
}

/// A CSV of `n` valid rows; returns its path.
fn csv_file(dir: &Path, prefix: &str, n: usize) -> PathBuf {
    let mut text = format!("{HEADER}\n");
    for i in 1..=n {
        text.push_str(&row(&domain(prefix, i), i));
        text.push('\n');
    }
    let path = dir.join("customers.csv");
    std::fs::write(&path, text).expect("write the CSV");
    path
}

fn command(emu: &Running, file: &Path, extra: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(["--base-url", &emu.base_url(), "--token", TOKEN])
        .args(["customers", "import"])
        .arg(file)
        .args(["--requests-per-minute", "600000", "--concurrency", "8"])
        .args(extra)
        .stdin(Stdio::null());
    cmd
}

/// Runs an import to its end (off the runtime's threads: the emulator runs on them).
async fn import(emu: &Running, file: &Path, extra: &[&str]) -> Output {
    let mut cmd = command(emu, file, extra);
    tokio::task::spawn_blocking(move || cmd.output().expect("the binary runs"))
        .await
        .expect("join")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn set_faults(emu: &Running, faults: serde_json::Value) -> serde_json::Value {
    sdk_runtime::ensure_crypto_provider();
    let http = sdk_runtime::reqwest::Client::new();
    let url = format!("{}/_sandbox/faults", emu.base_url());
    let resp = http
        .post(&url)
        .json(&faults)
        .send()
        .await
        .expect("faults set");
    assert!(
        resp.status().is_success(),
        "setting faults: {}",
        resp.status()
    );
    http.get(&url)
        .send()
        .await
        .expect("faults read")
        .json()
        .await
        .expect("faults JSON")
}

async fn injected(emu: &Running, kind: &str) -> u64 {
    sdk_runtime::ensure_crypto_provider();
    let view: serde_json::Value =
        sdk_runtime::reqwest::get(format!("{}/_sandbox/faults", emu.base_url()))
            .await
            .expect("faults read")
            .json()
            .await
            .expect("faults JSON");
    view["injected"][kind].as_u64().unwrap_or(0)
}

/// Every customer the partner has, through the API (every page).
async fn customers(emu: &Running) -> Vec<models::Customer> {
    let client = client(emu);
    let mut all = Vec::new();
    let mut stream = client.customers().list().size(100).stream();
    while let Some(c) = stream.next().await {
        all.push(c.expect("list customers"));
    }
    all
}

fn domains_of(customers: &[models::Customer]) -> Vec<String> {
    customers
        .iter()
        .map(|c| {
            c.company_profile
                .as_ref()
                .expect("profile")
                .domain
                .to_lowercase()
        })
        .collect()
}

/// The CSV's records (header excluded).
fn records(path: &Path) -> Vec<csv::StringRecord> {
    csv::Reader::from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .records()
        .map(|r| r.expect("a CSV record"))
        .collect()
}

fn journal_lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// Create steps whose last record is the intent: in flight when the process died.
fn in_flight(journal: &[serde_json::Value]) -> usize {
    let mut last: HashMap<&str, &str> = HashMap::new();
    for r in journal.iter().filter(|r| r["step"] == "create") {
        last.insert(
            r["requestId"].as_str().unwrap_or_default(),
            r["event"].as_str().unwrap_or_default(),
        );
    }
    last.values().filter(|e| **e == "intent").count()
}

/// The import started in the background, its output captured.
fn spawn_import(emu: &Running, file: &Path) -> Child {
    command(emu, file, &[])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts")
}

/// Polls the journal until `ready` holds for its records; the import must still be running.
async fn wait_for_journal(
    child: &mut Child,
    journal: &Path,
    limit: Duration,
    ready: impl Fn(&[serde_json::Value]) -> bool,
) {
    let started = Instant::now();
    while !ready(&journal_lines(journal)) {
        assert!(
            child.try_wait().expect("child state").is_none(),
            "the import ended before the test stepped in"
        );
        assert!(started.elapsed() < limit, "the import is too slow");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// How many steps the journal records as done (`step`: only that step's).
fn done_count(journal: &[serde_json::Value], step: Option<&str>) -> usize {
    journal
        .iter()
        .filter(|r| r["event"] == "done" && step.is_none_or(|s| r["step"] == s))
        .count()
}

/// Sends SIGINT, as Ctrl-C on a terminal does.
fn interrupt(child: &Child) {
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill -INT");
    assert!(sent.success());
}

/// Waits for the child off the async runtime (the emulator runs on it).
async fn finish(child: Child) -> Output {
    tokio::task::spawn_blocking(move || child.wait_with_output().expect("wait"))
        .await
        .expect("join")
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_hundred_rows_with_faults_and_a_kill_end_with_each_customer_once() {
    const ROWS: usize = 300;
    let emu = emulator().await;
    let dir = workdir("kill");
    let file = csv_file(&dir, "bulk", ROWS);
    let journal = journal_of(&dir);
    let results = results_of(&dir);
    let passwords = passwords_of(&dir);
    // 5xx before handling, and creates committed whose answer never arrives; a little latency so
    // that calls are in flight when the import is killed.
    set_faults(
        &emu,
        serde_json::json!({"errorRate": 0.1, "dropAfterCreateRate": 0.1, "latencyMs": 3}),
    )
    .await;

    // First run: killed (SIGKILL, no chance to clean up) once a third of the rows are done.
    let mut child = spawn_import(&emu, &file);
    wait_for_journal(&mut child, &journal, Duration::from_secs(60), |j| {
        done_count(j, Some("create")) >= ROWS / 3
    })
    .await;
    child.kill().expect("SIGKILL");
    let killed = finish(child).await;
    let at_kill = journal_lines(&journal);
    assert!(
        in_flight(&at_kill) >= 1,
        "no create was in flight when the import was killed: the test proves nothing"
    );
    let done_at_kill = customers(&emu).await.len();
    assert!(done_at_kill < ROWS, "the kill came too late to matter");

    // Reruns with the faults still on, until every row is done (a row can fail all its retries).
    let mut outputs = vec![killed];
    for _ in 0..4 {
        let out = import(&emu, &file, &[]).await;
        let code = out.status.code();
        outputs.push(out);
        if code == Some(0) {
            break;
        }
        assert_eq!(
            code,
            Some(30),
            "only failed rows may end a run: {}",
            text(&outputs.last().unwrap().stderr)
        );
    }
    let last = outputs.last().unwrap();
    assert!(
        last.status.success(),
        "the last rerun: {}",
        text(&last.stderr)
    );
    assert!(
        injected(&emu, "drop_after_commit").await > 0,
        "no answer was dropped"
    );

    set_faults(&emu, serde_json::json!({})).await;
    let listed = customers(&emu).await;
    let listed_domains = domains_of(&listed);
    let unique: BTreeSet<&String> = listed_domains.iter().collect();
    assert_eq!(listed.len(), ROWS, "exactly one customer per row");
    assert_eq!(unique.len(), ROWS, "no domain twice");
    let expected: BTreeSet<String> = (1..=ROWS).map(|i| domain("bulk", i)).collect();
    assert_eq!(
        unique.into_iter().cloned().collect::<BTreeSet<_>>(),
        expected
    );

    // The results: one line per row, with the customer the service has for its domain.
    let by_domain: HashMap<String, String> = listed
        .iter()
        .map(|c| {
            (
                c.company_profile.as_ref().unwrap().domain.to_lowercase(),
                c.id.unwrap().to_string(),
            )
        })
        .collect();
    let result_rows = records(&results);
    assert_eq!(result_rows.len(), ROWS);
    for (i, r) in result_rows.iter().enumerate() {
        assert_eq!(r[0], (i + 1).to_string(), "results in row order");
        assert_eq!(r[2], domain("bulk", i + 1));
        assert_eq!(
            by_domain[&r[2]],
            r[1],
            "row {}: the service's customer",
            i + 1
        );
        assert!(!r[3].is_empty(), "row {}: admin user name", i + 1);
    }

    // Every password arrived (a replay returns it again; a second create would have been
    // refused and its password lost), the file is owner-only, and no output shows one.
    #[cfg(unix)]
    assert_eq!(mode(&passwords), 0o600);
    let secrets = records(&passwords);
    assert_eq!(secrets.len(), ROWS, "one password per customer");
    let mut seen = BTreeSet::new();
    for r in &secrets {
        assert!(seen.insert(r[1].to_string()), "customer {} twice", &r[1]);
        assert!(r[4].len() >= 8, "a password for {}", &r[2]);
        for out in &outputs {
            assert!(!text(&out.stdout).contains(&r[4]) && !text(&out.stderr).contains(&r[4]));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rerun_without_its_journal_replays_every_create_instead_of_creating() {
    let emu = emulator().await;
    let dir = workdir("replay");
    let file = csv_file(&dir, "replay", 20);
    let results = results_of(&dir);
    let passwords = passwords_of(&dir);
    let first = import(&emu, &file, &[]).await;
    assert!(first.status.success(), "{}", text(&first.stderr));
    let first_results = records(&results);
    let first_passwords = records(&passwords);
    assert_eq!(first_results.len(), 20);

    // Everything the import knew is gone; only the request ids, derived from the rows, remain.
    for f in [results_of(&dir), journal_of(&dir), passwords_of(&dir)] {
        std::fs::remove_file(f).expect("remove");
    }
    // A passwords file others can read is made owner-only before anything goes into it.
    std::fs::write(&passwords, "").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&passwords, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let second = import(&emu, &file, &[]).await;
    assert!(second.status.success(), "{}", text(&second.stderr));
    #[cfg(unix)]
    {
        assert_eq!(mode(&passwords), 0o600);
        assert!(
            text(&second.stderr).contains("readable by others"),
            "{}",
            text(&second.stderr)
        );
    }
    assert_eq!(customers(&emu).await.len(), 20, "no customer created twice");
    assert_eq!(records(&results), first_results, "the same customers");
    assert_eq!(
        records(&passwords),
        first_passwords,
        "the replays' passwords"
    );

    // With the journal, a third run sends nothing at all.
    let third = import(&emu, &file, &[]).await;
    assert!(third.status.success(), "{}", text(&third.stderr));
    assert!(
        text(&third.stderr).contains("0 done now, 20 done before"),
        "{}",
        text(&third.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_lists_every_problem_with_its_row_and_line_and_sends_nothing() {
    let emu = emulator().await;
    let dir = workdir("dry");
    let mut text_in = format!("{HEADER}\n");
    text_in.push_str(&row(&domain("dry", 1), 1)); // row 1, line 2: fine
    text_in.push('\n');
    text_in
        .push_str(&row(&domain("dry", 2), 2).replace("billing2@contoso.example", "not-an-email"));
    text_in.push('\n');
    text_in.push_str(&row(&domain("dry", 3), 3).replace(",US,", ",,")); // no country
    text_in.push('\n');
    text_in.push_str(&row(&domain("DRY", 1), 4)); // row 1's domain again (other case)
    text_in.push('\n');
    text_in.push_str("\"dry0005.onmicrosoft.com\",only two\n"); // too few cells
    let file = dir.join("customers.csv");
    std::fs::write(&file, &text_in).unwrap();

    let out = import(&emu, &file, &["--dry-run"]).await;
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(
        err.contains("row 2 (line 3): billingProfile.email:"),
        "{err}"
    );
    assert!(
        err.contains("row 3 (line 4): billingProfile.defaultAddress.country:"),
        "{err}"
    );
    assert!(
        err.contains("row 4 (line 5): companyProfile.domain: `dry0001.onmicrosoft.com` is also in row 1 (line 2)"),
        "{err}"
    );
    assert!(err.contains("row 5 (line 6): has 2 cells"), "{err}");
    assert!(!err.contains("row 1 (line 2):"), "row 1 is fine: {err}");
    assert!(err.contains("4 rows of the file do not validate"), "{err}");

    // Without --dry-run the same file sends nothing either.
    let out = import(&emu, &file, &[]).await;
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    assert!(customers(&emu).await.is_empty(), "nothing was created");
    assert!(!journal_of(&dir).exists());

    // A clean file's dry run succeeds, still sending nothing.
    let file = csv_file(&dir, "dry", 3);
    let out = import(&emu, &file, &["--dry-run"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("3 rows validate"),
        "{}",
        text(&out.stderr)
    );
    assert!(customers(&emu).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_column_or_member_is_named_with_the_closest_known_one() {
    let emu = emulator().await;
    let dir = workdir("unknown");
    let file = dir.join("customers.csv");
    std::fs::write(&file, HEADER.replacen("domain", "domian", 1) + "\n").unwrap();
    let out = import(&emu, &file, &["--dry-run"]).await;
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("column 1 (`domian`)"), "{err}");
    assert!(err.contains("`companyProfile.domain`"), "{err}");

    // JSON lines: a misspelt member is named with its path, not dropped.
    let file = dir.join("customers.jsonl");
    let good = serde_json::json!({
        "companyProfile": {"domain": domain("jsonl", 1)},
        "billingProfile": {"email": "a@contoso.example", "culture": "en-US", "language": "en",
            "companyName": "Contoso", "defaultAddress": {"addressLine1": "1 Way", "city": "Redmond",
            "state": "WA", "postalCode": "98052", "country": "US"}}
    });
    let mut bad = good.clone();
    bad["companyProfile"] = serde_json::json!({"domain": domain("jsonl", 2)});
    bad["billingProfile"]["defaultAddress"]["postalCod"] = "98052".into();
    std::fs::write(&file, format!("{good}\n\n{bad}\n{{\"companyProfile\": \n")).unwrap();
    let out = import(&emu, &file, &["--dry-run"]).await;
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(
        err.contains("row 2 (line 3): billingProfile.defaultAddress.postalCod:"),
        "{err}"
    );
    assert!(err.contains("postalCode"), "the closest member: {err}");
    assert!(err.contains("row 3 (line 4):"), "{err}");
    assert!(customers(&emu).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attest_mca_attests_each_customer_once_across_reruns() {
    let emu = emulator().await;
    let dir = workdir("mca");
    let mut text_in =
        format!("{HEADER},agreement.primaryContact.firstName,agreement.lastName,agreement.email\n");
    for i in 1..=5 {
        text_in.push_str(&format!(
            "{},Gena,Soto,gena{i}@contoso.example\n",
            row(&domain("mca", i), i)
        ));
    }
    let file = dir.join("customers.csv");
    std::fs::write(&file, &text_in).unwrap();

    let first = import(&emu, &file, &["--attest-mca"]).await;
    assert!(first.status.success(), "{}", text(&first.stderr));
    // The journal gone, a rerun replays the creates and meets "already attested": done, not failed.
    std::fs::remove_file(journal_of(&dir)).unwrap();
    let second = import(&emu, &file, &["--attest-mca"]).await;
    assert!(second.status.success(), "{}", text(&second.stderr));

    let client = client(&emu);
    let results = records(&results_of(&dir));
    assert_eq!(results.len(), 5);
    for (i, r) in results.iter().enumerate() {
        assert_eq!(&r[4], "yes", "row {} attested", i + 1);
        let id: uuid::Uuid = r[1].parse().unwrap();
        let on_record = client
            .agreements()
            .list(id)
            .agreement_type("MicrosoftCustomerAgreement")
            .await
            .expect("list agreements");
        assert_eq!(on_record.total_count, 1, "row {}: one attestation", i + 1);
        let contact = &on_record.items[0].primary_contact;
        assert_eq!(contact.email, format!("gena{}@contoso.example", i + 1));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_edited_after_its_answer_was_lost_is_found_by_domain_not_created_again() {
    let emu = emulator().await;
    let dir = workdir("lost");
    let file = csv_file(&dir, "lost", 3);
    // Every create is committed and its answer lost, retries included: all three rows fail,
    // yet the service has all three customers.
    set_faults(&emu, serde_json::json!({"dropAfterCreateRate": 1.0})).await;
    let first = import(&emu, &file, &[]).await;
    assert_eq!(first.status.code(), Some(30), "{}", text(&first.stderr));
    set_faults(&emu, serde_json::json!({})).await;
    assert_eq!(customers(&emu).await.len(), 3);

    // Row 2 is edited (another city: another request id, so no replay): the service refuses
    // its domain as taken, and the import finds the customer by domain instead of failing.
    let edited = std::fs::read_to_string(&file).unwrap().replacen(
        "2 Microsoft Way,Redmond",
        "2 Microsoft Way,Bellevue",
        1,
    );
    std::fs::write(&file, edited).unwrap();
    let second = import(&emu, &file, &[]).await;
    assert!(second.status.success(), "{}", text(&second.stderr));
    let listed = customers(&emu).await;
    assert_eq!(listed.len(), 3, "no customer created twice");
    let results = records(&results_of(&dir));
    assert_eq!(results.len(), 3);
    let row2 = listed
        .iter()
        .find(|c| c.company_profile.as_ref().unwrap().domain == domain("lost", 2))
        .unwrap();
    assert_eq!(results[1][1], row2.id.unwrap().to_string());
    // Rows 1 and 3 were replayed (their passwords came back); row 2's is not known.
    let secrets = records(&passwords_of(&dir));
    let rows: Vec<&str> = secrets.iter().map(|r| r.get(0).unwrap()).collect();
    assert_eq!(rows, ["1", "3"]);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_new_rows_lets_calls_in_flight_finish_and_a_rerun_resumes() {
    const ROWS: usize = 60;
    let emu = emulator().await;
    let dir = workdir("ctrlc");
    let file = csv_file(&dir, "ctrlc", ROWS);
    let journal = journal_of(&dir);
    set_faults(&emu, serde_json::json!({"latencyMs": 20})).await;
    let mut child = spawn_import(&emu, &file);
    wait_for_journal(&mut child, &journal, Duration::from_secs(30), |j| {
        done_count(j, None) >= 8
    })
    .await;
    interrupt(&child);
    let out = finish(child).await;
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "interrupted: {err}");
    assert!(
        err.contains("not finished; run the same command again to resume"),
        "{err}"
    );
    assert_eq!(
        in_flight(&journal_lines(&journal)),
        0,
        "calls in flight finished: {err}"
    );
    let done = records(&results_of(&dir)).len();
    assert!(done < ROWS, "stopped before the end");
    assert_eq!(
        customers(&emu).await.len(),
        done,
        "the results hold every customer made"
    );

    set_faults(&emu, serde_json::json!({})).await;
    let rerun = import(&emu, &file, &[]).await;
    assert!(rerun.status.success(), "{}", text(&rerun.stderr));
    assert_eq!(customers(&emu).await.len(), ROWS);
    assert_eq!(records(&results_of(&dir)).len(), ROWS);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_ctrl_c_quits_at_once_with_130_and_a_rerun_completes() {
    const ROWS: usize = 40;
    let emu = emulator().await;
    let dir = workdir("ctrlc2");
    let file = csv_file(&dir, "twice", ROWS);
    // Calls slow enough that both Ctrl-Cs come while the first rows are in flight.
    set_faults(&emu, serde_json::json!({"latencyMs": 400})).await;
    let mut child = spawn_import(&emu, &file);
    wait_for_journal(
        &mut child,
        &journal_of(&dir),
        Duration::from_secs(30),
        |j| !j.is_empty(),
    )
    .await;
    // (The Ctrl-C handler is installed by the time the first intent is written; a little more.)
    tokio::time::sleep(Duration::from_millis(30)).await;
    interrupt(&child);
    tokio::time::sleep(Duration::from_millis(50)).await;
    interrupt(&child);
    let out = finish(child).await;
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(err.contains("quit: rows in flight are journaled"), "{err}");
    assert!(
        in_flight(&journal_lines(&journal_of(&dir))) >= 1,
        "quit with calls in flight: {err}"
    );

    set_faults(&emu, serde_json::json!({})).await;
    let rerun = import(&emu, &file, &[]).await;
    assert!(rerun.status.success(), "{}", text(&rerun.stderr));
    assert_eq!(customers(&emu).await.len(), ROWS, "each customer once");
    assert_eq!(records(&results_of(&dir)).len(), ROWS);
    assert_eq!(records(&passwords_of(&dir)).len(), ROWS);
}

/// A customer made by someone else before the import.
async fn existing_customer(emu: &Running, domain: &str) -> String {
    let body = serde_json::json!({
        "companyProfile": {"domain": domain},
        "billingProfile": {"email": "owner@fabrikam.example", "culture": "en-US",
            "language": "en", "companyName": "Fabrikam", "firstName": "Ola", "lastName": "Lind",
            "defaultAddress": {"addressLine1": "1 Way", "city": "Redmond", "state": "WA",
                "postalCode": "98052", "country": "US", "phoneNumber": "4255550102"}}
    });
    let customer: models::NewCustomer = serde_json::from_value(body).expect("a create body");
    let made = client(emu)
        .customers()
        .create(&customer)
        .send()
        .await
        .expect("the customer made before the import");
    made.id.expect("an id").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_domain_someone_else_has_fails_every_run_and_is_never_recorded_as_made() {
    let emu = emulator().await;
    let dir = workdir("taken");
    let file = csv_file(&dir, "taken", 3);
    let theirs = existing_customer(&emu, &domain("taken", 2)).await;

    for run in 1..=2 {
        let out = import(&emu, &file, &["--attest-mca"]).await;
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(30), "run {run}: {err}");
        assert!(
            err.contains(&format!(
                "row 2 (line 3, {}): create failed",
                domain("taken", 2)
            )),
            "run {run}: {err}"
        );
        let results = records(&results_of(&dir));
        let rows: Vec<&str> = results.iter().map(|r| r.get(0).unwrap()).collect();
        assert_eq!(rows, ["1", "3"], "run {run}: the taken domain is not ours");
        assert!(results.iter().all(|r| r[1] != theirs));
    }
    let journal = journal_lines(&journal_of(&dir));
    assert!(
        !journal
            .iter()
            .any(|r| r["domain"] == domain("taken", 2) && r["event"] == "done"),
        "the journal records the taken domain as made"
    );
    assert_eq!(customers(&emu).await.len(), 3, "2 made, 1 theirs");
    let attested = client(&emu)
        .agreements()
        .list(theirs.parse().unwrap())
        .agreement_type("MicrosoftCustomerAgreement")
        .await
        .expect("list agreements");
    assert_eq!(attested.total_count, 0, "their customer was not attested");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_edited_after_its_create_is_attested_under_the_create_that_made_it() {
    let emu = emulator().await;
    let dir = workdir("edited");
    let file = csv_file(&dir, "edited", 3);
    let first = import(&emu, &file, &[]).await;
    assert!(first.status.success(), "{}", text(&first.stderr));

    // Row 2 edited (another request id), then attested: its customer is the one made by run 1.
    let edited = std::fs::read_to_string(&file).unwrap().replacen(
        "2 Microsoft Way,Redmond",
        "2 Microsoft Way,Bellevue",
        1,
    );
    std::fs::write(&file, edited).unwrap();
    let second = import(&emu, &file, &["--attest-mca"]).await;
    assert!(second.status.success(), "{}", text(&second.stderr));
    let results = records(&results_of(&dir));
    assert_eq!(results.len(), 3, "the edited row stays in the results");
    assert!(results.iter().all(|r| &r[4] == "yes"), "{results:?}");

    // Nothing left to do: the edited row is not sent again.
    let third = import(&emu, &file, &["--attest-mca"]).await;
    assert!(third.status.success(), "{}", text(&third.stderr));
    assert!(
        text(&third.stderr).contains("0 done now, 3 done before"),
        "{}",
        text(&third.stderr)
    );
    assert_eq!(records(&results_of(&dir)), results);
    assert_eq!(customers(&emu).await.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_that_would_overwrite_the_input_are_refused() {
    let emu = emulator().await;
    let dir = workdir("overwrite");
    let file = csv_file(&dir, "overwrite", 2);
    let before = std::fs::read(&file).unwrap();
    let same = dir.join(".").join("customers.csv");
    let out = import(&emu, &file, &["--results", same.to_str().unwrap()]).await;
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("would be written over the input file"),
        "{err}"
    );
    assert_eq!(std::fs::read(&file).unwrap(), before, "the input is intact");
    assert!(customers(&emu).await.is_empty(), "nothing was sent");

    // The same rows as JSON lines beside the CSV: results, journal, passwords of their own.
    let out = import(&emu, &file, &[]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let jsonl = dir.join("customers.jsonl");
    let bodies: Vec<String> = records(&file)
        .iter()
        .map(|r| {
            serde_json::json!({"companyProfile": {"domain": &r[0]},
                "billingProfile": {"companyName": &r[1], "email": &r[2], "culture": &r[3],
                "language": &r[4], "defaultAddress": {"addressLine1": &r[5], "city": &r[6],
                "state": &r[7], "postalCode": &r[8], "country": &r[9], "firstName": &r[10],
                "lastName": &r[11], "phoneNumber": &r[12]}}})
            .to_string()
        })
        .collect();
    std::fs::write(&jsonl, bodies.join("\n") + "\n").unwrap();
    let out = import(&emu, &jsonl, &[]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("2 done now, 0 done before"),
        "its own journal, not the CSV's: {}",
        text(&out.stderr)
    );
    assert_eq!(records(&dir.join("customers.jsonl.results.csv")).len(), 2);
    assert_eq!(records(&results_of(&dir)).len(), 2);
    assert_eq!(customers(&emu).await.len(), 2, "replayed, not made again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journal_moved_aside_after_a_row_was_edited_finds_the_customer_by_the_results() {
    // What the damaged-journal message suggests: move it aside and run again. An edited row has
    // another request id, so its create is no replay and the service answers "domain taken";
    // the results still list the domain, so the customer is ours and is looked up.
    let emu = emulator().await;
    let dir = workdir("aside");
    let file = csv_file(&dir, "aside", 3);
    let first = import(&emu, &file, &[]).await;
    assert!(first.status.success(), "{}", text(&first.stderr));
    let before = records(&results_of(&dir));
    let csv = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, csv.replace("4255550101", "4255550199")).unwrap();
    std::fs::rename(journal_of(&dir), dir.join("journal.aside")).unwrap();

    let rerun = import(&emu, &file, &[]).await;
    assert!(rerun.status.success(), "{}", text(&rerun.stderr));
    assert_eq!(customers(&emu).await.len(), 3, "no customer created twice");
    // Row, customer id and domain; the admin user name is not known to a lookup by domain.
    let ids = |rows: Vec<csv::StringRecord>| -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().take(3).map(str::to_string).collect())
            .collect()
    };
    assert_eq!(
        ids(records(&results_of(&dir))),
        ids(before),
        "every row, same customers"
    );
}
