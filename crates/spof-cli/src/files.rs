//! Reading models and writing files: size and encoding checks before parsing, atomic writes
//! that never replace a file without `--force`.

use spof_model::Date;
use std::io::Write;
use std::path::Path;

/// Models larger than this are refused before reading.
const MAX_MODEL_BYTES: u64 = 64 * 1024 * 1024;

pub fn read_model(path: &str) -> Result<String, String> {
    read_text(path)
}

/// Reads a text input, refusing folders, huge files, binary content and invalid UTF-8 with a
/// clear message. A gzip-compressed file is named as such.
pub fn read_text(path: &str) -> Result<String, String> {
    let metadata =
        std::fs::metadata(path).map_err(|e| format!("cannot read {path}: {}", describe(&e)))?;
    if metadata.is_dir() {
        return Err(format!("{path} is a folder; pass the model file inside it"));
    }
    if metadata.len() > MAX_MODEL_BYTES {
        return Err(format!(
            "{path} is {} bytes, more than the limit of {MAX_MODEL_BYTES} bytes for a model",
            metadata.len()
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {}", describe(&e)))?;
    if bytes.contains(&0) {
        return Err(format!(
            "{path} is not a text file (it contains NUL bytes); a model is YAML text"
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{path} is not UTF-8 text (invalid byte at offset {}); a model is YAML text",
            e.utf8_error().valid_up_to()
        )
    })
}

fn describe(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => error.to_string(),
    }
}

/// Writes `text` to `path` through a temporary file in the same folder and a rename, so a
/// reader never sees half a file. Refuses to replace an existing file unless `force`.
pub fn write_new(path: &str, text: &str, force: bool) -> Result<(), String> {
    let target = Path::new(path);
    if target.exists() && !force {
        return Err(format!(
            "{path} already exists; pass --force to overwrite it"
        ));
    }
    let temporary = written_beside(path, text, None)?;
    let persisted = if force {
        temporary.persist(target).map(|_| ())
    } else {
        temporary.persist_noclobber(target).map(|_| ())
    };
    persisted.map_err(|e| format!("cannot write {path}: {}", describe(&e.error)))
}

/// Replaces an existing file with `text` atomically (a temporary file in the same folder, then
/// a rename), keeping the file's permissions.
pub fn replace(path: &str, text: &str) -> Result<(), String> {
    let target = Path::new(path);
    let permissions = std::fs::metadata(target)
        .map_err(|e| format!("cannot read {path}: {}", describe(&e)))?
        .permissions();
    let temporary = written_beside(path, text, Some(permissions))?;
    temporary
        .persist(target)
        .map(|_| ())
        .map_err(|e| format!("cannot write {path}: {}", describe(&e.error)))
}

/// `text` in a new temporary file in `path`'s folder (so that a rename puts it in place
/// atomically), with `permissions` when given, flushed to disk.
fn written_beside(
    path: &str,
    text: &str,
    permissions: Option<std::fs::Permissions>,
) -> Result<tempfile::NamedTempFile, String> {
    let folder = Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    // A new file follows the umask (0666 masked), as any file a command writes, rather than
    // the temporary file's private 0600: a report is meant to be shared.
    #[cfg(unix)]
    if permissions.is_none() {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut temporary = builder
        .tempfile_in(folder)
        .map_err(|e| format!("cannot write in {}: {}", folder.display(), describe(&e)))?;
    temporary
        .write_all(text.as_bytes())
        .map_err(|e| format!("cannot write {path}: {}", describe(&e)))?;
    if let Some(permissions) = permissions {
        temporary
            .as_file()
            .set_permissions(permissions)
            .map_err(|e| format!("cannot write {path}: {}", describe(&e)))?;
    }
    temporary
        .as_file()
        .sync_all()
        .map_err(|e| format!("cannot write {path}: {}", describe(&e)))?;
    Ok(temporary)
}

/// Today's date from the system clock (UTC).
pub fn system_today() -> Date {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    Date::from_days_since_epoch((seconds / 86_400) as i64)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    /// The process's umask, as Linux reports it.
    fn umask() -> u32 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("Umask:")).unwrap();
        u32::from_str_radix(line["Umask:".len()..].trim(), 8).unwrap()
    }

    #[test]
    fn a_new_file_follows_the_umask_and_a_replaced_one_keeps_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.html");
        let path = path.to_str().unwrap();
        super::write_new(path, "one", false).unwrap();
        let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o666 & !umask());
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o640)).unwrap();
        super::replace(path, "two").unwrap();
        let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        assert_eq!(std::fs::read_to_string(path).unwrap(), "two");
    }
}
