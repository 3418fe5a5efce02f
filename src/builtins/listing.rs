//! How the builtins show things: tables for listings, times in UTC, permissions in a few words.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use policy::{Grant, Manifest};

/// A table with `header` over `rows`, fitted to the terminal's width (100 columns without one).
pub fn table(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let width =
        kernel_bridge::terminal::window_size(std::io::stdout()).map_or(100, |size| size.cols);
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width)
        .set_header(header.iter().copied());
    for row in rows {
        table.add_row(row);
    }
    format!("{table}\n")
}

/// Milliseconds since the epoch as `2026-11-27 19:34:17Z`; a time no calendar shows (from a damaged
/// record) as its number.
pub fn when(ms: u64) -> String {
    use std::fmt::Write;
    let mut text = String::new();
    let shown = std::time::UNIX_EPOCH
        .checked_add(std::time::Duration::from_millis(ms))
        .is_some_and(|time| write!(text, "{}", humantime::format_rfc3339_seconds(time)).is_ok());
    if shown {
        text.replacen('T', " ", 1)
    } else {
        format!("{ms} ms after 1970")
    }
}

/// What a grant allows, in a few words: `read /a, write /b, env LANG, stdin` or `nothing`.
pub fn permissions(grant: &Grant) -> String {
    let dirs = |dirs: &[std::path::PathBuf]| {
        dirs.iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut parts = Vec::new();
    if !grant.read.is_empty() {
        parts.push(format!("read {}", dirs(&grant.read)));
    }
    if !grant.write.is_empty() {
        parts.push(format!("write {}", dirs(&grant.write)));
    }
    if !grant.env.is_empty() {
        parts.push(format!("env {}", grant.env.join(" ")));
    }
    if grant.stdin {
        parts.push("stdin".into());
    }
    if grant.network {
        parts.push("network".into());
    }
    if parts.is_empty() {
        "nothing".into()
    } else {
        parts.join(", ")
    }
}

/// The limits a capability runs under, in a few words.
pub fn limits(manifest: &Manifest) -> String {
    let limits = manifest.limits;
    let fuel = limits
        .fuel
        .map_or_else(|| "unmetered".to_owned(), |f| f.to_string());
    format!(
        "memory {} MiB, wall time {} ms, fuel {fuel}, output {} KiB",
        limits.memory_mb, limits.wall_ms, limits.max_output_kb
    )
}
