//! Execution support for shell.

use std::{io::Read, path::Path};

use crate::{
    ExecutionControlFlow, ExecutionParameters, ExecutionResult, ProcessGroupPolicy, SourceInfo,
    callstack, error, interp::Execute as _, openfiles, trace_categories,
};

use super::SyntaxErrors;

impl<SE: crate::extensions::ShellExtensions> crate::Shell<SE> {
    /// Returns the default execution parameters for this shell.
    pub fn default_exec_params(&self) -> ExecutionParameters {
        let mut params = ExecutionParameters::default();

        params.process_group_policy = if self.options.enable_job_control {
            ProcessGroupPolicy::NewProcessGroup
        } else {
            ProcessGroupPolicy::SameProcessGroup
        };

        params
    }

    pub(super) async fn source_if_exists(
        &mut self,
        path: impl AsRef<Path>,
        params: &ExecutionParameters,
    ) -> Result<bool, error::Error> {
        let path = path.as_ref();
        if path.exists() {
            // ncsh patch: a startup file that cannot be read (`--rcfile /tmp`) is said, and the
            // shell starts, as bash's does; it ended with `failed to source file`, and a `-c`
            // command did not run.
            if let Err(error) = self
                .source_script(path, std::iter::empty::<String>(), params)
                .await
            {
                let said = error.as_not_sourced(None).ok_or(error)?;
                let _ = self.display_error(&mut params.stderr(self), &said);
            }
            Ok(true)
        } else {
            tracing::debug!("skipping non-existent file: {}", path.display());
            Ok(false)
        }
    }

    /// Source the given file as a shell script, returning the execution result.
    ///
    /// # Arguments
    ///
    /// * `path` - The path to the file to source.
    /// * `args` - The arguments to pass to the script as positional parameters.
    /// * `params` - Execution parameters.
    pub async fn source_script<S: Into<String>, P: AsRef<Path>, I: Iterator<Item = S>>(
        &mut self,
        path: P,
        args: I,
        params: &ExecutionParameters,
    ) -> Result<ExecutionResult, error::Error> {
        // ncsh patch: the DEBUG trap does not run for the commands of a sourced file unless `set
        // -T`, as in bash (a large file sourced under bash-preexec or starship ran it for each);
        // one the file sets stays after it. `extdebug` turns function tracing on too, as in bash.
        let functrace = self
            .options()
            .shell_functions_inherit_debug_and_return_traps
            || self.options().enable_debugger;
        let put_aside =
            (self.traps).put_aside(|signal| signal != crate::traps::TrapSignal::Debug || functrace);
        let result = self
            .parse_and_execute_script_file(
                path.as_ref(),
                args,
                params,
                callstack::ScriptCallType::Source,
            )
            .await;
        self.traps.restore_put_aside(put_aside);
        result
    }

    /// Parse and execute the given file as a shell script, returning the execution result.
    ///
    /// # Arguments
    ///
    /// * `path` - The path to the file to source.
    /// * `args` - The arguments to pass to the script as positional parameters.
    /// * `params` - Execution parameters.
    /// * `call_type` - The type of script call being made.
    async fn parse_and_execute_script_file<
        S: Into<String>,
        P: AsRef<Path>,
        I: Iterator<Item = S>,
    >(
        &mut self,
        path: P,
        args: I,
        params: &ExecutionParameters,
        call_type: callstack::ScriptCallType,
    ) -> Result<ExecutionResult, error::Error> {
        let path = path.as_ref();
        tracing::debug!("sourcing: {}", path.display());

        let mut options = std::fs::File::options();
        options.read(true);

        let opened_file: openfiles::OpenFile = self
            .open_file(&options, path, params)
            .map_err(|e| error::ErrorKind::FailedSourcingFile(path.to_owned(), e))?;

        if opened_file.is_dir() {
            return Err(error::ErrorKind::FailedSourcingFile(
                path.to_owned(),
                std::io::Error::from(std::io::ErrorKind::IsADirectory),
            )
            .into());
        }

        let source_info = crate::SourceInfo::from(path.to_owned());

        let mut result = self
            .source_file(opened_file, &source_info, args, params, call_type)
            .await?;

        // Handle control flow at script execution boundary. If execution completed
        // with a `return`, we need to clear it since it's already been "used". All
        // other control flow types are preserved.
        if matches!(
            result.next_control_flow,
            ExecutionControlFlow::ReturnFromFunctionOrScript
        ) {
            result.next_control_flow = ExecutionControlFlow::Normal;
        }

        Ok(result)
    }

