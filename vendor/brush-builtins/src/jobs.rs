use clap::Parser;
use std::io::Write;

use brush_core::{ExecutionResult, builtins, jobs};

/// Manage jobs.
#[derive(Parser)]
pub(crate) struct JobsCommand {
    /// Also show process IDs.
    #[arg(short = 'l')]
    also_show_pids: bool,

    /// List only jobs that have changed status since the last notification.
    #[arg(short = 'n')]
    list_changed_only: bool,

    /// Show only process IDs.
    #[arg(short = 'p')]
    show_pids_only: bool,

    /// Show only running jobs.
    #[arg(short = 'r')]
    running_jobs_only: bool,

    /// Show only stopped jobs.
    #[arg(short = 's')]
    stopped_jobs_only: bool,

    /// Job specs to list.
    // TODO(jobs): Add -x option
    job_specs: Vec<String>,
}

impl builtins::Command for JobsCommand {
    type Error = brush_core::Error;

    async fn execute<SE: brush_core::ShellExtensions>(
        &self,
        context: brush_core::ExecutionContext<'_, SE>,
    ) -> Result<brush_core::ExecutionResult, Self::Error> {
        // ncsh patch: `jobs -l`, `jobs -n` and job specs, as bash's; in a copy of the shell (a
        // pipeline's command, a `$(…)`), the parent's jobs (`JobManager::listed`).
        context.shell.jobs_mut().collect_ended()?;
        let jobs = context.shell.jobs();
        let mut shown = vec![];
        let mut status = ExecutionResult::success();
        if self.job_specs.is_empty() {
            for job in jobs.listed() {
                self.display_job(&context, job, &mut shown)?;
            }
        }
        for spec in &self.job_specs {
            match jobs.find_listed(spec) {
                Ok(job) => self.display_job(&context, job, &mut shown)?,
                Err(why) => status = context.failure(why.about(Some(spec)), 1),
            }
        }
        context.shell.jobs_mut().mark_reported(&shown);
        context.shell.jobs_mut().forget_shown_ended(&shown)?;
        Ok(status)
    }
}

impl JobsCommand {
    fn display_job(
        &self,
        context: &brush_core::ExecutionContext<'_, impl brush_core::ShellExtensions>,
        job: &jobs::Job,
        shown: &mut Vec<usize>,
    ) -> Result<(), brush_core::Error> {
        if self.list_changed_only && !job.has_news() {
            return Ok(());
        }
        if self.running_jobs_only && !matches!(job.state, jobs::JobState::Running) {
            return Ok(());
        }
        if self.stopped_jobs_only && !matches!(job.state, jobs::JobState::Stopped) {
            return Ok(());
        }

        if self.show_pids_only {
            if let Some(pid) = job.listed_pid() {
                writeln!(context.stdout(), "{pid}")?;
            }
        } else {
            writeln!(context.stdout(), "{}", job.listing(self.also_show_pids))?;
        }
        shown.push(job.id);

        Ok(())
    }
}
