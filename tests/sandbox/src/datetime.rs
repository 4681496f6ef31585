//! RFC 3339 date-times in UTC, on the `time` crate (already built for the runtime and the TLS
//! certificates): parsing what clients send (`dateAgreed`) and formatting what the emulator stamps
//! (`softDeletionTime`, `vettingCreateDate`, the clock, Entra's error timestamps).

use std::borrow::Cow;

use time::format_description::BorrowedFormatItem;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

/// The date and time of day, to the second, without an offset.
const SECONDS: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");

/// A parsed date-time: the instant, and how many fraction digits were sent so an echo keeps
/// them (`2018-06-14T00:00:00.000Z` comes back as sent, like the documented example).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateTime {
    at: OffsetDateTime,
    frac_digits: u8,
}

impl DateTime {
    /// Unix seconds (UTC).
    pub fn secs(&self) -> i64 {
        self.at.unix_timestamp()
    }

    /// The instant in UTC with `Z`, keeping the fraction digits that were sent.
    pub fn to_utc_string(&self) -> String {
        let mut s = self
            .at
            .format(SECONDS)
            .expect("a parsed year has four digits");
        if self.frac_digits > 0 {
            let frac = format!("{:09}", self.at.nanosecond());
            s.push('.');
            s.push_str(&frac[..usize::from(self.frac_digits)]);
        }
        s.push('Z');
        s
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` for Unix seconds.
pub fn format_secs(secs: i64) -> String {
    let at = OffsetDateTime::from_unix_timestamp(secs).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let mut s = at.format(SECONDS).unwrap_or_default();
    s.push('Z');
    s
}

/// Parses an RFC 3339 date-time (fraction of 1–9 digits). The offset (`Z` or `±HH:MM`) may be
/// left out, which means UTC, as the service reads `2019-08-26T00:00:00`. `None` for anything
/// else (a date alone, out-of-range fields).
pub fn parse(s: &str) -> Option<DateTime> {
    let s = s.trim();
    let time_part = s.get(19..)?;
    let has_offset = s.ends_with(['Z', 'z']) || time_part.contains(['+', '-']);
    let text = if has_offset {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(format!("{s}Z"))
    };
    let frac_digits = time_part
        .strip_prefix('.')
        .map_or(0, |f| f.bytes().take_while(u8::is_ascii_digit).count());
    if frac_digits > 9 {
        return None;
    }
    let at = OffsetDateTime::parse(&text, &Rfc3339).ok()?;
    Some(DateTime {
        at: at.to_offset(UtcOffset::UTC),
        frac_digits: frac_digits as u8,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc() {
        assert_eq!(format_secs(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_secs(1_528_934_400), "2018-06-14T00:00:00Z");
        assert_eq!(format_secs(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn parses_and_echoes_in_utc() {
        let echo = |s: &str| parse(s).map(|d| d.to_utc_string());
        assert_eq!(
            echo("2018-06-14T00:00:00.000Z").as_deref(),
            Some("2018-06-14T00:00:00.000Z")
        );
        assert_eq!(
            echo("2019-08-26T00:00:00").as_deref(),
            Some("2019-08-26T00:00:00Z")
        );
        assert_eq!(
            echo("2019-08-26T02:30:00+02:30").as_deref(),
            Some("2019-08-26T00:00:00Z")
        );
        assert_eq!(
            echo("2019-08-25t23:00:00.5-01:00").as_deref(),
            Some("2019-08-26T00:00:00.5Z")
        );
        assert_eq!(parse("2018-06-14T00:00:00Z").unwrap().secs(), 1_528_934_400);
        for bad in [
            "",
            "2018-06-14",
            "2018-02-30T00:00:00Z",
            "2018-13-01T00:00:00Z",
            "2018-06-14T24:00:00Z",
            "2018-06-14T00:00:00.Z",
            "2018-06-14T00:00:00+0200",
            "2018-06-14T00:00:00Zjunk",
            "yesterday",
            "２018-06-14T00:00:00Z",
        ] {
            assert!(parse(bad).is_none(), "{bad}");
        }
        assert!(parse("2024-02-29T00:00:00Z").is_some());
        assert!(parse("2023-02-29T00:00:00Z").is_none());
    }
}
