//! Capabilities as commands. A command that is not a function, a builtin or a program on PATH goes to
//! bash's `command_not_found_handle`; ncsh's builtin of that name runs the capability of this shell's
//! generation by that name, or ncsh's built-in `calc`, or says "command not found" as bash does. So a
//! capability never shadows a program of the system, and a user's own `command_not_found_handle`
//! function still comes first (it can call `builtin command_not_found_handle "$@"`).
//!
//! A capability runs in this process, in the sandbox its grant builds ([`symbolic`]), with the
//! shell's standard input (if granted), output and error, streamed; its code is compiled once, at
//! install, and fetched from the store through the daemon.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::{Arc, Mutex};

use brush_core::builtins::{ContentOptions, ContentType, Registration};
use brush_core::{CommandArg, ExecutionContext, ExecutionResult, ShellExtensions};
use policy::manifest::{Kind, Limits, Permissions};
use policy::{Grant, Manifest};
use store::BlobHash;
use symbolic::replay::RecordedCall;
use symbolic::{Executor, Input, Invocation, Program, Sink};

use crate::builtins::pin;
use crate::daemon::client;

/// The builtin bash calls for a command it cannot find.
pub const NOT_FOUND_HANDLER: &str = "command_not_found_handle";

/// A capability ready to run.
struct Capability {
    grant: Grant,
    limits: Limits,
    program: Program,
    /// Also granted the shell's working directory (read-write) and told it as PWD, per call: the
    /// built-in `fs`.
    grants_cwd: bool,
}

/// This shell's generation, fetched once, and the capabilities of it loaded so far.
struct Loaded {
    generation: store::Generation,
    capabilities: HashMap<String, Arc<Capability>>,
}

static LOADED: Mutex<Option<Loaded>> = Mutex::new(None);

/// ncsh's own capabilities (`calc`, `fs`), each loaded once.
static BUILT_INS: Mutex<Vec<(&'static str, Arc<Capability>)>> = Mutex::new(Vec::new());

/// The registration of ncsh's `command_not_found_handle`.
pub fn registration<SE: ShellExtensions>() -> (String, Registration<SE>) {
    let registration = Registration {
        execute_func: execute::<SE>,
        content_func: content,
        disabled: false,
        special_builtin: false,
        declaration_builtin: false,
    };
    (NOT_FOUND_HANDLER.to_owned(), registration)
}

fn content(name: &str, kind: ContentType, _: &ContentOptions) -> Result<String, brush_core::Error> {
    let about = "runs a command that is not found: a capability of this shell's generation, or \
                 ncsh's calc; otherwise says `command not found` (status 127)";
    Ok(match kind {
        ContentType::ShortUsage => format!("{name} COMMAND [ARGS...]"),
        ContentType::ShortDescription => format!("{name} - {about}\n"),
        ContentType::DetailedHelp | ContentType::ManPage => {
            format!("{name} COMMAND [ARGS...]\n\n{about}.\n")
        }
    })
}

fn execute<SE: ShellExtensions>(
    context: ExecutionContext<'_, SE>,
    args: Vec<CommandArg>,
) -> brush_core::builtins::BoxFuture<'_, Result<ExecutionResult, brush_core::Error>> {
    Box::pin(async move {
        let mut words = args.into_iter().skip(1).map(|arg| match arg {
            CommandArg::String(s) => s,
            CommandArg::Assignment(a) => a.to_string(),
        });
        let name = words.next().unwrap_or_default();
        let args: Vec<String> = words.collect();
        let mut stderr = context.stderr();
        let prefix = crate::wording::error_prefix(context.shell);
        let capability = match find(&name) {
            Ok(Some(capability)) => capability,
            Ok(None) => {
                let _ = writeln!(stderr, "{prefix}{name}: command not found");
                return Ok(ExecutionResult::new(127));
            }
            Err(why) => {
                let _ = writeln!(stderr, "{prefix}{name}: command not found ({why})");
                return Ok(ExecutionResult::new(127));
            }
        };
        let (grant, mut env) = match call_grant(
            &capability,
            context.shell.working_dir(),
            context.shell.working_dir(),
        ) {
            Ok(granted) => granted,
            Err(e) => {
                let _ = writeln!(stderr, "{name}: {e}");
                return Ok(ExecutionResult::new(1));
            }
        };
        env.extend(capability.grant.env.iter().filter_map(|var| {
            let value = context
                .shell
                .env_var(var)?
                .value()
                .to_cow_str(context.shell);
            Some((var.clone(), value.into_owned()))
        }));
        let file = |fd| {
            context
                .try_fd(fd)
                .and_then(|f| f.try_borrow_as_fd().ok()?.try_clone_to_owned().ok())
                .map(std::fs::File::from)
        };
        let invocation = Invocation {
            name: name.clone(),
            args,
            stdin: file(0).map_or(Input::Closed, Input::File),
            stdout: file(1).map_or(Sink::Discard, Sink::File),
            stderr: file(2).map_or(Sink::Discard, Sink::File),
            env,
            deterministic: None,
        };
        // On a blocking thread: the guest may wait on a pipe that another part of this shell's
        // pipeline, running on the shell's own thread, has yet to fill.
        let ran = tokio::task::spawn_blocking(move || {
            let executor = Executor::get()?;
            executor.run(&capability.program, invocation, &grant, &capability.limits)
        })
        .await;
        let status = match ran {
            Ok(Ok(outcome)) => {
                if let Some(stop) = &outcome.stopped {
                    let _ = writeln!(stderr, "{}", stop.message(&name));
                }
                outcome.status
            }
            Ok(Err(e)) => {
                let _ = writeln!(stderr, "{name}: {e}");
                1
            }
            Err(e) => {
                let _ = writeln!(stderr, "{name}: the capability's thread failed: {e}");
                1
            }
        };
        Ok(ExecutionResult::new(
            u8::try_from(status & 0xff).unwrap_or(1),
        ))
    })
}

