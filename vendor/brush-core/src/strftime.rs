//! Times written with a user's `strftime` format (ncsh patch): `\D{…}` in prompts,
//! `HISTTIMEFORMAT` and printf's `%(…)T`.

/// `time` written with `format` by chrono, which writes most of glibc's `strftime` conversions
/// as glibc does: a conversion chrono does not know is written as it stands, and a format it
/// cannot write with this time ends the text where it could not go on. chrono's own `to_string`
/// panics on both, which ended the shell for a prompt of `\D{%Q}`. Unlike glibc: `%Z` is the
/// offset (`+00:00`), not the zone's name; glibc's flags and widths (`%^a`, `%10Y`) are written
/// as they stand; chrono's own conversions (`%+`, `%:z`) are written; an empty format is empty.
pub fn strftime<Tz: chrono::TimeZone>(time: &chrono::DateTime<Tz>, format: &str) -> String
where
    Tz::Offset: std::fmt::Display,
{
    use std::fmt::Write as _;
    let items = chrono::format::StrftimeItems::new_lenient(format);
    let mut text = String::new();
    let _ = write!(text, "{}", time.format_with_items(items));
    text
}
