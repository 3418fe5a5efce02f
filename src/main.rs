//! `ncsh`: the binary. It parses the command line and chooses how to run:
//!
//! - on a terminal with nothing to run, as the **host** ([`kernel_bridge::host`]): the real terminal in
//!   raw mode, and a second `ncsh --interpreter` as session leader on a PTY behind it;
//! - otherwise, as the **interpreter** ([`interpreter`]): brush-core runs `-c`, a script, or standard
//!   input directly, with no PTY and no extra process;
//! - with `--daemon`, as this user's **daemon** ([`daemon::server`]), which owns the store.

mod builtins;
mod capabilities;
mod capability_type;
mod cli;
mod daemon;
mod history_expansion;
mod host_mode;
mod inputrc;
mod interactive;
mod interpreter;
mod logging;
mod neural;
mod paths;
mod stdin_input;
mod wording;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // brush takes arguments as strings; bytes that are not UTF-8 become U+FFFD rather than a
    // panic in `std::env::args`.
    let argv: Vec<String> = std::env::args_os()
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let (for_clap, named) = match cli::NamedOptions::take_from(&argv) {
        Ok(taken) => taken,
        Err(why) => {
            eprintln!("ncsh: {why}");
            return ExitCode::from(2);
        }
    };
    let mut cli = match cli::Cli::try_parse_from(&for_clap) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version come through here too, and succeed.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    cli.named = named;
    use brush_core::namedoptions::{ShellOptionKind, options};
    let set_o = (cli.options.iter()).chain(&cli.named.unset);
    if let Some(unknown) = set_o
        .into_iter()
        .find(|name| options(ShellOptionKind::SetO).get(name).is_none())
    {
        eprintln!("ncsh: {unknown}: invalid option name; `set -o` lists the names");
        return ExitCode::from(2);
    }
    let shopt = (cli.named.shopt_set.iter()).chain(&cli.named.shopt_unset);
    if let Some(unknown) = shopt
        .into_iter()
        .find(|name| options(ShellOptionKind::Shopt).get(name).is_none())
    {
        eprintln!("ncsh: {unknown}: invalid shell option name; `shopt` lists the names");
        return ExitCode::from(2);
    }
    install_panic_hook();
    if cli.daemon {
        return ExitCode::from(u8::try_from(daemon::server::run()).unwrap_or(1));
    }
    let login = cli.login || argv.first().is_some_and(|argv0| argv0.starts_with('-'));

    let on_terminal = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let hostable = !cli.interpreter && on_terminal && cli.reads_commands_from_stdin();
    let hosted = if hostable {
        host_mode::run(&cli, &argv)
    } else {
        host_mode::Hosted::Unavailable
    };
    let status = if let host_mode::Hosted::Ended(status) | host_mode::Hosted::Refused(status) =
        hosted
    {
        status
    } else if !hostable && !cli.interpreter && (cli.record.is_some() || cli.record_steps.is_some())
    {
        eprintln!(
            "ncsh: --record and --record-steps record an interactive session on a terminal; \
             run ncsh on a terminal without -c or a script to record"
        );
        2
    } else if !hostable && cli.runtime == Some(cli::RuntimeMode::Neural) {
        // The neural computer promises that nothing runs on the host: a command or a script
        // given to it would.
        eprintln!(
            "ncsh: --runtime neural draws an interactive session on a terminal; run ncsh on a \
             terminal without -c, a script or commands on standard input for it"
        );
        2
    } else {
        interpreter::run(cli, argv, login)
    };
    ExitCode::from(u8::try_from(status & 0xff).unwrap_or(1))
}

/// A panic must leave the user's terminal usable: put it back in the mode it was in, then report.
/// A panic in the hybrid runtime's thread ends only that thread, and the session goes on in raw
/// mode: it is logged, and neither the terminal's mode nor its screen is touched.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().name() == Some(neural::hybrid::THREAD_NAME) {
            tracing::error!("the learned runtime stopped following the session: {info}");
            return;
        }
        kernel_bridge::restore_terminal_after_panic();
        neural::computer::leave_screen_after_panic();
        previous(info);
    }));
}
