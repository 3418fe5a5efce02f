use clap::Parser;
use std::io::Write;

use brush_core::{ExecutionResult, builtins};

/// Manage aliases within the shell.
#[derive(Parser)]
pub(crate) struct AliasCommand {
    /// Print all defined aliases in a reusable format.
    #[arg(short = 'p')]
    print: bool,

    /// List of aliases to display or update.
    #[arg(name = "name[=value]")]
    aliases: Vec<String>,
}

impl builtins::Command for AliasCommand {
    type Error = brush_core::Error;

    async fn execute<SE: brush_core::ShellExtensions>(
        &self,
        context: brush_core::ExecutionContext<'_, SE>,
    ) -> Result<brush_core::ExecutionResult, Self::Error> {
        let mut exit_code = ExecutionResult::success();

        // ncsh patch: listed by name and quoted so that each line can be run again, as bash
        // lists them (brush: in its map's order, a `'` unquoted).
        if self.print || self.aliases.is_empty() {
            let mut aliases: Vec<_> = context.shell.aliases().iter().collect();
            aliases.sort();
            for (name, value) in aliases {
                writeln!(
                    context.stdout(),
                    "alias {name}={}",
                    brush_core::escape::sh_single_quote(value)
                )?;
            }
        } else {
            for alias in &self.aliases {
                if let Some((name, unexpanded_value)) = alias.split_once('=')
                    && !name.is_empty()
                {
                    context
                        .shell
                        .aliases_mut()
                        .insert(name.to_owned(), unexpanded_value.to_owned());
                } else if let Some(value) = context.shell.aliases().get(alias) {
                    writeln!(
                        context.stdout(),
                        "alias {alias}={}",
                        brush_core::escape::sh_single_quote(value)
                    )?;
                } else {
                    // ncsh patch: said as the shell's errors are, with the script's line, as
                    // bash's and `unalias`'s.
                    exit_code = context.failure(std::format!("{alias}: not found"), 1);
                }
            }
        }

        Ok(exit_code)
    }
}
