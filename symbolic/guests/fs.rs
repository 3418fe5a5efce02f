//! fs: file tools as one capability, working only inside the directories its grant opens (ncsh
//! grants the current directory, and passes it as PWD). For `ls -1 -a`, `ls -l` (with
//! `--time-style=long-iso` times), `cat`, `head -n`, `tail -n` and `wc -l -w -c`, standard output is byte for byte what GNU coreutils prints on the same tree (with
//! LC_ALL=C ordering), so that a screen can be checked against it; `stat` prints only what WASI shows.
//!
//!     fs ls [-1] [-a] [-l] [PATH...]  fs cat FILE...          fs head [-n N] FILE...
//!     fs tail [-n N] FILE...        fs wc [-l] [-w] [-c] [FILE...]
//!     fs mkdir [-p] DIR...          fs touch FILE...        fs rm [-r] PATH...
//!     fs cp SOURCE DEST             fs mv SOURCE DEST       fs stat PATH...
//!
//! Built for wasm32-wasi by symbolic's build script with the system's rustc (1.63
//! on Debian 12), so it keeps to the Rust of that version and to std.

#[path = "fs/long.rs"]
mod long;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// A failure: the message after `fs CMD: `, and the exit status.
struct Failure(String, i32);

type Done = Result<(), Failure>;

/// Says a failure of one operand of `tool`, which goes on with the rest, as GNU's tools do, and
/// keeps its status for the end (with no message left to say then).
fn go_on(status: &mut Done, tool: &str, Failure(message, code): Failure) {
    eprintln!("fs {}: {}", tool, message);
    *status = Err(Failure(String::new(), code));
}

fn io(path: &str, e: std::io::Error) -> Failure {
    let why = match e.kind() {
        std::io::ErrorKind::NotFound => "No such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "Permission denied".to_string(),
        std::io::ErrorKind::AlreadyExists => "File exists".to_string(),
        // wasi-libc's word for a path under no granted directory.
        _ if e.to_string().contains("pre-opened") => {
            "outside the directories granted to fs".to_string()
        }
        _ => e.to_string(),
    };
    Failure(format!("{}: {}", path, why), 1)
}

/// `path` made absolute against the shell's directory (PWD): WASI has no current directory.
fn resolve(path: &str) -> PathBuf {
    let path = Path::new(path);
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        let cwd = std::env::var("PWD").unwrap_or_else(|_| "/".to_string());
        Path::new(&cwd).join(path)
    };
    // WASI refuses a `..` that climbs out of the granted directory as a permission, where a path
    // named outside it is said to be outside. Where the path, taken by its words, is outside,
    // that is said (`fs cat ../x` as `fs cat /etc/x`); it is never acted on by its words, since a
    // symlink before the `..` makes it another file (`out/../x`, with `out` pointing elsewhere).
    let named = without_dots(&joined);
    let refused = |path: &Path, why: &dyn Fn(&std::io::Error) -> bool| {
        matches!(std::fs::symlink_metadata(path), Err(e) if why(&e))
    };
    let climbs_out = || refused(&joined, &|e| e.kind() == std::io::ErrorKind::PermissionDenied);
    let outside = || refused(&named, &|e| e.to_string().contains("pre-opened"));
    if named != joined && climbs_out() && outside() {
        named
    } else {
        joined
    }
}

/// `path`, absolute, with its `.` and `..` taken out by their words.
fn without_dots(path: &Path) -> PathBuf {
    let mut named = PathBuf::from("/");
    for component in path.components() {
        match component {
            std::path::Component::Normal(name) => named.push(name),
            std::path::Component::ParentDir => {
                named.pop();
            }
            _ => {}
        }
    }
    named
}

/// The operands of a tool that takes no options, after the `--` that may end options in GNU's
/// tools.
fn operands_only(args: &[String]) -> &[String] {
    match args.first() {
        Some(first) if first == "--" => &args[1..],
        _ => args,
    }
}

/// Splits `args` into flags (single letters from `-abc` words) and operands; `-n N` takes a value.
fn parse(args: &[String], with_value: &str) -> Result<(Vec<char>, Option<String>, Vec<String>), Failure> {
    let mut flags = Vec::new();
    let mut value = None;
    let mut operands = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        if arg == "--" && operands.is_empty() {
            // As in GNU's tools, `--` ends the options: what follows is operands, dashes and all.
            operands.extend(args[i + 1..].iter().cloned());
            break;
        } else if arg.len() > 1 && arg.starts_with('-') && operands.is_empty() {
            let letters: Vec<char> = arg[1..].chars().collect();
            for (j, &c) in letters.iter().enumerate() {
                if with_value.contains(c) {
                    let rest: String = letters[j + 1..].iter().collect();
                    value = Some(if rest.is_empty() {
                        i += 1;
                        match args.get(i) {
                            Some(v) => v.clone(),
                            None => return Err(Failure(format!("option requires an argument -- '{}'", c), 2)),
                        }
                    } else {
                        rest
                    });
                    break;
                }
                flags.push(c);
            }
        } else {
            operands.push(arg.clone());
        }
        i += 1;
    }
    Ok((flags, value, operands))
}

