//! `type` and `command -v`/`-V` that know capabilities: a name that is no alias, keyword, function,
//! builtin or program, but a capability of this shell's generation (or ncsh's built-in `calc`), is
//! described as one, with the generation it comes from; every other name goes to bash's builtin as it
//! is.

use std::io::Write as _;
use std::sync::OnceLock;

use brush_core::builtins::{CommandExecuteFunc, Registration};
use brush_core::{CommandArg, ExecutionContext, ExecutionResult};

use crate::capabilities::locate;
use crate::wording::Extensions;

/// brush's own `type` and `command`, which these hand everything else to.
static BASH_TYPE: OnceLock<CommandExecuteFunc<Extensions>> = OnceLock::new();
static BASH_COMMAND: OnceLock<CommandExecuteFunc<Extensions>> = OnceLock::new();

/// Which builtin is wrapped.
#[derive(Clone, Copy)]
enum Describer {
    Type,
    Command,
}

/// ncsh's `type` and `command`, wrapping brush's registrations of them.
pub fn registrations(
    bash_type: Registration<Extensions>,
    bash_command: Registration<Extensions>,
) -> [(String, Registration<Extensions>); 2] {
    let _ = BASH_TYPE.set(bash_type.execute_func);
    let _ = BASH_COMMAND.set(bash_command.execute_func);
    [
        (
            "type".to_owned(),
            Registration {
                execute_func: |context, args| Box::pin(describe(context, args, Describer::Type)),
                ..bash_type
            },
        ),
        (
            "command".to_owned(),
            Registration {
                execute_func: |context, args| Box::pin(describe(context, args, Describer::Command)),
                ..bash_command
            },
        ),
    ]
}

async fn describe(
    context: ExecutionContext<'_, Extensions>,
    args: Vec<CommandArg>,
    describer: Describer,
) -> Result<ExecutionResult, brush_core::Error> {
    let original = match describer {
        Describer::Type => BASH_TYPE.get().copied(),
        Describer::Command => BASH_COMMAND.get().copied(),
    };
    let Some(original) = original else {
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
    let has = |flag: char| options.iter().any(|o| text(o).contains(flag));
    // `command NAME` runs NAME: only `command -v`/`-V` describes.
    if matches!(describer, Describer::Command) && !has('v') && !has('V') {
        return original(context, args).await;
    }
    let names: Vec<CommandArg> = args.iter().skip(1 + options.len()).cloned().collect();
    let ExecutionContext {
        shell,
        command_name,
        params,
    } = context;
    // `type` fails where any name is unknown; `command -v`/`-V` succeeds where any is known, as
    // bash's do.
    let (mut any_known, mut any_unknown) = (false, false);
    for name in names {
        let word = text(&name);
        let known = shell.aliases().contains_key(&word)
            || shell.is_keyword(&word)
            || shell.funcs().get(&word).is_some()
            || shell.builtins().contains_key(&word)
            || shell.find_executables_in_path(&word).next().is_some();
        if !known && let Some(source) = locate(&word) {
            let line = match describer {
                Describer::Type if has('t') => "capability".to_owned(),
                Describer::Command if !has('V') => word.clone(),
                _ => format!("{word} is a capability ({source})"),
            };
            let _ = writeln!(params.stdout(shell), "{line}");
            any_known = true;
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
        if original(context, one).await?.is_success() {
            any_known = true;
        } else {
            any_unknown = true;
        }
    }
    let failed = match describer {
        Describer::Type => any_unknown,
        Describer::Command => !any_known,
    };
    Ok(ExecutionResult::new(u8::from(failed)))
}
