//! Which exact operation a line is, and the screen it leaves: arithmetic by `calc`, and file
//! commands by `fs` on the computer's disk, which they change. What none of them does is not
//! checked.

use std::path::{Component, Path, PathBuf};

use kernel_bridge::Frame;
use symbolic::arithmetic;

use super::ls_columns::columns;

/// What a step's check found.
pub enum Checked {
    /// `by` gives the exact screen after the line.
    Exact {
        /// `calc`, `fs`, or `the shell` (an empty line, `cd`, `pwd`).
        by: &'static str,
        /// The screen after the line.
        frame: Frame,
    },
    /// Nothing could check the line, for this reason.
    Unverified(String),
}

/// Characters with a meaning to the shell: a line that has them is more than a file command, and
/// `fs` would take them as part of a name.
const SHELL_SYNTAX: &[char] = &[
    ';', '|', '&', '<', '>', '$', '`', '\'', '"', '\\', '*', '?', '[', ']', '{', '}', '(', ')',
    '~', '!', '#', '=',
];

/// The file commands `fs` does as GNU coreutils does on a terminal, byte for byte.
const FILE_COMMANDS: &[&str] = &[
    "cat", "head", "tail", "wc", "mkdir", "touch", "rm", "cp", "mv",
];

/// The computer's disk and where in it the session is.
pub struct Disk {
    /// The sandbox directory: `fs` is granted it and nothing else.
    pub root: PathBuf,
    /// The working directory, inside `root`.
    pub cwd: PathBuf,
}

impl Disk {
    /// The prompt, as the sessions the model learned from show it (`PS1='\w$ '`).
    pub fn prompt(&self) -> String {
        format!("{}$ ", self.cwd.display())
    }

    /// Checks `line`, typed at `before`: the screen it leaves, and its effect on the disk and
    /// the working directory, or why it cannot be checked.
    pub fn check(&mut self, line: &str, before: &Frame) -> Checked {
        let exact = |by, output: &str, prompt: &str| Checked::Exact {
            by,
            frame: arithmetic::exact_frame(before, line, output, prompt),
        };
        if let Some(sum) = arithmetic::parse(line) {
            return match arithmetic::exact_output(&sum) {
                Ok(Some(answer)) => exact("calc", &answer, &self.prompt()),
                Ok(None) => Checked::Unverified(
                    "calc refuses this expression, and words it otherwise than the shell".into(),
                ),
                Err(e) => Checked::Unverified(format!("calc cannot run: {e}")),
            };
        }
        if let Some(c) = line.chars().find(|c| SHELL_SYNTAX.contains(c)) {
            return Checked::Unverified(format!(
                "`{c}` is shell syntax; only arithmetic and plain file commands are checked"
            ));
        }
        let words: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
        let Some((command, args)) = words.split_first() else {
            return exact("the shell", "", &self.prompt());
        };
        let (by, result) = match command.as_str() {
            "pwd" if args.is_empty() => ("the shell", Ok(format!("{}\n", self.cwd.display()))),
            "cd" => ("the shell", self.cd(args)),
            "ls" => ("fs", self.ls(args, usize::from(before.cols))),
            name if FILE_COMMANDS.contains(&name) => ("fs", self.fs(&words)),
            name => {
                return Checked::Unverified(format!(
                    "nothing checks `{name}`; the model drew this screen"
                ));
            }
        };
        match result {
            Ok(output) => exact(by, &output, &self.prompt()),
            Err(why) => Checked::Unverified(why),
        }
    }

    /// `cd`: into a directory of the disk (its top when none is named); it prints nothing.
    fn cd(&mut self, args: &[String]) -> Result<String, String> {
        let target = match args {
            [] => self.root.clone(),
            [dir] => within(&self.cwd, dir),
            _ => return Err("`cd` takes one directory".into()),
        };
        if !target.starts_with(&self.root) {
            return Err("`cd` would leave the computer's disk, where nothing is checked".into());
        }
        if !target.is_dir() {
            return Err(format!(
                "the disk has no directory {}; the shell's error is not checked",
                target.display()
            ));
        }
        self.cwd = target;
        Ok(String::new())
    }

