use clap::Parser;
use std::io::Write;

use brush_core::{builtins, jobs, sys};

/// Move a specified job to the foreground.
#[derive(Parser)]
pub(crate) struct FgCommand {
    /// Job spec for the job to move to the foreground; if not specified, the current job is moved.
    job_spec: Option<String>,
}

impl builtins::Command for FgCommand {
    type Error = brush_core::Error;

    async fn execute<SE: brush_core::ShellExtensions>(
        &self,
        context: brush_core::ExecutionContext<'_, SE>,
    ) -> Result<brush_core::ExecutionResult, Self::Error> {
        // ncsh patch: bash's words and status where there is no job to bring back, on standard
        // error (`fg: %3: no such job`, `fg: current: no such job`, `fg: no job control`).
        if !context.shell.options().enable_job_control {
            return Ok(context.failure("no job control", 1));
        }
        // ncsh patch: a job that has ended is reported `Done` and is no longer there, as in bash
        // (it was continued: `ESRCH: No such process`).
        context.shell.check_for_completed_jobs()?;
        let is_interactive = context.shell.options().interactive;
        let (mut stdout, mut stderr) = (context.stdout(), context.stderr());
        let spec = self.job_spec.as_deref();
        let job = match context.shell.jobs_mut().resolve_job_spec_or_current(spec) {
            Ok(job) => job,
            Err(why) => return Ok(context.failure(why.about(spec), 1)),
        };

        job.move_to_foreground()?;
        writeln!(stdout, "{}", job.command_line)?;

        let result = job.wait().await?;
        if is_interactive {
            sys::terminal::move_self_to_foreground()?;
        }

        if matches!(job.state, jobs::JobState::Stopped) {
            // N.B. We use the '\r' to overwrite any ^Z output.
            let (formatted, id) = (job.to_string(), job.id);
            writeln!(stderr, "\r{formatted}")?;
            // ncsh patch: shown, the stop is not reported again at the prompt.
            context.shell.jobs_mut().mark_reported(&[id]);
        } else {
            // ncsh patch: a job that ended in the foreground leaves the table without a word,
            // as in bash; it was reported `Done` at the next prompt.
            let (id, status) = (job.id, result.exit_code.into());
            context.shell.jobs_mut().remove_ended(id, status);
        }

        Ok(result)
    }
}
