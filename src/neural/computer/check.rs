//! Which exact operation a line is, and the screen it leaves: arithmetic by `calc`, file commands
//! by `fs` on the computer's disk, which they change, and `cd` and `pwd` by the shell's rules. What
//! none of them does as bash and coreutils would is unverified.

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

/// The file commands verified, each with the flags it may have (`n` takes a number): `fs` does
/// these as GNU coreutils does on a terminal, byte for byte. Other flags it would read otherwise.
const FILE_COMMANDS: &[(&str, &str)] = &[
    ("cat", ""),
    ("head", "n"),
    ("tail", "n"),
    ("mkdir", "p"),
    ("touch", ""),
    ("rm", "r"),
];

/// The commands that change the disk: GNU goes on to the next name after one fails, where `fs`
/// stops, so they are given to `fs` one name at a time.
const ONE_NAME_AT_A_TIME: &[&str] = &["mkdir", "touch", "rm"];

/// Whether `c` can be in a name that GNU tools print as it is, unquoted.
fn plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || "._+,:@%/-".contains(c)
}

/// What a file command was given: its flags (with `-n`'s number), then its names.
struct Given<'a> {
    flags: Vec<&'a String>,
    names: Vec<&'a String>,
}

/// `args`, if they are flags made of `letters` (`-n` followed by a number), all before plain
/// names; otherwise why they are not verified.
fn given<'a>(args: &'a [String], letters: &str) -> Result<Given<'a>, String> {
    let mut given = Given {
        flags: Vec::new(),
        names: Vec::new(),
    };
    let mut words = args.iter();
    while let Some(word) = words.next() {
        let Some(flags) = word.strip_prefix('-') else {
            if !word.chars().all(plain) {
                return Err(format!("`{word}` is a name GNU tools would quote"));
            }
            given.names.push(word);
            continue;
        };
        let known = !flags.is_empty() && flags.chars().all(|c| letters.contains(c));
        if !known || !given.names.is_empty() {
            return Err(format!("the flag `{word}` is not verified here"));
        }
        given.flags.push(word);
        if flags.contains('n') {
            let count = words
                .next()
                .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
            match count {
                Some(count) if flags == "n" => given.flags.push(count),
                _ => return Err("`-n` is verified alone, with a number after it".into()),
            }
        }
    }
    Ok(given)
}

/// Whether the cursor of `before` is in the last column: the terminal may be about to wrap, which
/// its screen does not show, so the screen after cannot be worked out from the screen before.
fn may_wrap(before: &Frame) -> bool {
    before.cursor.1.saturating_add(1) >= before.cols
}

/// Checks `line`, typed at `before`, if it is arithmetic: the screen it leaves, with `prompt`
/// shown again after calc's answer, or why it cannot be verified; `None` when it is not arithmetic
/// (and so not yet checked at all).
fn check_arithmetic(line: &str, before: &Frame, prompt: &str) -> Option<Checked> {
    let sum = arithmetic::parse(line)?;
    Some(match arithmetic::exact_output(&sum) {
        Ok(Some(answer)) => Checked::Exact {
            by: "calc",
            frame: arithmetic::exact_frame(before, line, &answer, prompt),
        },
        Ok(None) => Checked::Unverified(
            "calc has no answer the shell would print (an error, or past 64 bits)".into(),
        ),
        Err(e) => Checked::Unverified(format!("calc cannot run: {e}")),
    })
}

