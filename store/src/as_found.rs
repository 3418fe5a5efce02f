//! A copy of the store's files, taken before sled opens them. sled recovers damaged files in place
//! as it opens them: it drops a blob file that fails its checksum and zeroes its log from the
//! damage on. A store then refused as damaged would keep nothing of what came after the damage,
//! for a backup or a repair. Where the open finds damage, the copy is put back in the store's
//! place, so that opening a damaged store changes nothing on disk; otherwise it is removed.

use std::path::{Path, PathBuf};

/// The copy of one store, beside it, removed when dropped unless [`Self::put_back`] used it.
pub(crate) struct Copy {
    store: PathBuf,
    copy: Option<PathBuf>,
}

impl Copy {
    /// Copies the files of the store in `dir`, where there is one. A copy that cannot be made
    /// (no space) is no reason not to open the store: there is then none to put back.
    pub(crate) fn take(dir: &Path) -> Self {
        let mut taken = Self {
            store: dir.to_owned(),
            copy: None,
        };
        remove_left_by_the_dead(dir);
        if dir.join("db").is_file() {
            let copy = beside(dir, &format!("opening-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&copy);
            // Set before copying, so that a copy failed halfway is removed too.
            taken.copy = Some(copy.clone());
            if copy_tree(dir, &copy).is_err() {
                drop(taken);
                return Self {
                    store: dir.to_owned(),
                    copy: None,
                };
            }
        }
        taken
    }

    /// Puts the copy in the store's place, and removes the files sled rewrote. `Ok(true)` where
    /// the store is as it was found, `Ok(false)` where there was no copy; the copy's name where it
    /// could not be put back, and is kept there.
    pub(crate) fn put_back(mut self) -> Result<bool, PathBuf> {
        let Some(copy) = self.copy.take() else {
            return Ok(false);
        };
        // Renamed away first: sled's threads may still write to the files they hold open.
        let rewritten = beside(&self.store, &format!("rewritten-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&rewritten);
        if std::fs::rename(&self.store, &rewritten).is_err() {
            return Err(copy);
        }
        if std::fs::rename(&copy, &self.store).is_err() {
            let _ = std::fs::rename(&rewritten, &self.store);
            return Err(copy);
        }
        let _ = std::fs::remove_dir_all(rewritten);
        Ok(true)
    }
}

impl Drop for Copy {
    fn drop(&mut self) {
        if let Some(copy) = self.copy.take() {
            let _ = std::fs::remove_dir_all(copy);
        }
    }
}

/// Removes the copies and rewritten files that processes killed while they opened the store in
/// `dir` left beside it (`STORE.opening-PID`, `STORE.rewritten-PID`), which nothing else removes.
fn remove_left_by_the_dead(dir: &Path) {
    let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let name = name.to_string_lossy();
    for entry in entries.flatten() {
        let entry_name = entry.file_name();
        let Some(pid) = entry_name
            .to_string_lossy()
            .strip_prefix(&*name)
            .and_then(|rest| {
                rest.strip_prefix(".opening-")
                    .or_else(|| rest.strip_prefix(".rewritten-"))
            })
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// `dir` with `.SUFFIX` added to its name.
fn beside(dir: &Path, suffix: &str) -> PathBuf {
    let mut name = dir.file_name().unwrap_or_default().to_owned();
    name.push(format!(".{suffix}"));
    dir.with_file_name(name)
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}
