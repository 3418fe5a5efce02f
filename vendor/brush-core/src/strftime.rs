//! Times written with a user's `strftime` format (ncsh patch): `\D{…}` in prompts,
//! `HISTTIMEFORMAT` and printf's `%(…)T`.

/// `time` written with `format` as glibc's `strftime` writes it, so far as chrono can: a
/// conversion it does not know is written as it stands, and a format it cannot write with this
/// time ends the text where it could not go on. chrono's own `to_string` panics on both, which
/// ended the shell for a prompt of `\D{%Q}`.
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
