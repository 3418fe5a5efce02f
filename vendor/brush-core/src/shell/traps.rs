//! Trap handling for the shell.

use crate::{
    ExecutionControlFlow, ExecutionParameters, ExecutionResult, ProcessGroupPolicy, error,
    traps::TrapSignal,
};

impl<SE: crate::extensions::ShellExtensions> crate::Shell<SE> {
    /// Runs any exit steps for the shell.
    ///
    /// This currently includes invoking the `EXIT` trap handler, if any. ncsh patch: gives the
    /// trap's result where it calls `exit`, which is then the shell's, as in bash.
    pub async fn on_exit(&mut self) -> Result<Option<ExecutionResult>, error::Error> {
        if !self.traps.handles(TrapSignal::Exit) {
            return Ok(None);
        }
        let params = self.default_exec_params();
        let trap = self.invoke_trap_handler(TrapSignal::Exit, &params).await?;
        let exited = exited(trap);
        if let Some(exited) = &exited {
            self.set_last_exit_status(exited.exit_code.into());
        }
        Ok(exited)
    }

    /// Runs a subshell's EXIT trap as the subshell ends, with the subshell's descriptors, where
    /// the subshell set it itself (ncsh patch: subshells never ran one, so `( trap 'rm -f $tmp'
    /// EXIT; … )` left its file, and `$(trap 'echo done' EXIT; …)` lost the output). Gives how
    /// the subshell `ended`, or the trap's result where it calls `exit`.
    pub(crate) async fn on_subshell_exit(
        &mut self,
        params: &ExecutionParameters,
        ended: Result<ExecutionResult, error::Error>,
    ) -> Result<ExecutionResult, error::Error> {
        if !self.traps.set_by_subshell(TrapSignal::Exit) {
            return ended;
        }
        // An error in the trap was said where it happened; the subshell ends as it was ending.
        let trap = self.invoke_trap_handler(TrapSignal::Exit, params).await;
        match trap.ok().and_then(exited) {
            Some(exited) => Ok(exited),
            None => ended,
        }
    }

