//! The rules for single manifest values, independent of TOML.
//!
//! Each check says what is wrong and what to do about it; the caller adds which field it was and where.

use std::io;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

use super::Kind;

/// Why a value was refused, and the way out.
#[derive(Debug)]
pub(crate) struct Problem {
    pub problem: String,
    pub fix: String,
}

impl Problem {
    pub fn new(problem: impl Into<String>, fix: impl Into<String>) -> Problem {
        Problem {
            problem: problem.into(),
            fix: fix.into(),
        }
    }
}

/// ncsh's own builtins, and the capabilities it ships (`calc` and `fs`, which the neural computer
/// trusts to check its screens: one installed in their place would answer for them).
const NCSH_BUILTINS: &str = "cap gen audit daemon neural ncsh calc fs";
/// bash keywords.
const SHELL_KEYWORDS: &str =
    "if then else elif fi case esac for select while until do done in function time coproc";
/// bash builtins.
const BASH_BUILTINS: &str = "alias bg bind break builtin caller cd command compgen complete \
     compopt continue declare dirs disown echo enable eval exec exit export false fc fg getopts \
     hash help history jobs kill let local logout mapfile popd printf pushd pwd read readarray \
     readonly return set shift shopt source suspend test times trap true type typeset ulimit \
     umask unalias unset wait";

/// Whether `name` is a shell builtin or keyword, which a capability may not be named: the shell would
/// run the builtin instead, or the user would lose a command they rely on to manage ncsh itself.
pub fn is_reserved_name(name: &str) -> bool {
    [NCSH_BUILTINS, SHELL_KEYWORDS, BASH_BUILTINS]
        .iter()
        .any(|list| list.split_whitespace().any(|reserved| reserved == name))
}

const MAX_NAME_LEN: usize = 32;
const MAX_DESCRIPTION_CHARS: usize = 200;

pub(crate) fn name(name: &str) -> Result<(), Problem> {
    let mut chars = name.chars();
    let well_formed = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        && name.len() <= MAX_NAME_LEN;
    if !well_formed {
        return Err(Problem::new(
            format!("{name:?} is not a command name"),
            "use a lowercase letter followed by at most 31 lowercase letters, digits, `_` or `-`",
        ));
    }
    if is_reserved_name(name) {
        return Err(Problem::new(
            format!(
                "{name:?} is a shell builtin or keyword, or a capability ncsh ships, so the shell would never run the capability"
            ),
            "pick another name",
        ));
    }
    Ok(())
}

pub(crate) fn version(version: &str) -> Result<semver::Version, Problem> {
    semver::Version::parse(version).map_err(|err| {
        Problem::new(
            format!("{version:?} is not a semantic version ({err})"),
            "write MAJOR.MINOR.PATCH, for example \"1.0.0\"",
        )
    })
}

pub(crate) fn description(description: &str) -> Result<(), Problem> {
    if description.trim().is_empty() {
        return Err(Problem::new(
            "it is empty",
            "say in one line what the capability does",
        ));
    }
    if description.chars().any(char::is_control) {
        return Err(Problem::new(
            "it has a line break or another control character",
            "write it as one line of plain text",
        ));
    }
    let chars = description.chars().count();
    if chars > MAX_DESCRIPTION_CHARS {
        return Err(Problem::new(
            format!("it is {chars} characters long, more than {MAX_DESCRIPTION_CHARS}"),
            "shorten it; put longer documentation beside the capability",
        ));
    }
    Ok(())
}

pub(crate) fn kind(kind: &str) -> Result<Kind, Problem> {
    match kind {
        "component" => Ok(Kind::Component),
        "module" => Ok(Kind::Module),
        _ => Err(Problem::new(
            format!("{kind:?} is not a kind of capability"),
            "write \"component\" for a WASI p2 command component or \"module\" for a WASI p1 command module",
        )),
    }
}

/// `file_name` is the wasm file as the manifest names it, so that the fix can be copied as is.
pub(crate) fn sha256(digest: &str, file_name: &str) -> Result<(), Problem> {
    let paste = format!("run `sha256sum {file_name}` and paste the first column");
    if digest.len() != 64 || !digest.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(Problem::new(
            format!("{digest:?} is not 64 hex digits"),
            paste,
        ));
    }
    if digest.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(Problem::new(
            format!("{digest:?} has uppercase hex digits"),
            "write it in lowercase, as `sha256sum` prints it",
        ));
    }
    Ok(())
}

pub(crate) fn env_name(name: &str) -> Result<(), Problem> {
    let mut chars = name.chars();
    let well_formed = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if well_formed {
        Ok(())
    } else {
        Err(Problem::new(
            format!("{name:?} is not an environment variable name"),
            "use letters, digits and `_`, not starting with a digit (for example \"LANG\")",
        ))
    }
}

/// An integer limit, checked against the range the host can honour.
pub(crate) fn in_range(value: i64, range: RangeInclusive<i64>) -> Result<i64, Problem> {
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(Problem::new(
            format!("{value} is out of range"),
            format!("use a value from {} to {}", range.start(), range.end()),
        ))
    }
}

/// Expands a leading `~` the way the shell does for the user's own home. `~user` is refused rather than
/// looked up: a manifest should not depend on another account's layout.
pub(crate) fn expand_home(path: &str, home: Option<&Path>) -> Result<PathBuf, Problem> {
    let Some(rest) = path.strip_prefix('~') else {
        return Ok(PathBuf::from(path));
    };
    if !(rest.is_empty() || rest.starts_with('/')) {
        return Err(Problem::new(
            format!("{path:?} names another user's home"),
            "write the absolute path instead; only `~` and `~/...` are expanded",
        ));
    }
    let Some(home) = home else {
        return Err(Problem::new(
            format!("{path:?} starts with `~` but HOME is not set"),
            "set HOME or write the absolute path",
        ));
    };
    Ok(home.join(rest.trim_start_matches('/')))
}

/// A directory the capability may see: absolute, existing, a directory, and named by its canonical
/// path so that a symlink cannot later point the grant somewhere else. `leave_out` says how the user
/// drops the entry instead of fixing it.
pub(crate) fn directory(path: &Path, leave_out: &str) -> Result<PathBuf, Problem> {
    let shown = path.display();
    if !path.is_absolute() {
        return Err(Problem::new(
            format!("{shown} is not an absolute path"),
            "write it from `/`, or start it with `~/`",
        ));
    }
    let inspect_failed = |err: io::Error| {
        Problem::new(
            format!("cannot inspect {shown}: {err}"),
            format!("check its permissions, or {leave_out}"),
        )
    };
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            return Err(Problem::new(
                format!("{shown} does not exist"),
                format!("create it or {leave_out}"),
            ));
        }
        Err(err) => return Err(inspect_failed(err)),
    };
    if !metadata.is_dir() {
        return Err(Problem::new(
            format!("{shown} is not a directory"),
            format!("name the directory that holds it, or {leave_out}"),
        ));
    }
    let canonical = std::fs::canonicalize(path).map_err(inspect_failed)?;
    utf8_path(&canonical, leave_out)?;
    Ok(canonical)
}

/// Manifests and grants are content-addressed as JSON, which holds only UTF-8 text.
pub(crate) fn utf8_path(path: &Path, leave_out: &str) -> Result<(), Problem> {
    if path.to_str().is_some() {
        Ok(())
    } else {
        Err(Problem::new(
            format!("{} is not valid UTF-8", path.display()),
            format!("rename it, or {leave_out}"),
        ))
    }
}
