//! `huge_body` at its default size (300 MB) goes through without the emulator holding it:
//! the test process (emulator and client) stays far below the body's size. A file of its
//! own so no other test's allocations blur the measurement.

mod common;

use common::*;
use serde_json::json;

/// Resident set size of this process, in bytes (Linux).
fn rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[tokio::test]
async fn the_default_huge_body_streams_in_bounded_memory() {
    let Some(before) = rss() else {
        eprintln!("no /proc/self/status: skipped");
        return;
    };
    let env = env().await;
    env.set_faults(json!({"script": [{"fault": "huge_body"}]}))
        .await;
    let mut r = env.get("/v1/customers").send().await.unwrap();
    assert_eq!(r.headers()["content-length"], "300000000");
    let (mut total, mut peak) = (0u64, before);
    while let Some(chunk) = r.chunk().await.unwrap() {
        total += chunk.len() as u64;
        if total % (16 << 20) < chunk.len() as u64 {
            peak = peak.max(rss().unwrap());
        }
    }
    assert_eq!(total, 300_000_000);
    let grew = peak.saturating_sub(before);
    assert!(
        grew < 64 << 20,
        "RSS grew by {} MB while 300 MB streamed",
        grew >> 20
    );
}
