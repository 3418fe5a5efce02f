//! Path cache

use crate::{error, variables};
use std::path::PathBuf;

/// A cache of paths associated with names.
#[derive(Clone, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PathCache {
    /// The cache itself.
    cache: std::collections::HashMap<String, CachedPath>,
    /// How many paths have been added, to list them in the order they came (ncsh patch).
    added: u64,
    /// The `PATH` the paths were found in (ncsh patch).
    path: String,
}

/// A path in the cache, with what `hash` lists of it (ncsh patch).
#[derive(Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
struct CachedPath {
    path: PathBuf,
    /// How many commands it has run.
    hits: u32,
    /// Its place among the paths added.
    order: u64,
}

impl PathCache {
    /// Forgets every path where they were found in another `PATH` than `path` (ncsh patch), as
    /// bash empties its table when `PATH` is assigned: after `PATH=~/venv/bin:$PATH`, a command
    /// run before ran from where it was found before. (Bash empties it also where `PATH` is
    /// given the value it had, which forgets a `hash -p`; here that is kept.)
    pub fn forget_unless_found_in(&mut self, path: &str) {
        if self.path != path {
            self.cache.clear();
            path.clone_into(&mut self.path);
        }
    }

    /// Clears all elements from the cache.
    pub fn reset(&mut self) {
        self.cache.clear();
    }

    /// Returns the path associated with the given name.
    ///
    /// # Arguments
    ///
    /// * `name` - The name to lookup.
    pub fn get<S: AsRef<str>>(&self, name: S) -> Option<PathBuf> {
        self.cache
            .get(name.as_ref())
            .map(|cached| cached.path.clone())
    }

    /// Sets the path associated with the given name.
    ///
    /// # Arguments
    ///
    /// * `name` - The name to set.
    /// * `path` - The path to associate with the name.
    pub fn set<T: Into<String>>(&mut self, name: T, path: PathBuf) {
        self.added += 1;
        let cached = CachedPath {
            path,
            hits: 0,
            order: self.added,
        };
        self.cache.insert(name.into(), cached);
    }

    /// Counts one more command run through the path cached for `name` (ncsh patch), as `hash`
    /// lists it.
    pub fn count_hit(&mut self, name: &str) {
        if let Some(cached) = self.cache.get_mut(name) {
            cached.hits = cached.hits.saturating_add(1);
        }
    }

    /// Each name cached, its path and how many commands it has run, in the order they were
    /// added (ncsh patch).
    pub fn listed(&self) -> Vec<(&str, &std::path::Path, u32)> {
        let mut listed: Vec<_> = self.cache.iter().collect();
        listed.sort_by_key(|(_, cached)| cached.order);
        (listed.into_iter())
            .map(|(name, cached)| (name.as_str(), cached.path.as_path(), cached.hits))
            .collect()
    }

    /// Projects the cache into a shell value.
    pub fn to_value(&self) -> Result<variables::ShellValue, error::Error> {
        let pairs = self
            .cache
            .iter()
            .map(|(k, v)| (Some(k.to_owned()), v.path.to_string_lossy().to_string()))
            .collect::<Vec<_>>();

        variables::ShellValue::associative_array_from_literals(variables::ArrayLiteral(pairs))
    }

    /// Removes the path associated with the given name, if there is one.
    /// Returns whether or not an entry was removed.
    ///
    /// # Arguments
    ///
    /// * `name` - The name to remove.
    pub fn unset<S: AsRef<str>>(&mut self, name: S) -> bool {
        self.cache.remove(name.as_ref()).is_some()
    }
}
