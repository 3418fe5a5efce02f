//! The words `exit`, `return` and `shift` share for their arguments, as bash has them (ncsh patch:
//! brush took them through clap, which refused them in its own words).

use brush_core::{ExecutionContext, ExecutionControlFlow, ExecutionResult, ShellExtensions};

/// The status a word gives `exit` or `return`, as bash takes it: any whole number, taken modulo
/// 256; `None` for a word that is not one.
pub(crate) fn status_of(word: &str) -> Option<u8> {
    #[expect(clippy::cast_sign_loss)]
    word.trim().parse::<i64>().ok().map(|n| (n & 0xFF) as u8)
}

/// `NAME: WORD: numeric argument required`, with status 2 as bash gives it.
pub(crate) fn not_numeric(
    context: &ExecutionContext<'_, impl ShellExtensions>,
    word: &str,
) -> ExecutionResult {
    context.failure(format!("{word}: numeric argument required"), 2)
}

/// `NAME: too many arguments`, status 1. As in bash, a shell that is not interactive ends there:
/// POSIX has a misused special builtin end it.
pub(crate) fn too_many_arguments(
    context: &ExecutionContext<'_, impl ShellExtensions>,
) -> ExecutionResult {
    let mut result = context.failure("too many arguments", 1);
    if !context.shell.options().interactive {
        result.next_control_flow = ExecutionControlFlow::ExitShell;
    }
    result
}
