//! Files written so that a crash leaves the old content or the new, never half of it, and files
//! that only their owner can read from the moment they exist. Shared by the stored sign-in and
//! the import's results and passwords.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Who may read a file this module creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Mode 0600 on Unix (on Windows, the per-user folders' own access rules apply).
    OwnerOnly,
    /// The process's default (umask).
    Default,
}

/// Replaces `path` with `bytes`: written to a new temporary file beside it (with `access` from
/// its creation on), synced, renamed over `path`, and the directory synced so the rename
/// itself survives a power cut.
pub fn replace(path: &Path, bytes: &[u8], access: Access) -> std::io::Result<()> {
    let tmp = temp_path(path);
    // A leftover of a killed run may have another mode: start from a new file.
    let _ = fs::remove_file(&tmp);
    let written = create_new(&tmp, access).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    let renamed = written.and_then(|()| fs::rename(&tmp, path));
    if renamed.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    renamed?;
    sync_dir(path);
    Ok(())
}

/// Opens `path` for appending, creating it with `access` when it does not exist. A symbolic
/// link is refused (`O_NOFOLLOW`): a file of secrets must not be written through one.
pub fn open_append(path: &Path, access: Access) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.append(true).read(true).create(true);
    apply(&mut options, access);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path)
}

fn create_new(path: &Path, access: Access) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    apply(&mut options, access);
    options.open(path)
}

fn apply(options: &mut OpenOptions, access: Access) {
    #[cfg(unix)]
    if access == Access::OwnerOnly {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = (options, access);
}

/// `path` + `.tmp<pid>`: one per process, so two processes never write the same one.
fn temp_path(path: &Path) -> PathBuf {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp{}", std::process::id()));
    PathBuf::from(tmp)
}

/// Best effort: some file systems refuse to sync a directory, and the data itself is synced.
fn sync_dir(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_writes_owner_only_and_leaves_no_temporary_file() {
        let dir = std::env::temp_dir().join(format!("pc-cli-atomic-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("f");
        replace(&path, b"one", Access::OwnerOnly).unwrap();
        replace(&path, b"two", Access::OwnerOnly).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert!(!temp_path(&path).exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
            let link = dir.join("link");
            let _ = fs::remove_file(&link);
            std::os::unix::fs::symlink(&path, &link).unwrap();
            assert!(
                open_append(&link, Access::OwnerOnly).is_err(),
                "a link is refused"
            );
        }
        let _ = fs::remove_dir_all(&dir);
    }
}
