//! `examples/onboard.rs` runs its whole journey against the emulator.

mod common;

// The example's `main` is not used here; its `onboard` is.
#[allow(dead_code)]
#[path = "../examples/onboard.rs"]
mod example;

#[tokio::test]
async fn the_onboard_example_runs_against_the_emulator() {
    let emu = common::emulator().await;
    let client = common::client(&emu);
    let domain = common::unique_domain("example");
    example::onboard(&client, &domain)
        .await
        .expect("the journey succeeds");
    let users = client
        .customers()
        .list()
        .await
        .expect("customers")
        .items
        .into_iter()
        .filter(|c| {
            c.company_profile
                .as_ref()
                .is_some_and(|p| p.domain == domain)
        })
        .count();
    assert_eq!(users, 1, "the example created its customer");
}
