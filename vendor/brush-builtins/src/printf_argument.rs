//! How bash's printf reads each argument for its conversion (ncsh patch): numbers, `%b`'s
//! escapes and `%(…)T`'s times. uucore reads numbers too, but it says what it could not read on
//! the process's own stderr, past the command's redirections, in its own words; so each argument
//! a number conversion takes is read here, with uucore's parser, and given to uucore already read.

use uucore::extendedbigdecimal::ExtendedBigDecimal;
use uucore::format::FormatArgument;
use uucore::parser::num_parser::{ExtendedParser, ExtendedParserError};

/// What bash's printf says of an argument that a number conversion could not read whole.
#[derive(PartialEq, Eq)]
pub(crate) enum Complaint {
    /// Not a number, or not only one: bash says so, uses the number it read from the start
    /// (0 if none), and fails at the end.
    NotNumber,
    /// Beyond the type's range: bash warns, uses the nearest value it holds, and does not fail.
    OutOfRange,
}

impl Complaint {
    /// bash's words for `arg` (its `sh_invalidnum`, and `strtoimax`'s `ERANGE`).
    pub(crate) fn words(&self, arg: &str) -> String {
        match self {
            Self::NotNumber
                if arg.starts_with('0') && arg[1..].starts_with(|c: char| c.is_ascii_digit()) =>
            {
                format!("{arg}: invalid octal number")
            }
            Self::NotNumber if arg.starts_with("0x") => format!("{arg}: invalid hex number"),
            Self::NotNumber => format!("{arg}: invalid number"),
            Self::OutOfRange => format!("warning: {arg}: Numerical result out of range"),
        }
    }
}

/// `arg` as the conversion `conversion` takes it (`*` for a width or precision), and what bash
/// would say of it. A `%b` argument that ends all output is given as a `String`, the one
/// argument that is (`write_round` stops after it).
pub(crate) fn read_argument(arg: &str, conversion: char) -> (FormatArgument, Option<Complaint>) {
    match conversion {
        'd' | 'i' | '*' => {
            let (value, complaint) = read_number::<i64>(arg);
            (FormatArgument::SignedInt(value), complaint)
        }
        'o' | 'u' | 'x' | 'X' => {
            let (value, complaint) = read_number::<u64>(arg);
            (FormatArgument::UnsignedInt(value), complaint)
        }
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'a' | 'A' => {
            let (value, complaint) = read_number::<ExtendedBigDecimal>(arg);
            let (value, range) = within_long_double(value);
            (FormatArgument::Float(value), complaint.or(range))
        }
        'b' => (with_escapes_read(arg), None),
        _ => (FormatArgument::Unparsed(arg.into()), None),
    }
}

/// A `%b` argument with its escapes read, for a `%s`: a `String` where a `\c` in it ends all
/// output (bash's printf stops there; uucore ended only the argument), else `Unparsed`.
fn with_escapes_read(arg: &str) -> FormatArgument {
    use std::os::unix::ffi::OsStringExt as _;
    use uucore::format::FormatChar as _;
    // bash's `%b` keeps `\"` as it stands, where uucore reads it as `"`.
    let arg = arg.replace("\\\"", "\\\\\"");
    let mut text = vec![];
    for escaped in
        uucore::format::parse_escape_only(arg.as_bytes(), uucore::format::OctalParsing::ThreeDigits)
    {
        if let Ok(std::ops::ControlFlow::Break(())) = escaped.write(&mut text) {
            return FormatArgument::String(std::ffi::OsString::from_vec(text));
        }
    }
    FormatArgument::Unparsed(std::ffi::OsString::from_vec(text))
}

/// `arg` as `%(format)T` takes it: seconds since 1970 (−1 is now, and so is −2, which is the
/// shell's start in bash), written as C's `strftime` writes them with `format`, in `zone`.
pub(crate) fn time_argument(
    arg: &str,
    format: &str,
    zone: &brush_core::strftime::TimeZone,
) -> (FormatArgument, Option<Complaint>) {
    let (seconds, complaint) = read_number::<i64>(arg);
    let time = brush_core::strftime::zoned(zone, Some(seconds).filter(|seconds| *seconds >= 0));
    // An empty format is `%X`, as in bash.
    let format = if format.is_empty() { "%X" } else { format };
    let text = time.map(|time| brush_core::strftime::strftime(&time, format));
    (
        FormatArgument::Unparsed(text.unwrap_or_default().into()),
        complaint,
    )
}

/// Reads `arg` as C's `strto*` functions do for bash: nothing is 0, and a quote and a character
/// is that character's code (what follows it is ignored, and a quote alone is 0).
fn read_number<T>(arg: &str) -> (T, Option<Complaint>)
where
    T: ExtendedParser + From<u8> + From<u32> + Default,
{
    if arg.is_empty() {
        return (T::from(0u8), None);
    }
    if let Some(quoted) = arg.strip_prefix(['\'', '"']) {
        let code = quoted.chars().next().map_or(0, u32::from);
        return (T::from(code), None);
    }
    // uucore reads `0b101` as binary, which `strtoimax` does not: it reads the `0`.
    let unsigned = arg.trim_ascii_start().trim_start_matches(['+', '-']);
    if unsigned.starts_with("0b") || unsigned.starts_with("0B") {
        return (T::from(0u8), Some(Complaint::NotNumber));
    }
    match T::extended_parse(arg) {
        Ok(value) => (value, None),
        Err(ExtendedParserError::NotNumeric) => (T::default(), Some(Complaint::NotNumber)),
        Err(ExtendedParserError::PartialMatch(value, _)) => (value, Some(Complaint::NotNumber)),
        Err(ExtendedParserError::Overflow(value) | ExtendedParserError::Underflow(value)) => {
            (value, Some(Complaint::OutOfRange))
        }
    }
}

/// bash reads a float into a `long double`, whose powers of ten run from about −4951 (the
/// smallest denormal) to 4932; uucore keeps any. Past the top is infinity, past the bottom 0,
/// and below the smallest normal number (about 1e−4932) `strtold` says so too.
fn within_long_double(value: ExtendedBigDecimal) -> (ExtendedBigDecimal, Option<Complaint>) {
    const LARGEST_POWER: i64 = 4932;
    const SMALLEST_NORMAL_POWER: i64 = -4932;
    const SMALLEST_POWER: i64 = -4951;
    let ExtendedBigDecimal::BigDecimal(decimal) = &value else {
        return (value, None);
    };
    if value == ExtendedBigDecimal::zero() {
        return (value, None);
    }
    let digits = i64::try_from(decimal.digits()).unwrap_or(i64::MAX);
    let power = digits
        .saturating_sub(decimal.fractional_digit_count())
        .saturating_sub(1);
    let negative = value < ExtendedBigDecimal::zero();
    if power > LARGEST_POWER {
        let infinity = if negative {
            ExtendedBigDecimal::MinusInfinity
        } else {
            ExtendedBigDecimal::Infinity
        };
        (infinity, Some(Complaint::OutOfRange))
    } else if power < SMALLEST_POWER {
        let zero = if negative {
            ExtendedBigDecimal::MinusZero
        } else {
            ExtendedBigDecimal::zero()
        };
        (zero, Some(Complaint::OutOfRange))
    } else if power < SMALLEST_NORMAL_POWER {
        (value, Some(Complaint::OutOfRange))
    } else {
        (value, None)
    }
}
