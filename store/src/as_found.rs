//! A copy of the store's files, taken before sled opens them. sled recovers damaged files in place
//! as it opens them: it drops a blob file that fails its checksum and zeroes its log from the
//! damage on. A store then refused as damaged would keep nothing of what came after the damage,
//! for a backup or a repair; the copy keeps it. It is kept where the open finds damage, and
//! removed otherwise.

use std::path::{Path, PathBuf};

/// The copy of one store, beside it, removed when dropped unless [`Self::keep`] kept it.
pub(crate) struct Copy {
    store: PathBuf,
    copy: Option<PathBuf>,
}

impl Copy {
    /// Copies the files of the store in `dir`, where there is one. A copy that cannot be made
    /// (no space) is no reason not to open the store: there is then none to keep.
    pub(crate) fn take(dir: &Path) -> Self {
        let mut taken = Self {
            store: dir.to_owned(),
            copy: None,
        };
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

    /// Keeps the copy under a name that says what it is, and gives that name. Where a copy is
    /// kept there already, it is the one to keep: each open of a damaged store rewrites it
    /// again, so later copies hold less of it.
    pub(crate) fn keep(mut self) -> Option<PathBuf> {
        let copy = self.copy.take()?;
        let kept = beside(&self.store, "as-found");
        if kept.exists() {
            let _ = std::fs::remove_dir_all(copy);
            return Some(kept);
        }
        match std::fs::rename(&copy, &kept) {
            Ok(()) => Some(kept),
            Err(_) => Some(copy),
        }
    }
}

impl Drop for Copy {
    fn drop(&mut self) {
        if let Some(copy) = self.copy.take() {
            let _ = std::fs::remove_dir_all(copy);
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
