//! What a session's sandbox directory holds, as the grammar's file commands change it, so that they
//! name files and directories that exist (mostly: some errors are part of the data).

use std::collections::BTreeSet;

use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;

use super::grammar::{Command, Family};

/// The sandbox's tree, as paths from its top, and the directory the session is in.
#[derive(Default)]
pub struct Sandbox {
    dirs: BTreeSet<Vec<String>>,
    files: BTreeSet<Vec<String>>,
    cwd: Vec<String>,
}

const NAMES: &[&str] = &[
    "notes", "docs", "src", "data", "logs", "tmp", "old", "new", "work", "music", "todo", "plan",
    "a", "b", "c", "one", "two", "misc", "box", "keep",
];

impl Sandbox {
    fn child(&self, name: &str) -> Vec<String> {
        let mut path = self.cwd.clone();
        path.push(name.to_owned());
        path
    }

    fn here<'a>(&self, set: &'a BTreeSet<Vec<String>>) -> Vec<&'a str> {
        set.iter()
            .filter(|p| p.len() == self.cwd.len() + 1 && p.starts_with(&self.cwd))
            .filter_map(|p| p.last().map(String::as_str))
            .collect()
    }

    fn fresh_name(&self, rng: &mut ChaCha8Rng) -> String {
        let name = *NAMES.choose(rng).unwrap_or(&"x");
        let taken =
            |n: &str| self.dirs.contains(&self.child(n)) || self.files.contains(&self.child(n));
        if taken(name) {
            format!("{name}{}", rng.random_range(2..100))
        } else {
            name.to_owned()
        }
    }

    /// The next file command, which this sandbox's state is changed by as the shell would change it.
    pub fn command(&mut self, rng: &mut ChaCha8Rng) -> Command {
        let files = self.here(&self.files);
        let dirs = self.here(&self.dirs);
        let line = match rng.random_range(0..100) {
            0..=14 => {
                let name = self.fresh_name(rng);
                self.dirs.insert(self.child(&name));
                format!("mkdir {name}")
            }
            15..=24 => {
                let name = self.fresh_name(rng);
                self.files.insert(self.child(&name));
                format!("touch {name}")
            }
            25..=36 => {
                let name = match files.choose(rng) {
                    Some(existing) if rng.random_bool(0.3) => (*existing).to_owned(),
                    _ => self.fresh_name(rng),
                };
                let text: Vec<&str> = (0..rng.random_range(1..=4))
                    .map(|_| *NAMES.choose(rng).unwrap_or(&"x"))
                    .collect();
                self.files.insert(self.child(&name));
                format!("echo {} > {name}", text.join(" "))
            }
            37..=56 => match dirs.choose(rng) {
                Some(dir) if rng.random_bool(0.25) => format!("ls {dir}"),
                _ if rng.random_bool(0.2) => "ls -1".to_owned(),
                _ => "ls".to_owned(),
            },
            57..=68 => match files.choose(rng) {
                Some(file) if rng.random_bool(0.85) => format!("cat {file}"),
                _ => format!("cat {}", self.fresh_name(rng)),
            },
            69..=76 => match files.choose(rng) {
                Some(file) => {
                    let line = format!("rm {file}");
                    self.files.remove(&self.child(file));
                    line
                }
                None => format!("rm {}", self.fresh_name(rng)),
            },
            77..=90 => match dirs.choose(rng) {
                Some(dir) if self.cwd.is_empty() || rng.random_bool(0.6) => {
                    let line = format!("cd {dir}");
                    self.cwd.push((*dir).to_owned());
                    line
                }
                _ if !self.cwd.is_empty() => {
                    self.cwd.pop();
                    "cd ..".to_owned()
                }
                _ => "pwd".to_owned(),
            },
            _ => "pwd".to_owned(),
        };
        Command {
            line,
            family: Family::Files,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::rand_core::SeedableRng;

    #[test]
    fn cd_goes_only_into_directories_made_and_never_above_the_top() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut sandbox = Sandbox::default();
        let mut made = BTreeSet::new();
        let mut depth = 0i32;
        for _ in 0..2000 {
            let line = sandbox.command(&mut rng).line;
            if let Some(name) = line.strip_prefix("mkdir ") {
                made.insert(name.to_owned());
            } else if line == "cd .." {
                depth -= 1;
            } else if let Some(dir) = line.strip_prefix("cd ") {
                assert!(made.contains(dir), "{line}");
                depth += 1;
            }
            assert!(depth >= 0);
            assert_eq!(depth as usize, sandbox.cwd.len());
        }
    }
}
