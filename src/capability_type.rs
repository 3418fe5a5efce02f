//! `type` that knows capabilities: for a name that is no alias, keyword, function, builtin or
//! program, but a capability of this shell's generation (or ncsh's built-in `calc`), it says so and
//! from which generation; every other name goes to bash's `type` as it is.

use std::io::Write as _;
use std::sync::OnceLock;

use brush_core::builtins::{CommandExecuteFunc, Registration};
use brush_core::{CommandArg, ExecutionContext, ExecutionResult};

use crate::capabilities::locate;
use crate::wording::Extensions;

/// brush's own `type`, which this one hands the other names to.
static BASH_TYPE: OnceLock<CommandExecuteFunc<Extensions>> = OnceLock::new();

/// ncsh's `type`, wrapping `bash_type` (brush's registration of it).
pub fn registration(bash_type: Registration<Extensions>) -> (String, Registration<Extensions>) {
    let _ = BASH_TYPE.set(bash_type.execute_func);
    let registration = Registration {
        execute_func: execute,
        ..bash_type
    };
    ("type".to_owned(), registration)
}

fn execute(
    context: ExecutionContext<'_, Extensions>,
    args: Vec<CommandArg>,
) -> brush_core::builtins::BoxFuture<'_, Result<ExecutionResult, brush_core::Error>> {
    Box::pin(async move {
        let Some(bash_type) = BASH_TYPE.get().copied() else {
            return Ok(ExecutionResult::new(1));
        };
        let text = |arg: &CommandArg| match arg {
            CommandArg::String(s) => s.clone(),
            CommandArg::Assignment(a) => a.to_string(),
        };
        let options: Vec<CommandArg> = args
            .iter()
            .skip(1)
            .take_while(|a| text(a).starts_with('-'))
            .cloned()
            .collect();
        let terse = options.iter().any(|o| text(o).contains('t'));
        let names: Vec<CommandArg> = args.iter().skip(1 + options.len()).cloned().collect();
        let ExecutionContext {
            shell,
            command_name,
            params,
        } = context;
        let mut status = 0;
        for name in names {
            let word = text(&name);
            let known = shell.aliases().contains_key(&word)
                || shell.is_keyword(&word)
                || shell.funcs().get(&word).is_some()
                || shell.builtins().contains_key(&word)
                || shell
                    .find_first_executable_in_path_using_cache(&word)
                    .is_some();
            if !known && let Some(source) = locate(&word) {
                let mut out = params.stdout(shell);
                let _ = if terse {
                    writeln!(out, "capability")
                } else {
                    writeln!(out, "{word} is a capability ({source})")
                };
                continue;
            }
            let mut one = vec![args[0].clone()];
            one.extend(options.iter().cloned());
            one.push(name);
            let context = ExecutionContext {
                shell: &mut *shell,
                command_name: command_name.clone(),
                params: params.clone(),
            };
            let result = bash_type(context, one).await?;
            if !result.is_success() {
                status = 1;
            }
        }
        Ok(ExecutionResult::new(status))
    })
}