fn ls(args: &[String], out: &mut dyn Write) -> Done {
    let (flags, _, mut operands) = parse(args, "")?;
    for flag in &flags {
        if !"1al".contains(*flag) {
            return Err(Failure(format!("unsupported option -- '{}' (fs ls takes -1, -a and -l)", flag), 2));
        }
    }
    let all = flags.contains(&'a');
    let long = flags.contains(&'l');
    if operands.is_empty() {
        operands.push(".".to_string());
    }
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    let mut status = Ok(());
    for operand in &operands {
        let path = resolve(operand);
        // As GNU's -l does, a symlink named on the command line is listed, not followed.
        let meta = if long { std::fs::symlink_metadata(&path) } else { std::fs::metadata(&path) };
        match meta {
            Ok(meta) if meta.is_dir() => dirs.push(operand.clone()),
            Ok(meta) => files.push(long::Entry { name: operand.clone(), path, kind: long::kind_letter(meta.file_type()) }),
            Err(e) => go_on(&mut status, "ls", io(&format!("cannot access '{}'", operand), e)),
        }
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    dirs.sort();
    let mut unknown = show(&files, false, long, out);
    let headers = operands.len() > 1;
    for (k, dir) in dirs.iter().enumerate() {
        if headers {
            if k > 0 || !files.is_empty() {
                writeln!(out).ok();
            }
            writeln!(out, "{}:", dir).ok();
        }
        let base = resolve(dir);
        let mut entries: Vec<long::Entry> = match std::fs::read_dir(&base) {
            Ok(entries) => entries
                .filter_map(|e| e.ok())
                .map(|e| long::Entry {
                    name: e.file_name().to_string_lossy().into_owned(),
                    path: e.path(),
                    kind: e.file_type().map(long::kind_letter).unwrap_or('-'),
                })
                .filter(|e| all || !e.name.starts_with('.'))
                .collect(),
            Err(e) => return Err(io(&format!("cannot open directory '{}'", dir), e)),
        };
        if all {
            for name in [".", ".."] {
                entries.push(long::Entry { name: name.to_string(), path: base.join(name), kind: 'd' });
            }
        }
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        unknown.extend(show(&entries, true, long, out));
    }
    for name in unknown {
        go_on(&mut status, "ls", Failure(format!("cannot access '{}': outside the directories granted to fs", name), 1));
    }
    status
}

/// Writes `entries` one name per line, or in long format; returns those it could not describe.
fn show(entries: &[long::Entry], directory: bool, long: bool, out: &mut dyn Write) -> Vec<String> {
    if long {
        return long::write(entries, directory, out);
    }
    for entry in entries {
        writeln!(out, "{}", entry.name).ok();
    }
    Vec::new()
}

fn read_all(path: &str) -> Result<Vec<u8>, Failure> {
    std::fs::read(resolve(path)).map_err(|e| io(path, e))
}

fn cat(args: &[String], out: &mut dyn Write) -> Done {
    let mut status = Ok(());
    for path in args {
        match read_all(path) {
            Ok(bytes) => {
                out.write_all(&bytes).ok();
            }
            Err(f) => go_on(&mut status, "cat", f),
        }
    }
    status
}

/// The lines of `bytes`, each with its newline (the last may lack one).
fn lines(bytes: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            out.push(&bytes[start..=i]);
            start = i + 1;
        }
    }
    if start < bytes.len() {
        out.push(&bytes[start..]);
    }
    out
}

fn head_or_tail(args: &[String], out: &mut dyn Write, tail: bool) -> Done {
    let (_, value, files) = parse(args, "n")?;
    let n: usize = match value {
        None => 10,
        Some(v) => v.parse().map_err(|_| Failure(format!("invalid number of lines: '{}'", v), 1))?,
    };
    let mut status = Ok(());
    let mut shown = 0;
    for path in &files {
        let bytes = match std::fs::read(resolve(path)) {
            Ok(bytes) => bytes,
            Err(e) => {
                let failure = io(&format!("cannot open '{}' for reading", path), e);
                go_on(&mut status, if tail { "tail" } else { "head" }, failure);
                continue;
            }
        };
        // As GNU's: a blank line between files shown, none for a file that could not be.
        if files.len() > 1 {
            if shown > 0 {
                writeln!(out).ok();
            }
            writeln!(out, "==> {} <==", path).ok();
        }
        shown += 1;
        let all = lines(&bytes);
        let chosen = if tail { &all[all.len().saturating_sub(n)..] } else { &all[..n.min(all.len())] };
        for line in chosen {
            out.write_all(line).ok();
        }
    }
    status
}

