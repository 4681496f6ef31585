//! The stored App+User sign-in: the refresh token `partner-center login` obtained, with the
//! tenant, application and sign-in service it belongs to, in one file per user that only its
//! owner can read. Refresh tokens rotate: every use hands out a new one, which replaces the file
//! (`atomic::replace`: a crash leaves the old file or the new one, never half of one).

use std::fs;
use std::path::{Path, PathBuf};

use partner_center::Secret;
use serde::{Deserialize, Serialize};

use crate::atomic::{self, Access};
use crate::exit::CliError;

/// Where the file lives: `$PARTNER_CENTER_CONFIG_DIR`, else the platform's per-user config
/// directory (`$XDG_CONFIG_HOME` or `~/.config` on Unix, `%APPDATA%` on Windows).
pub const ENV_CONFIG_DIR: &str = "PARTNER_CENTER_CONFIG_DIR";
const FILE_NAME: &str = "login.json";

/// What `login` keeps.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StoredLogin {
    pub tenant_id: String,
    pub client_id: String,
    /// The sign-in service it was obtained from (`--authority-host`), when not the cloud's.
    pub authority_host: Option<String>,
    pub cloud: String,
    /// A confidential application: each refresh also needs its secret, which is not stored here
    /// (`PARTNER_CENTER_CLIENT_SECRET` gives it).
    #[serde(default)]
    pub confidential: bool,
    pub refresh_token: String,
}

// The refresh token is a secret: never shown.
impl std::fmt::Debug for StoredLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredLogin")
            .field("tenant_id", &self.tenant_id)
            .field("client_id", &self.client_id)
            .field("authority_host", &self.authority_host)
            .field("cloud", &self.cloud)
            .field("confidential", &self.confidential)
            .field("refresh_token", &Secret::new(""))
            .finish()
    }
}

pub fn path() -> Result<PathBuf, CliError> {
    let dir = if let Some(dir) = std::env::var_os(ENV_CONFIG_DIR) {
        PathBuf::from(dir)
    } else if let Some(dir) = std::env::var_os("XDG_CONFIG_HOME").filter(|d| !d.is_empty()) {
        PathBuf::from(dir).join("partner-center")
    } else if let Some(dir) = std::env::var_os("APPDATA").filter(|_| cfg!(windows)) {
        PathBuf::from(dir).join("partner-center")
    } else if let Some(home) = std::env::var_os("HOME") {
        PathBuf::from(home).join(".config").join("partner-center")
    } else {
        return Err(CliError::Call(partner_center::Error::Config(format!(
            "no place to keep the sign-in: set {ENV_CONFIG_DIR} (or HOME)"
        ))));
    };
    Ok(dir.join(FILE_NAME))
}

/// The stored sign-in, if there is one. A file others can read is refused: the refresh token
/// in it must be treated as leaked.
pub fn load(path: &Path) -> Result<Option<StoredLogin>, CliError> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(CliError::io(path, e)),
    };
    check_private(path)?;
    serde_json::from_str(&text).map(Some).map_err(|e| {
        CliError::Usage(format!(
            "{}: line {} column {}: not a stored sign-in ({e}); run `partner-center login` again",
            path.display(),
            e.line(),
            e.column()
        ))
    })
}

/// Writes `login` to `path` readable by its owner only, replacing what was there at once.
pub fn save(path: &Path, login: &StoredLogin) -> Result<(), CliError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| CliError::io(dir, e))?;
    let bytes = serde_json::to_vec_pretty(login).expect("a stored sign-in encodes");
    atomic::replace(path, &bytes, Access::OwnerOnly).map_err(|e| CliError::io(path, e))
}

pub fn remove(path: &Path) -> Result<bool, CliError> {
    match fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(CliError::io(path, e)),
    }
}

#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), CliError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(path)
        .map_err(|e| CliError::io(path, e))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(CliError::Usage(format!(
            "{}: others can read this sign-in (mode {:o}); delete it, revoke the sign-in, and run `partner-center login` again",
            path.display(),
            mode & 0o777
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path) -> Result<(), CliError> {
    Ok(())
}