/// The screen the neural computer shows after the arithmetic `line` typed at `before`, in place
/// of the model's, with the same prompt again: calc's exact one; `None` when calc cannot check the
/// line. `neural eval` asks the arithmetic probe of the computer with it.
pub fn calc_screen(before: &Frame, line: &str) -> Option<Frame> {
    if may_wrap(before) {
        return None;
    }
    let row = before.lines.get(usize::from(before.cursor.0))?;
    // A frame's rows have their trailing spaces stripped: the prompt's last space among them.
    let prompt: String = row
        .chars()
        .chain(std::iter::repeat(' '))
        .take(usize::from(before.cursor.1))
        .collect();
    match check_arithmetic(line, before, &prompt)? {
        Checked::Exact { frame, .. } => Some(frame),
        Checked::Unverified(_) => None,
    }
}

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
    /// the working directory, or why it cannot be verified.
    pub fn check(&mut self, line: &str, before: &Frame) -> Checked {
        if may_wrap(before) {
            return Checked::Unverified("the cursor is in the last column".into());
        }
        if let Some(checked) = check_arithmetic(line, before, &self.prompt()) {
            return checked;
        }
        let exact = |by, output: &str, prompt: &str| Checked::Exact {
            by,
            frame: arithmetic::exact_frame(before, line, output, prompt),
        };
        if let Some(c) = line.chars().find(|c| SHELL_SYNTAX.contains(c)) {
            return Checked::Unverified(format!("`{c}` is shell syntax"));
        }
        let words: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
        let Some((command, args)) = words.split_first() else {
            return exact("the shell", "", &self.prompt());
        };
        let (by, result) = match command.as_str() {
            "pwd" if args.is_empty() => ("the shell", Ok(format!("{}\n", self.cwd.display()))),
            "cd" => ("the shell", self.cd(args)),
            "ls" => ("fs", self.ls(args, usize::from(before.cols))),
            name => match FILE_COMMANDS.iter().find(|(known, _)| *known == name) {
                Some((_, letters)) => ("fs", self.file_command(&words, letters)),
                None => {
                    return Checked::Unverified(format!(
                        "nothing checks `{name}`; the model drew this screen"
                    ));
                }
            },
        };
        match result {
            Ok(output) => exact(by, &output, &self.prompt()),
            Err(why) => Checked::Unverified(why),
        }
    }

    /// `cd`: into a directory of the disk; it prints nothing. As
    /// the shell does by default, `..` takes away the name before it, which must be a directory.
    fn cd(&mut self, args: &[String]) -> Result<String, String> {
        let dir = match args {
            [] => return Err("`cd` alone goes to HOME, which is not on the disk".into()),
            // bash keeps a leading `//` in the prompt.
            [dir] if dir.starts_with("//") => {
                return Err("`cd //dir` is not verified".into());
            }
            [dir] if dir.chars().all(plain) => dir,
            _ => return Err("only `cd` with one plain directory is verified".into()),
        };
        let (mut target, rest) = match Path::new(dir).strip_prefix(&self.root) {
            Ok(rest) => (self.root.clone(), rest),
            Err(_) if dir.starts_with('/') => {
                return Err("`cd` would leave the computer's disk".into());
            }
            Err(_) => (self.cwd.clone(), Path::new(dir.as_str())),
        };
        for part in rest.components() {
            match part {
                Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
                Component::ParentDir => {
                    target.pop();
                }
                Component::Normal(name) => target.push(name),
            }
            // Every step on the disk, so that nothing is said of the host's directories.
            if !target.starts_with(&self.root) {
                return Err("`cd` would leave the computer's disk".into());
            }
            if !target.is_dir() {
                return Err(format!(
                    "`cd` fails at {}, in words not verified",
                    target.display()
                ));
            }
        }
        self.cwd = target;
        Ok(String::new())
    }

    /// `ls`, `ls -1`, `ls -a` and one operand: names from `fs ls -1`, in columns unless `-1`.
    fn ls(&self, args: &[String], width: usize) -> Result<String, String> {
        let given = given(args, "1a")?;
        if given.names.len() > 1 {
            return Err("`ls` is verified with one operand at most".into());
        }
        let letters: String = given.flags.iter().flat_map(|f| f.chars().skip(1)).collect();
        let mut call = vec!["ls".to_owned(), "-1".to_owned()];
        if letters.contains('a') {
            call.push("-a".to_owned());
        }
        call.extend(given.names.into_iter().cloned());
        let listed = self.fs(&call)?;
        let names: Vec<&str> = listed.lines().collect();
        if let Some(name) = names.iter().find(|n| !n.chars().all(plain)) {
            return Err(format!("ls would quote `{name}`"));
        }
        if letters.contains('1') {
            return Ok(listed);
        }
        Ok(columns(&names, width)
            .into_iter()
            .map(|line| line + "\n")
            .collect())
    }

    /// A file command whose flags are from `letters`, done by `fs`.
    fn file_command(&self, words: &[String], letters: &str) -> Result<String, String> {
        let (command, args) = words.split_first().ok_or("no command")?;
        let Given { flags, names } = given(args, letters)?;
        if names.is_empty() {
            return Err("a file command with no file named is not verified".into());
        }
        // GNU rm refuses these, and fs would not.
        let refused = |name: &&String| {
            let name = name.trim_end_matches('/');
            name.is_empty()
                || name
                    .rsplit('/')
                    .next()
                    .is_some_and(|last| last == "." || last == "..")
        };
        if command == "rm" && names.iter().any(refused) {
            return Err("`rm` of `.`, `..` or `/` is not verified".into());
        }
        if !ONE_NAME_AT_A_TIME.contains(&command.as_str()) {
            return self.fs(words);
        }
        let mut failed = None;
        for name in names {
            let mut call = vec![command.clone()];
            call.extend(flags.iter().map(|f| (*f).clone()));
            call.push(name.clone());
            if let Err(why) = self.fs(&call) {
                failed.get_or_insert(why);
            }
        }
        failed.map_or(Ok(String::new()), Err)
    }

    /// `fs` with `words` from the working directory: what it printed, or why it failed.
    fn fs(&self, words: &[String]) -> Result<String, String> {
        let ran = crate::capabilities::fs_on(&self.root, &self.cwd, words)
            .map_err(|e| format!("fs cannot run: {e}"))?;
        if ran.outcome.status != 0 {
            let said = String::from_utf8_lossy(&ran.stderr);
            return Err(format!(
                "{} (its error is not verified)",
                said.lines().next().unwrap_or("fs failed")
            ));
        }
        Ok(String::from_utf8_lossy(&ran.stdout).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn disk(root: &Path) -> Disk {
        Disk {
            root: root.to_owned(),
            cwd: root.to_owned(),
        }
    }

    #[test]
    fn calc_screen_answers_under_the_line_and_shows_the_same_prompt_again() {
        let mut before = Frame::blank(4, 40);
        before.lines[1] = "/tmp/nc/ab$".into();
        before.cursor = (1, 12);
        let after = calc_screen(&before, "echo $((6*7))").unwrap();
        assert_eq!(
            after.lines,
            ["", "/tmp/nc/ab$ echo $((6*7))", "42", "/tmp/nc/ab$"]
        );
        assert_eq!(after.cursor, (3, 12));
        assert!(calc_screen(&before, "echo hi").is_none(), "not arithmetic");
        assert!(calc_screen(&before, "1/0").is_none(), "calc has no answer");
        before.cursor = (1, 39);
        assert!(calc_screen(&before, "1+1").is_none(), "about to wrap");
    }

    #[test]
    fn cd_goes_step_by_step_as_the_shell_does_and_stays_on_the_disk() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("d/e")).unwrap();
        std::fs::write(root.path().join("f"), "").unwrap();
        let mut disk = disk(root.path());
        for refused in ["..", "missing", "missing/..", "f/..", "/etc", "d e"] {
            assert!(
                disk.cd(&refused.split(' ').map(str::to_owned).collect::<Vec<_>>())
                    .is_err(),
                "{refused}"
            );
            assert_eq!(disk.cwd, root.path(), "{refused}");
        }
        assert_eq!(disk.cd(&["d/./e/..".into()]), Ok(String::new()));
        assert_eq!(disk.cwd, root.path().join("d"));
        let absolute = root.path().join("d/e").display().to_string();
        assert_eq!(disk.cd(&[absolute]), Ok(String::new()));
        assert_eq!(disk.cwd, root.path().join("d/e"));
        assert!(disk.cd(&[]).is_err(), "HOME is not on the disk");
        assert!(disk.cd(&["//tmp".into()]).is_err(), "bash keeps the //");
        assert_eq!(disk.cd(&["../..".into()]), Ok(String::new()));
        assert_eq!(disk.cwd, root.path());
    }

    #[test]
    fn a_file_command_goes_on_after_a_name_that_fails_and_rm_spares_dot_and_dot_dot() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("a")).unwrap();
        let disk = disk(root.path());
        let words = |line: &str| line.split(' ').map(str::to_owned).collect::<Vec<_>>();
        // As GNU mkdir does: `a` exists, and `x` and `y` are made all the same.
        assert!(disk.file_command(&words("mkdir x a y"), "p").is_err());
        assert!(root.path().join("x").is_dir() && root.path().join("y").is_dir());
        for refused in ["rm -r .", "rm -r a/..", "rm -r a/.", "rm -r ./", "rm -r /"] {
            assert!(
                disk.file_command(&words(refused), "r").is_err(),
                "{refused}"
            );
        }
        assert!(root.path().join("a").is_dir() && root.path().join("x").is_dir());
    }

    #[test]
    fn only_the_flags_fs_reads_as_coreutils_does_are_verified() {
        let words = |line: &str| line.split(' ').map(str::to_owned).collect::<Vec<_>>();
        let names = |args: &str, letters| given(&words(args), letters).map(|g| g.names.len());
        assert_eq!(names("-n 3 a b", "n"), Ok(2));
        assert_eq!(names("-lw a", "lwc"), Ok(1));
        assert_eq!(names("-p a b", "p"), Ok(2));
        let refused = [
            ("-c x", ""),
            ("--", "n"),
            ("-- -x", "r"),
            ("f -r", "r"),
            ("-n3 a", "n"),
            ("-n x a", "n"),
            ("a^b", ""),
            ("-", ""),
        ];
        for (args, letters) in refused {
            assert!(names(args, letters).is_err(), "{args}");
        }
    }

    #[test]
    fn a_line_with_shell_syntax_or_an_unknown_command_is_not_verified() {
        let root = tempfile::tempdir().unwrap();
        let mut disk = disk(root.path());
        let before = Frame::blank(24, 80);
        for line in [
            "echo hi > f",
            "ls; rm x",
            "echo hello",
            "ls -l",
            "touch -c f",
            "mkdir -m 700 f",
        ] {
            assert!(
                matches!(disk.check(line, &before), Checked::Unverified(_)),
                "{line}"
            );
        }
        assert!(!root.path().join("f").exists());
        // At the last column the terminal may be about to wrap, which no screen shows.
        let mut at_the_edge = before.clone();
        at_the_edge.cursor = (0, 79);
        assert!(matches!(
            disk.check("pwd", &at_the_edge),
            Checked::Unverified(_)
        ));
        assert!(matches!(disk.check("pwd", &before), Checked::Exact { .. }));
    }
}