fn wc(args: &[String], out: &mut dyn Write) -> Done {
    let (mut flags, _, files) = parse(args, "")?;
    if flags.is_empty() {
        flags = vec!['l', 'w', 'c'];
    }
    let counts = |bytes: &[u8]| {
        let l = bytes.iter().filter(|&&b| b == b'\n').count();
        let w = bytes.split(|b| b.is_ascii_whitespace()).filter(|w| !w.is_empty()).count();
        [l, w, bytes.len()]
    };
    let pick = |c: [usize; 3]| -> Vec<usize> {
        let mut shown = Vec::new();
        for (flag, value) in ['l', 'w', 'c'].iter().zip(c.iter()) {
            if flags.contains(flag) {
                shown.push(*value);
            }
        }
        shown
    };
    let mut rows: Vec<(Vec<usize>, Option<String>)> = Vec::new();
    let mut status = Ok(());
    let mut total = [0usize; 3];
    let width;
    if files.is_empty() {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).ok();
        rows.push((pick(counts(&bytes)), None));
        width = if flags.len() == 1 { 1 } else { 7 };
    } else {
        let mut size = 0usize;
        for path in &files {
            match read_all(path) {
                Ok(bytes) => {
                    let c = counts(&bytes);
                    size += bytes.len();
                    for i in 0..3 {
                        total[i] += c[i];
                    }
                    rows.push((pick(c), Some(path.clone())));
                }
                Err(f) => go_on(&mut status, "wc", f),
            }
        }
        if files.len() > 1 {
            rows.push((pick(total), Some("total".to_string())));
        }
        width = size.to_string().len().max(1);
    }
    for (values, name) in rows {
        let text: Vec<String> = values.iter().map(|v| format!("{:>w$}", v, w = width)).collect();
        match name {
            Some(name) => writeln!(out, "{} {}", text.join(" "), name).ok(),
            None => writeln!(out, "{}", text.join(" ")).ok(),
        };
    }
    status
}

fn mkdir(args: &[String]) -> Done {
    let (flags, _, dirs) = parse(args, "")?;
    let mut status = Ok(());
    for dir in &dirs {
        let made = if flags.contains(&'p') {
            std::fs::create_dir_all(resolve(dir))
        } else {
            std::fs::create_dir(resolve(dir))
        };
        if let Err(e) = made {
            go_on(&mut status, "mkdir", io(&format!("cannot create directory '{}'", dir), e));
        }
    }
    status
}

fn touch(args: &[String]) -> Done {
    let mut status = Ok(());
    for path in args {
        let touched = std::fs::OpenOptions::new().create(true).append(true).open(resolve(path));
        if let Err(e) = touched {
            go_on(&mut status, "touch", io(&format!("cannot touch '{}'", path), e));
        }
    }
    status
}

/// As GNU's rm: each path is removed or refused in turn, a refusal said and the rest still
/// removed, and the status is 1 where one was refused.
fn rm(args: &[String]) -> Done {
    let (flags, _, paths) = parse(args, "")?;
    let mut status = Ok(());
    for path in &paths {
        if let Err(failure) = rm_one(path, flags.contains(&'r')) {
            go_on(&mut status, "rm", failure);
        }
    }
    status
}

/// Removes `path`, refusing first what GNU's rm refuses: a path that ends in `.` or `..` (the
/// directory it is in, with everything beside it) and, recursively, `/`.
fn rm_one(path: &str, recursive: bool) -> Done {
    // WASI refuses to remove a directory named with a trailing slash.
    let trimmed = path.trim_end_matches('/');
    let last = trimmed.rsplit('/').next().unwrap_or_default();
    if last == "." || last == ".." {
        return Err(Failure(format!("refusing to remove '.' or '..' directory: skipping '{}'", path), 1));
    }
    let full = resolve(if trimmed.is_empty() { "/" } else { trimmed });
    if recursive && full == Path::new("/") {
        return Err(Failure(format!("it is dangerous to operate recursively on '{}'", path), 1));
    }
    let meta = std::fs::symlink_metadata(&full).map_err(|e| io(&format!("cannot remove '{}'", path), e))?;
    let removed = if meta.is_dir() {
        if !recursive {
            return Err(Failure(format!("cannot remove '{}': Is a directory", path), 1));
        }
        std::fs::remove_dir_all(&full)
    } else {
        std::fs::remove_file(&full)
    };
    removed.map_err(|e| io(&format!("cannot remove '{}'", path), e))
}