    /// Source the given file as a shell script, returning the execution result.
    ///
    /// # Arguments
    ///
    /// * `file` - The file to source.
    /// * `source_info` - Information about the source of the script.
    /// * `args` - The arguments to pass to the script as positional parameters.
    /// * `params` - Execution parameters.
    /// * `call_type` - The type of script call being made.
    async fn source_file<F: Read, S: Into<String>, I: Iterator<Item = S>>(
        &mut self,
        file: F,
        source_info: &crate::SourceInfo,
        args: I,
        params: &ExecutionParameters,
        call_type: callstack::ScriptCallType,
    ) -> Result<ExecutionResult, error::Error> {
        // ncsh patch: the whole file is read first (the parser reads it all anyway), so that a
        // syntax error can quote the line it is on.
        let mut bytes = Vec::new();
        std::io::BufReader::new(file).read_to_end(&mut bytes)?;
        let mut parser = brush_parser::Parser::new(&bytes[..], &self.parser_options());

        tracing::debug!(target: trace_categories::PARSE, "Parsing sourced file: {}", source_info.source);
        // The text is made only to report an error. A whole file did not go through
        // `parse_string`, which reports the errors that no further input mends near their token.
        let parsed = parser.parse_program().or_else(|error| {
            let text = String::from_utf8_lossy(&bytes);
            let options = self.parser_options();
            let kept = matches!(call_type, callstack::ScriptCallType::Source);
            super::parsing::with_for_arithmetic_mended(&text, &options, error).or_else(|error| {
                super::parsing::with_last_backslash_read(&text, kept, &options, error)
            })
        });
        // The text also serves `set -v`.
        let text = String::from_utf8_lossy(&bytes);
        let parse_result = parsed.map_err(|error| {
            super::parsing::unmendable_near_last_token(error, &text, &self.parser_options())
        });

        let script_positional_args = args.map(Into::into);

        self.call_stack
            .push_script(call_type, source_info, script_positional_args);

        let syntax_errors = match call_type {
            callstack::ScriptCallType::Run => SyntaxErrors::EndTheShell,
            callstack::ScriptCallType::Source => SyntaxErrors::FailTheCommand,
        };
        // ncsh patch: on a stack that grows, so that a file sourcing itself goes as deep as in bash.
        let result = crate::growing_stack::on_growing_stack(self.run_parsed_result(
            parse_result,
            source_info,
            Some(&text),
            params,
            syntax_errors,
        ))
        .await;

        self.call_stack.pop();

        result
    }

    /// Executes the given string as a shell program, returning the resulting exit status.
    ///
    /// # Arguments
    ///
    /// * `command` - The command to execute.
    /// * `source_info` - Information about the source of the command text.
    /// * `params` - Execution parameters.
    pub async fn run_string<S: Into<String>>(
        &mut self,
        command: S,
        source_info: &crate::SourceInfo,
        params: &ExecutionParameters,
    ) -> Result<ExecutionResult, error::Error> {
        self.run_string_with(command, source_info, params, SyntaxErrors::EndTheShell)
            .await
    }

    /// Executes the words of an `eval` as a shell program (ncsh patch): as `run_string`, but a
    /// syntax error fails the `eval` with status 2 and does not end the shell, as in bash.
    pub async fn eval_string<S: Into<String>>(
        &mut self,
        command: S,
        source_info: &crate::SourceInfo,
        params: &ExecutionParameters,
    ) -> Result<ExecutionResult, error::Error> {
        // ncsh patch: the string's lines are counted from the line of the `eval`, as bash counts
        // them (`$LINENO`, the lines errors name); they were counted from 1. The `eval`'s own
        // line is the current one again after it (an ERR trap's `$LINENO`).
        let saved = self.call_stack.count_lines_from_current();
        self.eval_depth += 1;
        let result = self
            .run_string_with(command, source_info, params, SyntaxErrors::FailTheCommand)
            .await;
        self.eval_depth -= 1;
        if let Some(saved) = saved {
            self.call_stack.restore_line_count(saved);
        }
        result
    }

    async fn run_string_with<S: Into<String>>(
        &mut self,
        command: S,
        source_info: &crate::SourceInfo,
        params: &ExecutionParameters,
        syntax_errors: SyntaxErrors,
    ) -> Result<ExecutionResult, error::Error> {
        let command = command.into();
        let parse_result = self.parse_string(command.as_str()).or_else(|error| {
            super::parsing::with_last_backslash_read(&command, true, &self.parser_options(), error)
        });
        self.run_parsed_result(
            parse_result,
            source_info,
            Some(&command),
            params,
            syntax_errors,
        )
        .await
    }