    /// `ls`, `ls -1`, `ls -a` and one operand: names from `fs ls -1`, in columns unless `-1`.
    fn ls(&self, args: &[String], width: usize) -> Result<String, String> {
        let (flags, operands): (Vec<&String>, Vec<&String>) =
            args.iter().partition(|a| a.starts_with('-') && a.len() > 1);
        let letters: String = flags.iter().flat_map(|f| f.chars().skip(1)).collect();
        if letters.chars().any(|c| c != '1' && c != 'a') || operands.len() > 1 {
            return Err("only `ls` with -1, -a and one operand at most is checked".into());
        }
        let mut call = vec!["ls".to_owned(), "-1".to_owned()];
        if letters.contains('a') {
            call.push("-a".to_owned());
        }
        call.extend(operands.into_iter().cloned());
        let listed = self.fs(&call)?;
        if letters.contains('1') {
            return Ok(listed);
        }
        let names: Vec<&str> = listed.lines().collect();
        Ok(columns(&names, width)
            .into_iter()
            .map(|line| line + "\n")
            .collect())
    }

    /// `fs` with `words` from the working directory: what it printed, or why it failed.
    fn fs(&self, words: &[String]) -> Result<String, String> {
        let ran = crate::capabilities::fs_on(&self.root, &self.cwd, words)
            .map_err(|e| format!("fs cannot run: {e}"))?;
        if ran.outcome.status != 0 {
            let said = String::from_utf8_lossy(&ran.stderr);
            return Err(format!(
                "{}; the shell's error is not checked",
                said.lines().next().unwrap_or("fs failed")
            ));
        }
        Ok(String::from_utf8_lossy(&ran.stdout).into_owned())
    }
}

/// `path` from `cwd`, with `.` and `..` taken away as `cd` does by default (logically).
fn within(cwd: &Path, path: &str) -> PathBuf {
    let mut resolved = cwd.to_path_buf();
    for part in Path::new(path).components() {
        match part {
            Component::RootDir => resolved = PathBuf::from("/"),
            Component::ParentDir => {
                resolved.pop();
            }
            Component::Normal(name) => resolved.push(name),
            Component::CurDir | Component::Prefix(_) => {}
        }
    }
    resolved
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cd_resolves_dot_dot_as_the_shell_does_and_stays_on_the_disk() {
        assert_eq!(
            within(Path::new("/tmp/nc/ab12/x"), "../y/./z"),
            PathBuf::from("/tmp/nc/ab12/y/z")
        );
        assert_eq!(
            within(Path::new("/tmp/nc/ab12"), "/etc"),
            PathBuf::from("/etc")
        );
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("d")).unwrap();
        let mut disk = Disk {
            root: root.path().to_owned(),
            cwd: root.path().to_owned(),
        };
        assert!(disk.cd(&["..".into()]).is_err());
        assert!(disk.cd(&["missing".into()]).is_err());
        assert_eq!(disk.cwd, root.path());
        assert_eq!(disk.cd(&["d".into()]), Ok(String::new()));
        assert_eq!(disk.cwd, root.path().join("d"));
        assert_eq!(disk.cd(&[]), Ok(String::new()));
        assert_eq!(disk.cwd, root.path());
    }

    #[test]
    fn a_line_with_shell_syntax_or_an_unknown_command_is_not_checked() {
        let root = tempfile::tempdir().unwrap();
        let mut disk = Disk {
            root: root.path().to_owned(),
            cwd: root.path().to_owned(),
        };
        let before = Frame::blank(24, 80);
        for line in ["echo hi > f", "ls; rm x", "echo hello", "ls -l"] {
            assert!(
                matches!(disk.check(line, &before), Checked::Unverified(_)),
                "{line}"
            );
        }
        assert!(!root.path().join("f").exists());
    }
}