fn copy_or_move(args: &[String], keep: bool) -> Done {
    if args.len() != 2 {
        return Err(Failure("needs SOURCE and DEST".to_string(), 2));
    }
    let (from, to) = (resolve(&args[0]), resolve(&args[1]));
    let to = if to.is_dir() { to.join(from.file_name().unwrap_or_default()) } else { to };
    if keep {
        std::fs::copy(&from, &to).map(|_| ())
    } else {
        std::fs::rename(&from, &to)
    }
    .map_err(|e| io(&args[0], e))
}

fn stat(args: &[String], out: &mut dyn Write) -> Done {
    for path in args {
        let meta = std::fs::metadata(resolve(path)).map_err(|e| io(&format!("cannot stat '{}'", path), e))?;
        let kind = if meta.is_dir() { "directory" } else if meta.len() == 0 { "regular empty file" } else { "regular file" };
        writeln!(out, "  File: {}\n  Size: {}\t{}", path, meta.len(), kind).ok();
    }
    Ok(())
}

/// Each tool and the arguments it takes, for `fs --help` and `fs TOOL --help`.
const TOOLS: &[(&str, &str)] = &[
    ("ls", "[-1] [-a] [-l] [PATH...]"),
    ("cat", "FILE..."),
    ("head", "[-n N] FILE..."),
    ("tail", "[-n N] FILE..."),
    ("wc", "[-l] [-w] [-c] [FILE...]"),
    ("mkdir", "[-p] DIR..."),
    ("touch", "FILE..."),
    ("rm", "[-r] PATH..."),
    ("cp", "SOURCE DEST"),
    ("mv", "SOURCE DEST"),
    ("stat", "PATH..."),
];

const ABOUT: &str = "fs: file tools inside the directories granted to it (ncsh grants the current one)";

const MATCHES: &str = "The output of ls, cat, head, tail and wc with these flags matches GNU coreutils';
`ls -l` matches `ls -l --time-style=long-iso`. `stat` shows the first lines of GNU's: a name, its
size and its type. The others say nothing unless they fail.";

/// `fs --help`: every tool, as many to a line as fit in 100 columns.
fn help() -> String {
    let mut lines = vec![String::from("Usage: fs")];
    for (index, (tool, arguments)) in TOOLS.iter().enumerate() {
        let usage = format!("{}{} {}", if index == 0 { " " } else { " | " }, tool, arguments);
        if lines.last().map_or(0, |line| line.len()) + usage.len() > 100 {
            lines.push(String::from("         "));
        }
        if let Some(line) = lines.last_mut() {
            line.push_str(&usage);
        }
    }
    format!("{}\n\n{}\n\n{}\n", ABOUT, lines.join("\n"), MATCHES)
}

/// `fs TOOL --help`, as GNU's tools take it anywhere among their arguments.
fn tool_help(command: &str, args: &[String]) -> Option<String> {
    if !args.iter().take_while(|a| *a != "--").any(|a| a == "--help") {
        return None;
    }
    let (tool, arguments) = TOOLS.iter().find(|(tool, _)| *tool == command)?;
    Some(format!("Usage: fs {} {}\n\n{}\n\n`fs --help` lists every tool.\n", tool, arguments, MATCHES))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().cloned().unwrap_or_default();
    let rest = if args.is_empty() { &args[..] } else { &args[1..] };
    // Written a line at a time (Stdout's own buffering), so that a failure said on stderr comes
    // between the lines as GNU's tools say it.
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if let Some(help) = tool_help(&command, rest) {
        out.write_all(help.as_bytes()).ok();
        out.flush().ok();
        return;
    }
    let result = match command.as_str() {
        "ls" => ls(rest, &mut out),
        "cat" => cat(operands_only(rest), &mut out),
        "head" => head_or_tail(rest, &mut out, false),
        "tail" => head_or_tail(rest, &mut out, true),
        "wc" => wc(rest, &mut out),
        "mkdir" => mkdir(rest),
        "touch" => touch(operands_only(rest)),
        "rm" => rm(rest),
        "cp" => copy_or_move(operands_only(rest), true),
        "mv" => copy_or_move(operands_only(rest), false),
        "stat" => stat(operands_only(rest), &mut out),
        "-h" | "--help" | "help" => {
            out.write_all(help().as_bytes()).ok();
            Ok(())
        }
        "" => {
            eprint!("fs: name a tool to run\n\n{}", help());
            std::process::exit(2);
        }
        other => Err(Failure(format!("no such tool '{}'; `fs --help` lists them", other), 2)),
    };
    out.flush().ok();
    if let Err(Failure(message, status)) = result {
        if !message.is_empty() {
            eprintln!("fs {}: {}", command, message);
        }
        std::process::exit(status);
    }
}