    /// Executes the given command, provided to a shell executable on the command
    /// line (i.e., via `-c`).
    ///
    /// It is expected that the shell will not be used for any further execution
    /// after this command; this function will perform any necessary shell exit
    /// handling.
    ///
    /// # Arguments
    ///
    /// * `command` - The command to execute.
    pub async fn run_dash_c_command<S: Into<String>>(
        &mut self,
        command: S,
    ) -> Result<ExecutionResult, error::Error> {
        self.start_command_string_mode();

        // Execute the command string.
        let params = self.default_exec_params();
        let source_info = SourceInfo::from("-c");
        let result = self.run_string(command, &source_info, &params).await?;

        self.end_command_string_mode()?;

        // Give the shell a chance to run on-exit tasks; an `exit` there sets the shell's status
        // (ncsh patch).
        Ok(self.on_exit().await.ok().flatten().unwrap_or(result))
    }

    /// Executes the given script file, returning the resulting exit status.
    ///
    /// It is expected that the shell will not be used for any further execution
    /// after this command; this function will perform any necessary shell exit
    /// handling.
    ///
    /// # Arguments
    ///
    /// * `script_path` - The path to the script file to execute.
    /// * `args` - The arguments to pass to the script as positional parameters.
    pub async fn run_script<S: Into<String>, P: AsRef<Path>, I: Iterator<Item = S>>(
        &mut self,
        script_path: P,
        args: I,
    ) -> Result<ExecutionResult, error::Error> {
        let params = self.default_exec_params();
        let result = self
            .parse_and_execute_script_file(
                script_path.as_ref(),
                args,
                &params,
                callstack::ScriptCallType::Run,
            )
            .await?;

        // Give the shell a chance to run on-exit tasks; an `exit` there sets the shell's status
        // (ncsh patch).
        Ok(self.on_exit().await.ok().flatten().unwrap_or(result))
    }

    pub(crate) async fn run_parsed_result(
        &mut self,
        mut parse_result: Result<brush_parser::ast::Program, brush_parser::ParseError>,
        source_info: &crate::SourceInfo,
        text: Option<&str>,
        params: &ExecutionParameters,
        syntax_errors: SyntaxErrors,
    ) -> Result<ExecutionResult, error::Error> {
        let mut closed_text = None;
        if let (Err(error), Some(text)) = (&parse_result, text)
            && let Some((closed, warnings)) =
                super::parsing::with_open_here_documents_closed(error, text, source_info)
        {
            parse_result = self.parse_string(closed.as_str());
            // ncsh patch: where the text still fails, its error comes before the here-document,
            // and bash never reaches the here-document to warn of it; the closed text is the one
            // to run the commands of and to quote.
            if parse_result.is_ok() {
                for warning in &warnings {
                    let _ = self.display_error(&mut params.stderr(self), warning);
                }
            }
            closed_text = Some(closed);
        }
        let text = closed_text.as_deref().or(text);

        // If parsing succeeded, run the program. If there's a parse error, the commands before it
        // run first (ncsh patch).
        let result = match parse_result {
            Ok(prog) => crate::interp::execute_program(&prog, self, params, text).await,
            Err(parse_err) => {
                if let Some(text) = text
                    && let Some(ended) = self.run_commands_before_syntax_error(text, params).await
                {
                    return Ok(ended);
                }
                let mut kind = super::parsing::syntax_error(parse_err, source_info, text);
                // ncsh patch: commands read one line after another (piped in) count their lines
                // from the input's first, as bash's.
                if let error::ErrorKind::SyntaxError { line, .. } = &mut kind
                    && source_info.source == "main"
                {
                    *line += self
                        .call_stack
                        .current_frame()
                        .map_or(0, |frame| frame.current_line_offset);
                }
                Err(syntax_errors.applied_to(error::Error::from(kind)))
            }
        };

        // Report any errors.
        match result {
            Ok(result) => Ok(result),
            Err(err) => {
                let _ = self.display_error(&mut params.stderr(self), &err);

                let result = err.into_result(self);
                self.set_last_exit_status(result.exit_code.into());

                Ok(result)
            }
        }
    }

    /// Executes the given parsed shell program, returning the resulting exit status.
    ///
    /// # Arguments
    ///
    /// * `program` - The program to execute.
    /// * `params` - Execution parameters.
    pub async fn run_program(
        &mut self,
        program: brush_parser::ast::Program,
        params: &ExecutionParameters,
    ) -> Result<ExecutionResult, error::Error> {
        program.execute(self, params).await
    }
}
