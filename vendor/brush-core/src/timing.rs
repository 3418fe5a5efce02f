//! Command timing

use crate::error;

struct StopwatchTime {
    now: std::time::SystemTime,
    self_user: std::time::Duration,
    self_system: std::time::Duration,
    children_user: std::time::Duration,
    children_system: std::time::Duration,
}

impl StopwatchTime {
    #[allow(clippy::unchecked_time_subtraction)]
    fn minus(&self, other: &Self) -> Result<StopwatchTiming, error::Error> {
        let user = (self.self_user - other.self_user) + (self.children_user - other.children_user);
        let system =
            (self.self_system - other.self_system) + (self.children_system - other.children_system);

        Ok(StopwatchTiming {
            wall: self.now.duration_since(other.now)?,
            user,
            system,
        })
    }
}

pub(crate) struct Stopwatch {
    start: StopwatchTime,
}

impl Stopwatch {
    pub fn stop(&self) -> Result<StopwatchTiming, error::Error> {
        let end = get_current_stopwatch_time()?;
        end.minus(&self.start)
    }
}
pub(crate) struct StopwatchTiming {
    pub wall: std::time::Duration,
    pub user: std::time::Duration,
    pub system: std::time::Duration,
}

pub(crate) fn start_timing() -> Result<Stopwatch, error::Error> {
    Ok(Stopwatch {
        start: get_current_stopwatch_time()?,
    })
}

fn get_current_stopwatch_time() -> Result<StopwatchTime, error::Error> {
    let now = std::time::SystemTime::now();
    let (self_user, self_system) = crate::sys::resource::get_self_user_and_system_time()?;
    let (children_user, children_system) =
        crate::sys::resource::get_children_user_and_system_time()?;

    Ok(StopwatchTime {
        now,
        self_user,
        self_system,
        children_user,
        children_system,
    })
}

/// Format the given duration in a non-POSIX-y way.
///
/// # Arguments
///
/// * `duration` - The duration to format.
pub fn format_duration_non_posixly(duration: &std::time::Duration) -> String {
    seconds_with_precision(duration, 3, true)
}

/// bash's report where `TIMEFORMAT` is not set.
pub(crate) const DEFAULT_TIME_FORMAT: &str = "\nreal\t%3lR\nuser\t%3lU\nsys\t%3lS";

/// The report of `time` as `TIMEFORMAT` words it (ncsh patch: brush ignored it): `%R`, `%U` and
/// `%S` are the real, user and system seconds, with an optional precision of up to three decimals
/// (`%2R`, 3 where none is given) and `l` for minutes and seconds (`%lR`, `0m1.500s`); `%P` is the
/// share of the CPU, with two decimals; `%%` is `%`. Anything else is written as it stands (bash
/// refuses it).
pub(crate) fn format_time_report(format: &str, timing: &StopwatchTiming) -> String {
    let mut out = String::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.next_if_eq(&'%').is_some() {
            out.push('%');
            continue;
        }
        let precision = chars
            .next_if(char::is_ascii_digit)
            .and_then(|digit| digit.to_digit(10))
            .map_or(3, |digit| digit.min(3));
        let long = chars.next_if_eq(&'l').is_some();
        let seconds = match chars.peek() {
            Some('R') => timing.wall,
            Some('U') => timing.user,
            Some('S') => timing.system,
            Some('P') => {
                chars.next();
                let cpu = (timing.user + timing.system).as_secs_f64();
                let real = timing.wall.as_secs_f64();
                let share = if real > 0.0 { cpu * 100.0 / real } else { 0.0 };
                // bash writes the share with two decimals, whatever precision is given.
                out.push_str(&format!("{share:.2}"));
                continue;
            }
            _ => {
                out.push('%');
                continue;
            }
        };
        chars.next();
        out.push_str(&seconds_with_precision(&seconds, precision, long));
    }
    out
}

/// `duration` in seconds with `precision` decimals, cut (not rounded) as bash cuts them; with
/// `long`, as minutes and seconds (`1m2.500s`).
fn seconds_with_precision(duration: &std::time::Duration, precision: u32, long: bool) -> String {
    let fraction = duration.subsec_nanos() / 10u32.pow(9 - precision);
    let (minutes, seconds) = if long {
        (Some(duration.as_secs() / 60), duration.as_secs() % 60)
    } else {
        (None, duration.as_secs())
    };
    let mut out = minutes.map_or_else(String::new, |minutes| format!("{minutes}m"));
    out.push_str(&seconds.to_string());
    if precision > 0 {
        out.push_str(&format!(".{fraction:0width$}", width = precision as usize));
    }
    if long {
        out.push('s');
    }
    out
}

/// Format the given duration in a POSIX-y way.
///
/// # Arguments
///
/// * `duration` - The duration to format.
pub fn format_duration_posixly(duration: &std::time::Duration) -> String {
    let seconds = duration.as_secs();
    let ten_millis = duration.subsec_millis() / 10;
    format!("{seconds}.{ten_millis:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn test_format_time() {
        assert_eq!(
            format_duration_non_posixly(&Duration::from_millis(0)),
            "0m0.000s"
        );
        assert_eq!(
            format_duration_non_posixly(&Duration::from_millis(1)),
            "0m0.001s"
        );
        assert_eq!(
            format_duration_non_posixly(&Duration::from_millis(123)),
            "0m0.123s"
        );
        assert_eq!(
            format_duration_non_posixly(&Duration::from_millis(1234)),
            "0m1.234s"
        );
        assert_eq!(
            format_duration_non_posixly(&Duration::from_millis(12345)),
            "0m12.345s"
        );
        assert_eq!(
            format_duration_non_posixly(&Duration::from_millis(123_456)),
            "2m3.456s"
        );
        assert_eq!(
            format_duration_non_posixly(&Duration::from_millis(1_234_567)),
            "20m34.567s"
        );

        assert_eq!(
            format_duration_non_posixly(&Duration::from_micros(1)),
            "0m0.000s"
        );
        assert_eq!(
            format_duration_non_posixly(&Duration::from_micros(999)),
            "0m0.000s"
        );
        assert_eq!(
            format_duration_non_posixly(&Duration::from_micros(1001)),
            "0m0.001s"
        );
    }
}
