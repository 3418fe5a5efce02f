//! `ncsh.lstat`: the one host function ncsh adds to WASI, for p1 modules. WASI shows a file's size,
//! type and times but not its permission bits, owner, group or block count, which `ls -l` prints; this
//! gives them for a path inside the directories the grant opens, and nothing outside them.
//!
//! The guest passes an absolute path and a buffer. The host finds the granted directory the path is
//! under and resolves the rest inside it with cap-primitives, which refuses `..` and symlinks that lead
//! out, as the preopens do. It writes one line of tab-separated fields:
//!
//! `mode nlink uid gid size blocks rdev mtime_seconds utc_offset_seconds owner group target`
//!
//! where `utc_offset_seconds` is the local time zone's offset at the mtime, `owner`/`group` are
//! names (empty when the id has none), and `target` is a symlink's text as written (empty for
//! anything else; the last field, so that it may hold a tab). WASI's own readlink hides a target
//! that is an absolute path (cap-std's choice, against telling where the host's files are); `ls -l`
//! shows it, and it is the content of a file inside the grant, which nothing here follows. It returns the bytes written, or a negative code:
//! [`NOT_GRANTED`], [`NOT_FOUND`], [`FAILED`], [`TOO_SMALL`].

use cap_primitives::fs::MetadataExt;
use std::path::{Path, PathBuf};

use wasmtime::{Caller, Extern, Linker};

use crate::executor::ModuleHost;

/// The path is under no granted directory, or leads out of one.
pub const NOT_GRANTED: i32 = -1;
/// Nothing is at the path.
pub const NOT_FOUND: i32 = -2;
/// Any other failure (bad pointers, a path that is not UTF-8, an I/O error).
pub const FAILED: i32 = -3;
/// The buffer is too small for the answer.
pub const TOO_SMALL: i32 = -4;

/// Adds `ncsh.lstat` to a p1 linker.
pub(crate) fn add_to_linker(linker: &mut Linker<ModuleHost>) -> wasmtime::Result<()> {
    linker.func_wrap(
        "ncsh",
        "lstat",
        |mut caller: Caller<'_, ModuleHost>, path: i32, path_len: i32, out: i32, out_cap: i32| {
            let Some(Extern::Memory(memory)) = caller.get_export("memory") else {
                return FAILED;
            };
            // A path is at most PATH_MAX bytes; a guest does not get to size the host's buffers.
            if !(0..=4096).contains(&path_len) {
                return FAILED;
            }
            let mut bytes = vec![0; path_len as usize];
            if memory
                .read(&caller, path as u32 as usize, &mut bytes)
                .is_err()
            {
                return FAILED;
            }
            let Ok(path) = String::from_utf8(bytes) else {
                return FAILED;
            };
            let line = match describe(&caller.data().granted, Path::new(&path)) {
                Ok(line) => line,
                Err(code) => return code,
            };
            if line.len() > out_cap.max(0) as usize {
                return TOO_SMALL;
            }
            match memory.write(&mut caller, out as u32 as usize, line.as_bytes()) {
                Ok(()) => line.len() as i32,
                Err(_) => FAILED,
            }
        },
    )?;
    Ok(())
}

/// The line for `path`, looked up without following a final symlink, inside `granted`.
fn describe(granted: &[PathBuf], path: &Path) -> Result<String, i32> {
    let (root, rest) = within(granted, path).ok_or(NOT_GRANTED)?;
    let start = std::fs::File::open(root).map_err(|_| FAILED)?;
    let rest = if rest.as_os_str().is_empty() {
        Path::new(".")
    } else {
        rest
    };
    let meta = cap_primitives::fs::stat(&start, rest, cap_primitives::fs::FollowSymlinks::No)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => NOT_FOUND,
            std::io::ErrorKind::PermissionDenied => NOT_GRANTED,
            _ => FAILED,
        })?;
    let name = |found: Option<String>| found.unwrap_or_default();
    let owner = nix::unistd::User::from_uid(meta.uid().into())
        .ok()
        .flatten()
        .map(|u| u.name);
    let group = nix::unistd::Group::from_gid(meta.gid().into())
        .ok()
        .flatten()
        .map(|g| g.name);
    let target = if meta.file_type().is_symlink() {
        cap_primitives::fs::read_link_contents(&start, rest)
            .map(|target| target.to_string_lossy().into_owned())
            .unwrap_or_default()
    } else {
        String::new()
    };
    Ok(format!(
        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{target}",
        meta.mode(),
        meta.nlink(),
        meta.uid(),
        meta.gid(),
        meta.size(),
        meta.blocks(),
        meta.rdev(),
        meta.mtime(),
        utc_offset(meta.mtime()),
        name(owner),
        name(group),
    ))
}

/// The granted directory `path` lies under, and the rest of it (a `..` in which cap-primitives then
/// resolves inside the grant, refusing one that would leave); `None` for a relative path or one
/// under no grant.
fn within<'a>(granted: &'a [PathBuf], path: &'a Path) -> Option<(&'a Path, &'a Path)> {
    if !path.is_absolute() {
        return None;
    }
    granted
        .iter()
        .filter_map(|root| Some((root.as_path(), path.strip_prefix(root).ok()?)))
        // The deepest grant, whose permissions are the ones the preopens give this path.
        .max_by_key(|(root, _)| root.components().count())
}

/// The local time zone's offset from UTC, in seconds, at `seconds` since the epoch.
fn utc_offset(seconds: i64) -> i64 {
    let time = seconds as libc::time_t;
    // SAFETY: localtime_r writes only into `tm`, which lives on this stack; it is the reentrant
    // form, safe to call from any thread.
    unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&time, &mut tm).is_null() {
            0
        } else {
            tm.tm_gmtoff
        }
    }
}