    /// Invokes the handler registered for `signal`, if any.
    ///
    /// Behavior varies by signal type:
    ///
    /// * **Per-signal recursion guard** — each trap guards against its own self-recursion, but
    ///   different traps *can* fire from within each other's handlers (matching bash semantics).
    ///
    /// * **Inheritance** — in functions and subshells, some traps are only inherited when the
    ///   corresponding shell option is enabled (e.g. `errtrace` / `set -E` for `ERR`, `functrace` /
    ///   `set -T` for `DEBUG`/`RETURN`).
    ///
    /// * **`$?` preservation** — `last_exit_status` is saved before and restored after the handler
    ///   runs so the trap does not clobber the status that triggered it.
    ///
    /// # Arguments
    ///
    /// * `signal`: Signal to run handler for.
    ///
    /// * `params`: Execution parameters to use for handler.
    pub(crate) async fn invoke_trap_handler(
        &mut self,
        signal: TrapSignal,
        params: &ExecutionParameters,
    ) -> Result<ExecutionResult, error::Error> {
        // Per-signal self-recursion guard: don't re-enter a trap that is
        // already being handled. Different traps *can* fire from each
        // other's handlers (e.g. ERR inside EXIT, EXIT inside ERR).
        if self.call_stack().is_trap_signal_active(signal) {
            return Ok(ExecutionResult::success());
        }

        // Don't fire traps that have been explicitly suppressed (e.g. DEBUG
        // during programmable completion).
        if self.call_stack().is_trap_delivery_suppressed() {
            return Ok(ExecutionResult::success());
        }

        // In subshells, some traps are only inherited when the corresponding option is enabled.
        // ncsh patch: a function's are put aside as it is called (`put_aside_uninherited_traps`),
        // so that one it sets itself runs, as in bash; and so does one the subshell set itself.
        if self.is_subshell()
            && !self.traps.set_by_subshell(signal)
            && !self.is_trap_inherited_in_current_scope(signal)
        {
            return Ok(ExecutionResult::success());
        }

        let Some(mut handler) = self.traps.get_handler(signal).cloned() else {
            return Ok(ExecutionResult::success());
        };

        let mut params = params.clone();
        params.process_group_policy = ProcessGroupPolicy::SameProcessGroup;

        // ncsh patch: as in bash, the lines of an ERR, DEBUG or RETURN trap are counted from the
        // command it runs for (`trap 'echo "failed on line $LINENO"' ERR`), and those of any
        // other trap from 1; brush counted them from the line the trap was set on.
        let first_line = match signal {
            TrapSignal::Err | TrapSignal::Debug | TrapSignal::Return => self
                .call_stack()
                .current_frame()
                .and_then(|frame| frame.current_line())
                .unwrap_or(1),
            TrapSignal::Exit | TrapSignal::Signal(_) => 1,
        };
        handler.source_info = crate::SourceInfo {
            source: handler.source_info.source.clone(),
            start: Some(std::sync::Arc::new(crate::SourcePosition {
                index: 0,
                line: first_line,
                column: 1,
            })),
        };

        // Preserve $? across trap handler execution so the handler doesn't
        // clobber the status that triggered it.
        let orig_last_exit_status = self.last_exit_status;
        // ncsh patch: and `PIPESTATUS`, as bash keeps it (a DEBUG trap made it `0` before every
        // command, so a prompt that shows a pipeline's statuses showed `0`).
        let orig_pipeline_statuses = self.last_pipeline_statuses.clone();

        // N.B. We use manual enter/leave rather than an RAII guard because a guard
        // would need to hold `&mut Shell`, preventing the mutable borrow required by
        // `run_string()`. This is safe because `result` is captured into a variable
        // (never early-returned with `?`), so `leave_trap_handler()` always runs.
        self.enter_trap_handler(signal, Some(&handler));
        self.statuses_before_traps
            .push((signal, orig_last_exit_status));

        let result = self
            .run_string(&handler.command, &handler.source_info, &params)
            .await;

        self.statuses_before_traps.pop();
        self.leave_trap_handler();
        self.last_exit_status = orig_last_exit_status;
        self.last_pipeline_statuses = orig_pipeline_statuses;

        result
    }

    /// Takes out the ERR, DEBUG and RETURN traps a function called now does not inherit, to be
    /// given back to `traps_mut().restore_put_aside` when it returns (ncsh patch). A `traced`
    /// function (`declare -ft`) inherits DEBUG and RETURN, as under `set -T`.
    pub(crate) fn put_aside_uninherited_traps(
        &mut self,
        traced: bool,
    ) -> Vec<(TrapSignal, crate::traps::TrapHandler)> {
        let err = self.options().shell_functions_inherit_err_trap;
        let debug_and_return = traced
            || self
                .options()
                .shell_functions_inherit_debug_and_return_traps;
        self.traps.put_aside(|signal| match signal {
            TrapSignal::Err => err,
            _ => debug_and_return,
        })
    }

    /// Returns whether the given trap signal is inherited in the current
    /// function or subshell scope.
    fn is_trap_inherited_in_current_scope(&self, signal: TrapSignal) -> bool {
        match signal {
            TrapSignal::Err => self.options().shell_functions_inherit_err_trap,
            TrapSignal::Debug | TrapSignal::Return => {
                self.options()
                    .shell_functions_inherit_debug_and_return_traps
            }
            // EXIT and system signals are always inherited — i.e. their visibility is
            // not gated by errtrace/functrace options. (The actual trap *state* for
            // subshells is managed separately via `Shell::clone`.)
            TrapSignal::Exit | TrapSignal::Signal(_) => true,
        }
    }
}

/// An EXIT trap's result, where it ended with `exit`.
fn exited(trap: ExecutionResult) -> Option<ExecutionResult> {
    matches!(trap.next_control_flow, ExecutionControlFlow::ExitShell).then_some(trap)
}