/// The grant of one call of `capability` from `cwd`, and the environment it sets: for the built-in
/// `fs`, its grant with `granted` added (read-write: the working directory, for a shell's call) and
/// PWD naming `cwd`.
fn call_grant(
    capability: &Capability,
    granted: &std::path::Path,
    cwd: &std::path::Path,
) -> Result<(Grant, Vec<(String, String)>), String> {
    if !capability.grants_cwd {
        return Ok((capability.grant.clone(), Vec::new()));
    }
    let with_cwd = capability
        .grant
        .clone()
        .with_extra_write(granted)
        .map_err(|e| e.to_string())?;
    let grant = Grant::from(Permissions {
        env: vec!["PWD".to_owned()],
        ..(*with_cwd).clone()
    });
    Ok((grant, vec![("PWD".to_owned(), cwd.display().to_string())]))
}

/// Runs capability `name` in deterministic mode from `cwd` and records the call, for `cap record`.
///
/// # Errors
/// When there is no such capability, or its sandbox cannot be built.
pub fn record(
    name: &str,
    args: &[String],
    stdin: &[u8],
    cwd: &std::path::Path,
    deterministic: symbolic::Deterministic,
) -> Result<RecordedCall, String> {
    let capability = find(name)?.ok_or_else(|| no_capability(name))?;
    let (grant, env) = call_grant(&capability, cwd, cwd)?;
    let call = symbolic::InMemory {
        name,
        args,
        stdin,
        env: &env,
    };
    off_runtime(|| {
        let executor = Executor::get().map_err(|e| e.to_string())?;
        symbolic::replay::record(
            executor,
            &capability.program,
            call,
            deterministic,
            &grant,
            &capability.limits,
        )
        .map_err(|e| e.to_string())
    })
}

/// Runs a recorded call again with this shell's capability of its name, from `cwd` (which `fs` is
/// granted, as when it was recorded), for `cap replay`.
///
/// # Errors
/// The first difference from the record, or why it could not run.
pub fn replay(call: &RecordedCall, cwd: &std::path::Path) -> Result<(), String> {
    let capability = find(&call.name)?.ok_or_else(|| no_capability(&call.name))?;
    let (grant, env) = call_grant(&capability, cwd, cwd)?;
    let mut call = call.clone();
    // The working directory is this shell's, never one a record names.
    call.env.retain(|(var, _)| var != "PWD");
    call.env.extend(env);
    off_runtime(|| {
        let executor = Executor::get().map_err(|e| e.to_string())?;
        symbolic::replay::replay(
            executor,
            &capability.program,
            &call,
            &grant,
            &capability.limits,
        )
        .map_err(|e| e.to_string())
    })
}

