//! `cap record` and `cap replay`: a capability's call run in deterministic mode (a virtual clock,
//! seeded randomness, a fuel budget instead of wall time) and kept as JSON with what went in and
//! what came out, then run again later, on another generation or machine, to check it gives the same
//! bytes, status and fuel.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use symbolic::Deterministic;
use symbolic::replay::RecordedCall;

use super::{Failure, Io};

#[derive(Args)]
pub struct Record {
    /// Where to write the record (JSON).
    #[arg(short, long, value_name = "FILE")]
    out: PathBuf,
    /// The seed of the call's randomness.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// The fuel it may use; it stops when that runs out (status 125).
    #[arg(long, default_value_t = 10_000_000_000)]
    fuel: u64,
    /// Its standard input, from this file (default: none).
    #[arg(long, value_name = "FILE")]
    stdin: Option<PathBuf>,
    /// The capability, and its arguments.
    #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
    command: Vec<String>,
}

impl Record {
    pub fn run(self, io: &mut Io) -> Result<u8, Failure> {
        let stdin = match &self.stdin {
            Some(path) => {
                let path = io.path(path);
                policy::input_file::read(&path, policy::input_file::Kind::Input)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?
            }
            None => Vec::new(),
        };
        let Some((name, args)) = self.command.split_first() else {
            return Err(Failure::from("name the capability to record"));
        };
        let deterministic = Deterministic {
            seed: self.seed,
            fuel: self.fuel,
        };
        let call = crate::capabilities::record(name, args, &stdin, &io.cwd, deterministic)?;
        let out = io.path(&self.out);
        let json = serde_json::to_vec_pretty(&call).map_err(|e| e.to_string())?;
        std::fs::write(&out, json).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        io.out.write_all(&call.stdout)?;
        io.err.write_all(&call.stderr)?;
        writeln!(
            io.err,
            "recorded {name}: status {}, {} bytes out, fuel used {}, in {}",
            call.status,
            call.stdout.len(),
            call.fuel_used,
            out.display()
        )?;
        Ok(u8::try_from(call.status & 0xff).unwrap_or(1))
    }
}

#[derive(Args)]
pub struct Replay {
    /// A record that `cap record` wrote.
    file: PathBuf,
}

impl Replay {
    pub fn run(self, io: &mut Io) -> Result<u8, Failure> {
        let path = io.path(&self.file);
        let text = policy::input_file::read(&path, policy::input_file::Kind::Record)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let call: RecordedCall = serde_json::from_slice(&text).map_err(|e| {
            format!(
                "{} is not a call that `cap record` wrote ({e})",
                path.display()
            )
        })?;
        crate::capabilities::replay(&call, &io.cwd)?;
        writeln!(
            io.out,
            "{} replays as recorded: {} bytes out, status {}, fuel used {}",
            call.name,
            call.stdout.len(),
            call.status,
            call.fuel_used
        )?;
        Ok(0)
    }
}
