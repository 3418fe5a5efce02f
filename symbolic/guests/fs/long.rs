//! `fs ls -l`: GNU's long listing, byte for byte `ls -l --time-style=long-iso` (the one fixed time
//! format; GNU's default switches format with a file's age). What WASI does not show (permission
//! bits, owners, blocks) comes from the host's `ncsh.lstat`, which answers only inside the grant.
//! An entry it cannot describe (`..` at the top of the grant) is shown as GNU shows a file it cannot
//! stat: its type, then question marks, and an error on standard error.

use std::io::Write;
use std::path::Path;

#[link(wasm_import_module = "ncsh")]
extern "C" {
    fn lstat(path: *const u8, path_len: i32, out: *mut u8, out_cap: i32) -> i32;
}

/// What `ls -l` prints of a file.
struct Stat {
    mode: u32,
    nlink: u64,
    owner: String,
    group: String,
    size: u64,
    blocks: u64,
    /// Local time: seconds since the epoch plus the zone's offset.
    local_mtime: i64,
    /// A symlink's target as written; WASI's readlink hides an absolute one.
    target: String,
}

/// Asks the host about `path` (absolute); `None` when it cannot say (not granted, gone).
fn stat(path: &Path) -> Option<Stat> {
    let path = path.to_str()?;
    let mut buffer = vec![0u8; 1024];
    // SAFETY: both pointers are to live buffers of the lengths passed; the host writes at most
    // `buffer.len()` bytes.
    let written = unsafe { lstat(path.as_ptr(), path.len() as i32, buffer.as_mut_ptr(), buffer.len() as i32) };
    if written < 0 {
        return None;
    }
    let line = String::from_utf8_lossy(&buffer[..written as usize]).into_owned();
    let fields: Vec<&str> = line.splitn(12, '\t').collect();
    if fields.len() != 12 {
        return None;
    }
    let number = |i: usize| fields[i].parse::<i64>().ok();
    let named = |name: &str, id: i64| if name.is_empty() { id.to_string() } else { name.to_string() };
    Some(Stat {
        mode: number(0)? as u32,
        nlink: number(1)? as u64,
        owner: named(fields[9], number(2)?),
        group: named(fields[10], number(3)?),
        size: number(4)? as u64,
        blocks: number(5)? as u64,
        local_mtime: number(7)? + number(8)?,
        target: fields[11].to_string(),
    })
}

/// One entry of a listing: the name shown, its absolute path, and its type letter as the directory
/// listing gave it (used when the host cannot describe it).
pub struct Entry {
    pub name: String,
    pub path: std::path::PathBuf,
    pub kind: char,
}

/// The type letter GNU shows for `file_type`.
pub fn kind_letter(file_type: std::fs::FileType) -> char {
    if file_type.is_dir() {
        'd'
    } else if file_type.is_symlink() {
        'l'
    } else {
        '-'
    }
}

fn mode_string(mode: u32) -> String {
    let kind = match mode & 0o170000 {
        0o040000 => 'd',
        0o120000 => 'l',
        0o020000 => 'c',
        0o060000 => 'b',
        0o010000 => 'p',
        0o140000 => 's',
        _ => '-',
    };
    let mut text = String::new();
    text.push(kind);
    // (read, write, execute, special bit, letter for special+execute)
    let triads = [(0o400, 0o200, 0o100, 0o4000, 's'), (0o040, 0o020, 0o010, 0o2000, 's'), (0o004, 0o002, 0o001, 0o1000, 't')];
    for (r, w, x, special, letter) in triads {
        text.push(if mode & r != 0 { 'r' } else { '-' });
        text.push(if mode & w != 0 { 'w' } else { '-' });
        text.push(match (mode & special != 0, mode & x != 0) {
            (true, true) => letter,
            (true, false) => letter.to_ascii_uppercase(),
            (false, true) => 'x',
            (false, false) => '-',
        });
    }
    text
}

/// `YYYY-MM-DD HH:MM` of local seconds since the epoch (days to civil date after H. Hinnant).
fn long_iso(local: i64) -> String {
    let days = local.div_euclid(86_400);
    let seconds = local.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    format!("{:04}-{:02}-{:02} {:02}:{:02}", year, month, day, seconds / 3600, seconds % 3600 / 60)
}

/// Writes `entries` in long format, preceded by `total N` for a directory's listing; returns the
/// entries that could not be described.
pub fn write(entries: &[Entry], with_total: bool, out: &mut dyn Write) -> Vec<String> {
    let stats: Vec<Option<Stat>> = entries.iter().map(|e| stat(&e.path)).collect();
    let width = |f: &dyn Fn(&Stat) -> usize| stats.iter().flatten().map(|s| f(s)).max().unwrap_or(0);
    let nlink_width = width(&|s| s.nlink.to_string().len());
    let owner_width = width(&|s| s.owner.len());
    let group_width = width(&|s| s.group.len());
    let size_width = width(&|s| s.size.to_string().len());
    if with_total {
        let blocks: u64 = stats.iter().flatten().map(|s| s.blocks).sum();
        // st_blocks counts 512-byte units; GNU shows 1024-byte ones, rounded up.
        writeln!(out, "total {}", (blocks + 1) / 2).ok();
    }
    let mut failed = Vec::new();
    for (entry, stat) in entries.iter().zip(&stats) {
        let line = match stat {
            Some(s) => {
                let mut line = format!(
                    "{} {:>nw$} {:<ow$} {:<gw$} {:>sw$} {} {}",
                    mode_string(s.mode),
                    s.nlink,
                    s.owner,
                    s.group,
                    s.size,
                    long_iso(s.local_mtime),
                    entry.name,
                    nw = nlink_width,
                    ow = owner_width,
                    gw = group_width,
                    sw = size_width
                );
                if s.mode & 0o170000 == 0o120000 {
                    line.push_str(&format!(" -> {}", s.target));
                }
                line
            }
            None => {
                failed.push(entry.name.clone());
                format!(
                    "{}????????? {:>nw$} {:<ow$} {:<gw$} {:>sw$} {:>16} {}",
                    entry.kind,
                    "?",
                    "?",
                    "?",
                    "?",
                    "?",
                    entry.name,
                    nw = nlink_width,
                    ow = owner_width,
                    gw = group_width,
                    sw = size_width
                )
            }
        };
        writeln!(out, "{}", line).ok();
    }
    failed
}
