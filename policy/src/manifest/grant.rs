//! What the user granted a capability at install time.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::check::{self, Problem};
use super::{Manifest, ManifestError, Permissions, canonical_json};

/// The permissions a capability actually runs with: the manifest's request as approved by the user,
/// plus any directories the user added. The sandbox is built from this, never from the manifest.
///
/// ```no_run
/// # use policy::manifest::{Grant, Manifest};
/// # use std::path::Path;
/// # fn main() -> Result<(), policy::manifest::ManifestError> {
/// let manifest = Manifest::load(Path::new("bigcalc.toml"))?;
/// let grant = Grant::from_manifest(&manifest).with_extra_read(Path::new("/srv/data"))?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Grant(Permissions);

impl From<Permissions> for Grant {
    /// Grants exactly these permissions.
    fn from(permissions: Permissions) -> Grant {
        Grant(permissions)
    }
}

impl std::ops::Deref for Grant {
    type Target = Permissions;

    fn deref(&self) -> &Permissions {
        &self.0
    }
}

impl Grant {
    /// Grants exactly what the manifest asks for.
    pub fn from_manifest(manifest: &Manifest) -> Grant {
        Grant(manifest.permissions.clone())
    }

    /// Adds a directory to read, checked as the manifest's are: absolute, existing, a directory; stored
    /// canonical.
    ///
    /// # Errors
    ///
    /// [`ManifestError::Grant`] naming the directory and the problem.
    pub fn with_extra_read(mut self, dir: &Path) -> Result<Grant, ManifestError> {
        add_directory(&mut self.0.read, dir, "read")?;
        Ok(self)
    }

    /// Adds a directory to read and write, checked as [`Grant::with_extra_read`].
    ///
    /// # Errors
    ///
    /// [`ManifestError::Grant`] naming the directory and the problem.
    pub fn with_extra_write(mut self, dir: &Path) -> Result<Grant, ManifestError> {
        add_directory(&mut self.0.write, dir, "write")?;
        Ok(self)
    }

    /// A deterministic serialization (compact JSON, fields in declaration order) for content
    /// addressing, as [`Manifest::canonical_bytes`].
    pub fn canonical_bytes(&self) -> Vec<u8> {
        canonical_json(self)
    }
}

fn add_directory(
    dirs: &mut Vec<PathBuf>,
    dir: &Path,
    field: &'static str,
) -> Result<(), ManifestError> {
    let dir = check::directory(dir, "leave it out of the grant").map_err(
        |Problem { problem, fix }| ManifestError::Grant {
            field,
            problem,
            fix,
        },
    )?;
    if !dirs.contains(&dir) {
        dirs.push(dir);
    }
    Ok(())
}
