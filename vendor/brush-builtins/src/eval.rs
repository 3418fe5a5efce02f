use brush_core::{ExecutionResult, builtins};
use clap::Parser;
use std::io::Write;

/// Evaluate the given string as script.
#[derive(Parser)]
pub(crate) struct EvalCommand {
    /// The script to evaluate.
    #[clap(allow_hyphen_values = true)]
    args: Vec<String>,
    /// Whether the words came after `--`, which clap takes away (ncsh patch).
    #[clap(skip)]
    after_dashes: bool,
}

impl builtins::Command for EvalCommand {
    type Error = brush_core::Error;

    /// As clap reads the words, noting a `--` before them (ncsh patch).
    fn new<I>(args: I) -> Result<Self, clap::Error>
    where
        I: IntoIterator<Item = String>,
    {
        let args: Vec<String> = args.into_iter().collect();
        let after_dashes = args.get(1).is_some_and(|arg| arg == "--");
        let mut this: Self = builtins::parse_with_long_help_only(args)?;
        this.after_dashes = after_dashes;
        Ok(this)
    }

    async fn execute<SE: brush_core::ShellExtensions>(
        &self,
        context: brush_core::ExecutionContext<'_, SE>,
    ) -> Result<brush_core::ExecutionResult, Self::Error> {
        // ncsh patch: eval takes no option, and refuses one in bash's words (`eval -z` ran a
        // command named `-z`); after `--` it is a word to run.
        if let Some(option) = (self.args.first())
            .filter(|arg| !self.after_dashes && arg.len() > 1 && arg.starts_with('-'))
        {
            let option = option.split_whitespace().next().unwrap_or(option);
            let _ = context.failure(std::format!("{option}: invalid option"), 2);
            writeln!(context.stderr(), "eval: usage: eval [arg ...]")?;
            return Ok(ExecutionResult::new(2));
        }
        if !self.args.is_empty() {
            let args_concatenated = self.args.join(" ");

            tracing::debug!("Applying eval to: {:?}", args_concatenated);

            // Our new source context is relative to the current position because we are only
            // providing the raw string being eval'd.
            // TODO(source-info): Provide the location of the specific tokens that make up
            // `self.args`.
            let mut source_info = context.shell.call_stack().current_pos_as_source_info();
            // ncsh patch: its errors are named `eval: line N:`, as bash's.
            source_info.source = "eval".to_owned();

            // Return the direct result of running the string; we intentionally
            // pass through the result and honor its requested control flow. eval
            // executes in the current environment, so all control flow (return,
            // exit, break, continue) should propagate.
            // ncsh patch: a syntax error fails the eval with status 2; it ended the shell.
            context
                .shell
                .eval_string(args_concatenated, &source_info, &context.params)
                .await
        } else {
            Ok(ExecutionResult::success())
        }
    }
}
