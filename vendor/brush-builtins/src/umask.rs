use brush_core::{ErrorKind, ExecutionResult, builtins};
use clap::Parser;
use std::io::Write;

/// Manage the process umask.
#[derive(Parser)]
pub(crate) struct UmaskCommand {
    /// If MODE is omitted, output in a form that may be reused as input.
    #[arg(short = 'p')]
    print_roundtrippable: bool,

    /// Makes the output symbolic; otherwise an octal number is given.
    #[arg(short = 'S')]
    symbolic_output: bool,

    /// Mode mask.
    mode: Option<String>,
}

impl builtins::Command for UmaskCommand {
    type Error = brush_core::Error;

    async fn execute<SE: brush_core::ShellExtensions>(
        &self,
        context: brush_core::ExecutionContext<'_, SE>,
    ) -> Result<brush_core::ExecutionResult, Self::Error> {
        // ncsh patch: a symbolic mode (`u=rwx,g=rx,o=`, `g+w`), and bash's words for a bad one
        // (brush: "not yet implemented"); `-S` with a mode prints the new mask, as bash's does.
        if let Some(mode) = &self.mode {
            let umask = if mode.starts_with(|c: char| c.is_ascii_digit()) {
                match u32::from_str_radix(mode, 8) {
                    Ok(umask) if umask <= 0o7777 => umask,
                    _ => {
                        return Ok(context.failure(format!("{mode}: octal number out of range"), 1));
                    }
                }
            } else {
                match apply_symbolic_mode(brush_core::sys::fs::umask(), mode) {
                    Ok(umask) => umask,
                    Err(why) => return Ok(context.failure(why, 1)),
                }
            };
            set_umask(umask)?;
            if !self.symbolic_output {
                return Ok(ExecutionResult::success());
            }
        }
        {
            let umask = brush_core::sys::fs::umask();

            let formatted = if self.symbolic_output {
                let u = symbolic_mask_from_bits((!umask & 0o700) >> 6);
                let g = symbolic_mask_from_bits((!umask & 0o070) >> 3);
                let o = symbolic_mask_from_bits(!umask & 0o007);
                std::format!("u={u},g={g},o={o}")
            } else {
                std::format!("{umask:04o}")
            };

            // ncsh patch: `-p` gives a command that sets the mask again (`umask -S …` where the
            // mask is symbolic), and only where no mode was given, as bash's.
            let set_again = if self.symbolic_output {
                "umask -S "
            } else {
                "umask "
            };
            if self.print_roundtrippable && self.mode.is_none() {
                writeln!(context.stdout(), "{set_again}{formatted}")?;
            } else {
                writeln!(context.stdout(), "{formatted}")?;
            }
        }

        Ok(ExecutionResult::success())
    }
}

fn set_umask(value: nix::sys::stat::mode_t) -> Result<(), brush_core::Error> {
    // value of mode_t can be platform dependent
    let mode = nix::sys::stat::Mode::from_bits(value).ok_or_else(|| ErrorKind::InvalidUmask)?;
    // ncsh patch: through brush-core, which keeps the mask it set (and the mask is read there),
    // so that a subshell puts back a mask it changed without a system call.
    brush_core::sys::fs::set_umask(mode);
    Ok(())
}

fn symbolic_mask_from_bits(bits: u32) -> String {
    let mut result = String::new();

    if (bits & 0b100) != 0 {
        result.push('r');
    }
    if (bits & 0b010) != 0 {
        result.push('w');
    }
    if (bits & 0b001) != 0 {
        result.push('x');
    }

    result
}

/// The umask that symbolic `mode` makes of `umask`, as bash reads it: clauses separated by commas,
/// each `[ugoa]*` then one of `+-=` then `[rwx]*`, acting on the permissions the mask allows; or
/// bash's words for what is wrong.
fn apply_symbolic_mode(umask: u32, mode: &str) -> Result<u32, String> {
    let mut allowed = !umask & 0o777;
    let mut chars = mode.chars().peekable();
    loop {
        let mut who = 0;
        while let Some(class) = chars.next_if(|c| "agou".contains(*c)) {
            who |= match class {
                'u' => 0o700,
                'g' => 0o070,
                'o' => 0o007,
                _ => 0o777,
            };
        }
        if who == 0 {
            who = 0o777;
        }
        let op = chars.next().unwrap_or('\0');
        if !matches!(op, '+' | '-' | '=') {
            return Err(format!("`{op}': invalid symbolic mode operator"));
        }
        let mut bits = 0;
        while let Some(permission) = chars.next_if(|c| "rwx".contains(*c)) {
            bits |= match permission {
                'r' => 0o444,
                'w' => 0o222,
                _ => 0o111,
            };
        }
        match chars.peek() {
            None | Some(',') => (),
            Some(other) => return Err(format!("`{other}': invalid symbolic mode character")),
        }
        match op {
            '+' => allowed |= bits & who,
            '-' => allowed &= !(bits & who),
            _ => allowed = (allowed & !who) | (bits & who),
        }
        if chars.next().is_none() {
            return Ok(!allowed & 0o777);
        }
    }
}
