//! What every command shares: where to send calls, how to sign in, how to print. Read once from
//! the global flags (and their environment variables) in `main.rs`.

use std::io::IsTerminal;
use std::time::Duration;

use partner_center::{Client, ClientBuilder, Cloud};

use crate::exit::CliError;
use crate::output::Output;
use crate::signin::SignIn;

/// The global settings of one run.
pub struct Context {
    pub output: Output,
    /// `--base-url`: another host than the cloud's (the emulator, a proxy).
    pub base_url: Option<String>,
    pub cloud: Cloud,
    /// `--authority-host`: another sign-in service than the cloud's (the emulator).
    pub authority_host: Option<String>,
    pub sign_in: SignIn,
    /// `--timeout`: per attempt.
    pub timeout: Option<Duration>,
    /// `--verbose`: one line per attempt on stderr (method, path, status, request id, duration).
    pub verbose: bool,
    /// Whether stderr is a terminal (progress bars, prompts).
    pub stderr_is_terminal: bool,
}

impl Context {
    /// A client builder with the connection and sign-in of this run, for commands that add their
    /// own settings (the import adds its pace) before `build()`.
    pub fn client_builder(&self) -> Result<ClientBuilder, CliError> {
        let mut builder = Client::builder().cloud(self.cloud);
        if let Some(url) = &self.base_url {
            builder = builder.base_url(url.clone());
        }
        if let Some(timeout) = self.timeout {
            builder = builder.timeout(timeout);
        }
        if self.verbose {
            builder = builder.call_log(crate::output::StderrLog);
        }
        self.sign_in.apply(builder, self)
    }

    /// The client of this run.
    pub fn client(&self) -> Result<Client, CliError> {
        Ok(self.client_builder()?.build()?)
    }

    pub fn stderr_is_terminal() -> bool {
        std::io::stderr().is_terminal()
    }
}
