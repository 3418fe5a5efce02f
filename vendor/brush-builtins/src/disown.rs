//! `disown`, as bash's (ncsh patch; brush had none): jobs leave the table, so that `jobs` no
//! longer lists them and `wait` no longer waits for them. They go on running; a job of builtins
//! only runs inside the shell, and so ends with it, where bash's would not.

use clap::Parser;

use brush_core::{ExecutionResult, builtins, jobs::JobState};

/// Remove jobs from the table of jobs.
#[derive(Parser)]
pub(crate) struct DisownCommand {
    /// Keep each job in the table (bash marks it not to be sent SIGHUP, which ncsh never sends
    /// its jobs).
    #[arg(short = 'h')]
    keep_in_table: bool,
    /// Every job, where none is named.
    #[arg(short = 'a')]
    all: bool,
    /// Only the jobs running, where none is named.
    #[arg(short = 'r')]
    running_only: bool,
    /// Job specs (`%1`, `%sleep`) or process ids; without any, the current job.
    jobs: Vec<String>,
}

impl builtins::Command for DisownCommand {
    type Error = brush_core::Error;

    async fn execute<SE: brush_core::ShellExtensions>(
        &self,
        context: brush_core::ExecutionContext<'_, SE>,
    ) -> Result<ExecutionResult, Self::Error> {
        let mut result = ExecutionResult::success();
        let mut ids = vec![];
        let jobs = context.shell.jobs_mut();
        if self.jobs.is_empty() && (self.all || self.running_only) {
            ids.extend(
                (jobs.jobs.iter())
                    .filter(|job| !self.running_only || matches!(job.state, JobState::Running))
                    .map(|job| job.id),
            );
        } else if self.jobs.is_empty() {
            match jobs.resolve_job_spec_or_current(None) {
                Ok(job) => ids.push(job.id),
                Err(why) => result = context.failure(why.about(None), 1),
            }
        } else {
            for spec in &self.jobs {
                let named = if spec.starts_with('%') {
                    context
                        .shell
                        .jobs_mut()
                        .resolve_job_spec(spec)
                        .map(|job| job.id)
                        .ok()
                } else {
                    let pid = spec.parse().ok();
                    let jobs = &context.shell.jobs().jobs;
                    pid.and_then(|pid| jobs.iter().find(|job| job.is_named_by(pid)))
                        .map(|job| job.id)
                };
                match named {
                    Some(id) => ids.push(id),
                    None => result = context.failure(std::format!("{spec}: no such job"), 1),
                }
            }
        }
        if !self.keep_in_table {
            for id in ids {
                context.shell.jobs_mut().disown(id);
            }
        }
        Ok(result)
    }
}
