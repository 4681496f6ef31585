//! The `partner-center` binary; everything is in the library (`src/lib.rs`), which the tests
//! also read the generated table from.

fn main() -> std::process::ExitCode {
    partner_center_cli::main()
}
