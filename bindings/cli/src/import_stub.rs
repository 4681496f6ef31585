// Temporary stand-in until the import module lands.
pub fn command() -> clap::Command {
    clap::Command::new("import").about("Create customers in bulk from a file")
}
pub async fn run(
    _ctx: &crate::context::Context,
    _matches: &clap::ArgMatches,
) -> Result<(), crate::exit::CliError> {
    Err(crate::exit::CliError::Usage("not yet".into()))
}
