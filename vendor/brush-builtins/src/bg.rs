use clap::Parser;
use std::io::Write;

use brush_core::{ExecutionResult, builtins};

/// Moves a job to run in the background.
#[derive(Parser)]
pub(crate) struct BgCommand {
    /// List of job specs to move to background.
    job_specs: Vec<String>,
}

impl builtins::Command for BgCommand {
    type Error = brush_core::Error;

    async fn execute<SE: brush_core::ShellExtensions>(
        &self,
        context: brush_core::ExecutionContext<'_, SE>,
    ) -> Result<brush_core::ExecutionResult, Self::Error> {
        // ncsh patch: bash's words and status for a job that is not there, on standard error,
        // and bash's `[1]+ sleep 9 &` for each job continued.
        if !context.shell.options().enable_job_control {
            return Ok(context.failure("no job control", 1));
        }
        // ncsh patch: a job that has ended is reported `Done` and is no longer there, as in bash
        // (it was continued: `ESRCH: No such process`).
        context.shell.check_for_completed_jobs()?;
        let specs: Vec<Option<&str>> = if self.job_specs.is_empty() {
            vec![None]
        } else {
            self.job_specs
                .iter()
                .map(|spec| Some(spec.as_str()))
                .collect()
        };
        let mut exit_code = ExecutionResult::success();
        let mut stdout = context.stdout();
        for spec in specs {
            match context.shell.jobs_mut().resolve_job_spec_or_current(spec) {
                Ok(job) => {
                    job.move_to_background()?;
                    let (id, annotation) = (job.id, job.annotation().to_string());
                    let line = std::format!("[{id}]{annotation:1} {} &", job.command_line);
                    writeln!(stdout, "{line}")?;
                }
                Err(why) => exit_code = context.failure(why.about(spec), 1),
            }
        }

        Ok(exit_code)
    }
}
