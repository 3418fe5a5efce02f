//! Times written with a user's `strftime` format (ncsh patch): the time escapes of prompts,
//! `HISTTIMEFORMAT` and printf's `%(…)T`, in the time zone the shell's `TZ` names, as bash writes
//! them with C's `strftime` after `tzset`.

use crate::{Shell, extensions};

pub use jiff::tz::TimeZone;

/// The time zone the shell's `TZ` names, as C's `tzset` reads it: an IANA name (`Asia/Tokyo`, or
/// `:Asia/Tokyo`), else a POSIX rule (`CET-1CEST,M3.5.0,M10.5.0/3`), else UTC; the system's where
/// `TZ` is not set. brush read the process's own `TZ` alone, so `TZ=Asia/Tokyo printf …` or an
/// `export TZ=…` in the shell changed nothing.
pub fn time_zone(shell: &Shell<impl extensions::ShellExtensions>) -> TimeZone {
    let Some(named) = shell.env_str("TZ") else {
        return TimeZone::system();
    };
    let named = named.strip_prefix(':').unwrap_or(&named);
    TimeZone::get(named)
        .or_else(|_| TimeZone::posix(named))
        .unwrap_or(TimeZone::UTC)
}

/// The time `seconds` after 1970 began (now where it is `None`), in `zone`; `None` for a time out
/// of range.
pub fn zoned(zone: &TimeZone, seconds: Option<i64>) -> Option<jiff::Zoned> {
    let timestamp = match seconds {
        Some(seconds) => jiff::Timestamp::from_second(seconds).ok()?,
        None => jiff::Timestamp::now(),
    };
    Some(timestamp.to_zoned(zone.clone()))
}

/// `time` written with `format` as glibc's `strftime` writes it in the C locale (jiff's
/// `PosixCustom`, with the zone's abbreviation for `%Z`, flags and widths): a conversion jiff does
/// not know is written as it stands, where chrono's `to_string` panicked (`\D{%Q}` ended the shell).
pub fn strftime(time: &jiff::Zoned, format: &str) -> String {
    let config = jiff::fmt::strtime::Config::new()
        .custom(jiff::fmt::strtime::PosixCustom::new())
        .lenient(true);
    jiff::fmt::strtime::BrokenDownTime::from(time)
        .to_string_with_config(&config, glibc_conversions_only(format))
        .unwrap_or_default()
}

/// The conversions glibc's `strftime` knows; jiff's own (`%Q`, `%f`, `%N`, `%:z`) are written as
/// they stand, as glibc writes them.
const GLIBC_CONVERSIONS: &str = "aAbBcCdDeFgGhHIjklmMnpPrRsStTuUVwWxXyYzZ+%";

/// `format` with each conversion glibc does not know made text (its `%` doubled).
fn glibc_conversions_only(format: &str) -> String {
    let mut kept = String::with_capacity(format.len());
    let mut rest = format;
    while let Some(at) = rest.find('%') {
        kept.push_str(&rest[..at]);
        let spec = &rest[at + 1..];
        // Flags, a width and an `E` or `O` modifier may come before the conversion.
        let conversion_at = spec
            .find(|c: char| !"-_0^#123456789EO".contains(c))
            .unwrap_or(spec.len());
        let known = (spec[conversion_at..].chars().next())
            .is_some_and(|conversion| GLIBC_CONVERSIONS.contains(conversion));
        kept.push_str(if known { "%" } else { "%%" });
        rest = spec;
        if known {
            // The conversion's own characters, so that `%%` is not read again; the `E` and `O`
            // modifiers change nothing in the C locale, and jiff does not know them.
            let end = conversion_at
                + spec[conversion_at..]
                    .chars()
                    .next()
                    .map_or(0, char::len_utf8);
            kept.extend(
                spec[..conversion_at]
                    .chars()
                    .filter(|c| !matches!(c, 'E' | 'O')),
            );
            kept.push_str(&spec[conversion_at..end]);
            rest = &spec[end..];
        }
    }
    kept.push_str(rest);
    kept
}