/// Runs ncsh's built-in `fs` with `args` from `cwd`, granted `disk` (read-write) and nothing else,
/// and keeps what it writes: the neural computer's file commands, on its disk.
///
/// # Errors
/// When its sandbox cannot be built (the disk is gone).
pub fn fs_on(
    disk: &std::path::Path,
    cwd: &std::path::Path,
    args: &[String],
) -> Result<symbolic::Captured, String> {
    let capability = built_in("fs").ok_or_else(|| no_capability("fs"))??;
    let (grant, env) = call_grant(&capability, disk, cwd)?;
    let call = symbolic::InMemory {
        name: "fs",
        args,
        stdin: &[],
        env: &env,
    };
    let executor = Executor::get().map_err(|e| e.to_string())?;
    executor
        .run_in_memory(&capability.program, call, None, &grant, &capability.limits)
        .map_err(|e| e.to_string())
}

/// Runs `run` on a thread of its own: WASI's synchronous calls start a runtime of their own, which
/// they cannot do on the shell's.
pub fn off_runtime<T: Send>(run: impl FnOnce() -> Result<T, String> + Send) -> Result<T, String> {
    std::thread::scope(|scope| {
        scope
            .spawn(run)
            .join()
            .unwrap_or_else(|_| Err("the capability's thread failed".to_owned()))
    })
}

fn no_capability(name: &str) -> String {
    format!(
        "no capability `{name}` in this shell's generation (`cap list` shows them), nor built into ncsh"
    )
}

/// Where capability `name` comes from, for `type`: `generation N`, or `built into ncsh`; `None` when
/// there is none (or no daemon to ask).
pub fn locate(name: &str) -> Option<String> {
    if built_in_code(name).is_some() {
        return Some("built into ncsh".to_owned());
    }
    let installed = with_generation(|loaded| {
        let generation = &loaded.generation;
        Ok(generation
            .contents
            .capabilities
            .contains_key(name)
            .then(|| format!("generation {}", generation.id)))
    });
    installed.ok().flatten().flatten()
}

/// Runs `f` on this shell's generation, fetched from the daemon once per generation. `Ok(None)` where
/// there is no store: a mistyped command must not start a daemon for a user who never installed
/// anything.
fn with_generation<T>(
    f: impl FnOnce(&mut Loaded) -> Result<T, String>,
) -> Result<Option<T>, String> {
    let store_exists = crate::daemon::store_dir().is_ok_and(|dir| dir.exists());
    if !store_exists {
        return Ok(None);
    }
    let id = pin::pinned_within(Some(pin::LOOKUP_WAIT)).map_err(|e| e.to_string())?;
    let mut loaded = LOADED.lock().unwrap_or_else(|p| p.into_inner());
    let loaded = match loaded.as_mut() {
        Some(loaded) if loaded.generation.id == id => loaded,
        _ => loaded.insert(Loaded {
            generation: client::generation_within(id, pin::LOOKUP_WAIT)
                .map_err(|e| e.to_string())?,
            capabilities: HashMap::new(),
        }),
    };
    f(loaded).map(Some)
}

/// The capability called `name` for this shell: a built-in one (`calc` and `fs`, which the neural
/// computer trusts to check its screens, so that none installed under their names before `cap
/// install` refused them answers for them), else one of its generation's.
fn find(name: &str) -> Result<Option<Arc<Capability>>, String> {
    match built_in(name) {
        // Built-ins work without the daemon: they compile here when they must.
        Some(built_in) => built_in.map(Some),
        None => installed(name),
    }
}

/// Capability `name` of this shell's generation, loaded (and kept) on first use.
fn installed(name: &str) -> Result<Option<Arc<Capability>>, String> {
    let found = with_generation(|loaded| {
        if let Some(capability) = loaded.capabilities.get(name) {
            return Ok(Some(capability.clone()));
        }
        let Some(reference) = loaded.generation.contents.capabilities.get(name) else {
            return Ok(None);
        };
        let read = |hash: BlobHash, what: &str| -> Result<Vec<u8>, String> {
            client::blob(hash).map_err(|e| format!("cannot read its {what}: {e}"))
        };
        let manifest: Manifest = serde_json::from_slice(&read(reference.manifest, "manifest")?)
            .map_err(|e| format!("its stored manifest cannot be read ({e}); reinstall it"))?;
        let grant: Grant = serde_json::from_slice(&read(reference.grant, "grant")?)
            .map_err(|e| format!("its stored grant cannot be read ({e}); reinstall it"))?;
        let capability = Arc::new(Capability {
            grant,
            limits: manifest.limits,
            program: program(reference.wasm, manifest.kind, None)?,
            grants_cwd: false,
        });
        loaded
            .capabilities
            .insert(name.to_owned(), capability.clone());
        Ok(Some(capability))
    })?;
    Ok(found.flatten())
}

