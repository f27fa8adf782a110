//! Reading the files an extension folder holds, confined and bounded: only paths that stay
//! inside the folder, only regular files, opened so that a FIFO or a device can never block the
//! thread, and never more bytes than a limit. A hostile
//! folder (a `package.json` that is a named pipe, a symlink to `/dev/zero`, a huge file) then
//! fails that one extension with a reason instead of hanging or exhausting the app.

use std::fs::{File, Metadata};
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// The most a `package.json` may hold.
pub const MAX_MANIFEST_BYTES: u64 = 256 * 1024;

/// The most one file the `ferrolens-ext` scheme serves may hold.
pub const MAX_SERVED_BYTES: u64 = 64 * 1024 * 1024;

/// Resolves `relative` inside `dir`, refusing anything that escapes it (`..`, absolute paths,
/// symlinks pointing outside). The file must exist.
pub fn confined(dir: &Path, relative: &str) -> Result<PathBuf, String> {
    let rel = Path::new(relative);
    if rel
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err("the path leads outside the extension folder".into());
    }
    let root = dir
        .canonicalize()
        .map_err(|err| format!("extension folder unreadable: {err}"))?;
    let full = root
        .join(rel)
        .canonicalize()
        .map_err(|_| format!("{relative} does not exist in the extension folder"))?;
    if !full.starts_with(&root) {
        return Err("the path leads outside the extension folder".into());
    }
    if !full.is_file() {
        return Err(format!("{relative} is not a file"));
    }
    Ok(full)
}

/// Reads the regular file at `path` (a symlink is followed), refusing anything else and
/// anything larger than `limit` bytes. The error says what was wrong, without the path.
pub fn read_regular_file(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let before = std::fs::metadata(path).map_err(|err| format!("cannot read it: {err}"))?;
    check(&before, limit)?;
    let mut file = open_nonblocking(path).map_err(|err| format!("cannot open it: {err}"))?;
    // The path may have been replaced between the check and the open: judge what was opened.
    let opened = file
        .metadata()
        .map_err(|err| format!("cannot read it: {err}"))?;
    check(&opened, limit)?;
    let mut bytes = Vec::with_capacity(usize::try_from(opened.len()).unwrap_or(0));
    // A file that grows while it is read still stops at one byte past the limit.
    (&mut file)
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| format!("cannot read it: {err}"))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(limit));
    }
    Ok(bytes)
}

/// Refuses what is not a regular file, naming what it is instead.
pub fn require_regular(meta: &Metadata) -> Result<(), String> {
    if meta.is_file() {
        Ok(())
    } else {
        Err(format!("it is {}, not a regular file", kind(meta)))
    }
}

fn check(meta: &Metadata, limit: u64) -> Result<(), String> {
    require_regular(meta)?;
    if meta.len() > limit {
        return Err(too_large(limit));
    }
    Ok(())
}

fn too_large(limit: u64) -> String {
    format!("it is larger than the limit of {}", human_size(limit))
}

/// `limit` as people write sizes: 256 KiB, 64 MiB.
pub fn human_size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(unix)]
fn kind(meta: &Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn kind(meta: &Metadata) -> &'static str {
    if meta.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // Opening a FIFO for reading waits for a writer unless O_NONBLOCK is set; regular files
    // ignore the flag.
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

/// Makes a named pipe with the system's `mkfifo`, for tests of hostile folders.
#[cfg(all(test, unix))]
pub(crate) fn make_fifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {} failed", path.display());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_regular_file_within_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.json");
        std::fs::write(&file, "{}").unwrap();
        assert_eq!(read_regular_file(&file, 2).unwrap(), b"{}");
    }

    #[test]
    fn refuses_a_file_over_the_limit_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("big.json");
        std::fs::write(&file, vec![b' '; 2049]).unwrap();
        let err = read_regular_file(&file, 2048).unwrap_err();
        assert!(err.contains("larger than the limit of 2 KiB"), "{err}");
    }

    #[test]
    fn refuses_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_regular_file(dir.path(), 1024).unwrap_err();
        assert!(err.contains("a folder, not a regular file"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_fifo_at_once_without_waiting_for_a_writer() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("package.json");
        make_fifo(&fifo);
        let started = std::time::Instant::now();
        let err = read_regular_file(&fifo, 1024).unwrap_err();
        assert!(
            err.contains("named pipe (FIFO), not a regular file"),
            "{err}"
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_symlink_to_dev_zero_without_reading_it() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("package.json");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let err = read_regular_file(&link, 1024).unwrap_err();
        assert!(
            err.contains("character device, not a regular file"),
            "{err}"
        );
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human_size(MAX_MANIFEST_BYTES), "256 KiB");
        assert_eq!(human_size(MAX_SERVED_BYTES), "64 MiB");
        assert_eq!(human_size(1000), "1000 bytes");
    }

    #[test]
    fn confined_serves_files_inside_and_refuses_escapes() {
        let outer = tempfile::tempdir().unwrap();
        let dir = outer.path().join("ext");
        std::fs::create_dir_all(dir.join("lib")).unwrap();
        std::fs::write(dir.join("lib/a.js"), "1").unwrap();
        std::fs::write(outer.path().join("secret.txt"), "s").unwrap();
        assert!(confined(&dir, "lib/a.js").is_ok());
        assert!(confined(&dir, "./lib/a.js").is_ok());
        for bad in ["../secret.txt", "lib/../../secret.txt", "/etc/passwd"] {
            assert!(
                confined(&dir, bad).unwrap_err().contains("outside"),
                "{bad}"
            );
        }
        assert!(confined(&dir, "lib").unwrap_err().contains("not a file"));
        assert!(confined(&dir, "nope.js")
            .unwrap_err()
            .contains("does not exist"));
    }

    #[cfg(unix)]
    #[test]
    fn confined_refuses_symlinks_that_leave_the_folder() {
        let outer = tempfile::tempdir().unwrap();
        let dir = outer.path().join("ext");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(outer.path().join("secret.txt"), "s").unwrap();
        std::os::unix::fs::symlink(outer.path().join("secret.txt"), dir.join("link.js")).unwrap();
        assert!(confined(&dir, "link.js").unwrap_err().contains("outside"));
    }
}