/// The name, wasm and working-directory grant of ncsh's built-in capability `name`, if it is one:
/// `calc` (reads standard input, nothing else) or `fs` (the shell's working directory, per call,
/// and standard input).
fn built_in_code(name: &str) -> Option<(&'static str, &'static [u8], bool)> {
    match name {
        "calc" => Some(("calc", symbolic::guests::CALC, false)),
        "fs" => Some(("fs", symbolic::guests::FS, true)),
        _ => None,
    }
}

/// ncsh's built-in capability `name`, if it is one, loaded once.
fn built_in(name: &str) -> Option<Result<Arc<Capability>, String>> {
    let (name, code, grants_cwd) = built_in_code(name)?;
    let mut loaded = BUILT_INS.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, capability)) = loaded.iter().find(|(n, _)| *n == name) {
        return Some(Ok(capability.clone()));
    }
    let program = match program(BlobHash::of(code), Kind::Module, Some(code)) {
        Ok(program) => program,
        Err(e) => return Some(Err(e)),
    };
    let capability = Arc::new(Capability {
        grant: Grant::from(Permissions {
            stdin: true,
            ..Permissions::default()
        }),
        limits: Limits::default(),
        program,
        grants_cwd,
    });
    loaded.push((name, capability.clone()));
    Some(Ok(capability))
}

/// The code for `wasm`, precompiled by the daemon (at install, or once for a built-in). Built-in
/// code (`own`) is compiled here when there is no daemon to ask, so that `calc` always works.
fn program(wasm: BlobHash, kind: Kind, own: Option<&[u8]>) -> Result<Program, String> {
    let executor = Executor::get().map_err(|e| e.to_string())?;
    match client::precompiled(wasm, kind, executor.compatibility()) {
        // SAFETY: the artifact comes from ncsh's own store, through the daemon, and was checked
        // against the sha256 the store keeps it under (`client::precompiled`).
        Ok(artifact) => unsafe { executor.load(&artifact, kind) }.map_err(|e| e.to_string()),
        Err(e) => match own {
            Some(code) => executor.compile(code, kind).map_err(|e| e.to_string()),
            None => Err(e.to_string()),
        },
    }
}

/// For a line that is only arithmetic (`10+15`, `2^64`, `(3+4)*5`) whose first word names no
/// command, the line to run instead: ncsh's calc on it.
pub fn bare_arithmetic(line: &str, mut is_command: impl FnMut(&str) -> bool) -> Option<String> {
    let expression = line.trim();
    let arithmetic = |c: char| c.is_ascii_digit() || " \t+-*/%^().×−÷".contains(c);
    let operator = |c: char| "+-*/%^×−÷".contains(c);
    if expression.is_empty()
        || !expression.chars().all(arithmetic)
        || !expression.chars().any(|c| c.is_ascii_digit())
        || !expression.trim_start_matches('-').chars().any(operator)
    {
        return None;
    }
    let first = expression.split_whitespace().next().unwrap_or_default();
    if is_command(first) {
        return None;
    }
    Some(format!("builtin {NOT_FOUND_HANDLER} calc '{expression}'"))
}

#[cfg(test)]
mod tests {
    use super::bare_arithmetic;

    #[test]
    fn only_arithmetic_lines_that_name_no_command_go_to_calc() {
        let none = |_: &str| false;
        assert_eq!(
            bare_arithmetic("10+15", none).as_deref(),
            Some("builtin command_not_found_handle calc '10+15'")
        );
        assert!(bare_arithmetic("(3+4)*5", none).is_some());
        assert!(bare_arithmetic("2^64", none).is_some());
        assert!(bare_arithmetic(" 7 × 6 ", none).is_some());
        for not in ["42", "-5", "ls -l", "echo 1+2", "", "1+x", "$((1+2))"] {
            assert_eq!(bare_arithmetic(not, none), None, "{not:?}");
        }
        assert_eq!(bare_arithmetic("10+15", |name| name == "10+15"), None);
    }
}
