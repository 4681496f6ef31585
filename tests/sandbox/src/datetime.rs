//! RFC 3339 date-times in UTC without a date library: parsing what clients send
//! (`dateAgreed`) and formatting what the emulator stamps (`softDeletionTime`,
//! `vettingCreateDate`). Days are converted with Howard Hinnant's civil-calendar algorithms.

/// A parsed date-time: the instant, and how many fraction digits were sent so an echo keeps
/// them (`2018-06-14T00:00:00.000Z` comes back as sent, like the documented example).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateTime {
    /// Unix seconds (UTC).
    pub secs: i64,
    pub nanos: u32,
    frac_digits: u8,
}

impl DateTime {
    /// The instant in UTC with `Z`, keeping the fraction digits that were sent.
    pub fn to_utc_string(&self) -> String {
        let mut s = format_secs(self.secs);
        if self.frac_digits > 0 {
            s.pop(); // the Z
            let frac = format!("{:09}", self.nanos);
            s.push('.');
            s.push_str(&frac[..usize::from(self.frac_digits).min(9)]);
            s.push('Z');
        }
        s
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number (inverse of [`days_from_civil`]).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` for Unix seconds.
pub fn format_secs(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Parses an RFC 3339 date-time (`T`, `t` or a space between date and time; fraction of 1–9
/// digits). The offset (`Z` or `±HH:MM`) may be left out, which means UTC, as the service
/// reads `2019-08-26T00:00:00`. `None` for anything else (a date alone, out-of-range fields).
pub fn parse(s: &str) -> Option<DateTime> {
    let b = s.trim().as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(r)?;
        if part.iter().all(u8::is_ascii_digit) {
            std::str::from_utf8(part).ok()?.parse().ok()
        } else {
            None
        }
    };
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (y, mo, d) = (i64::from(num(0..4)?), num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo)
        || d == 0
        || d > days_in_month(y, mo)
        || h > 23
        || mi > 59
        || sec > 60
    {
        return None;
    }
    let mut i = 19;
    let (mut nanos, mut frac_digits) = (0u32, 0u8);
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let digits = i - start;
        if digits == 0 || digits > 9 {
            return None;
        }
        let frac = num(start..i)?;
        nanos = frac * 10u32.pow(9 - digits as u32);
        frac_digits = digits as u8;
    }
    let offset: i64 = match &b[i..] {
        [] | [b'Z'] | [b'z'] => 0,
        [sign @ (b'+' | b'-'), ..] if b.len() - i == 6 && b[i + 3] == b':' => {
            let (oh, om) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let o = i64::from(oh * 3600 + om * 60);
            if *sign == b'+' { o } else { -o }
        }
        _ => return None,
    };
    let secs = days_from_civil(y, mo, d) * 86_400 + i64::from(h * 3600 + mi * 60 + sec) - offset;
    Some(DateTime {
        secs,
        nanos,
        frac_digits,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for days in [-800_000, -1, 0, 1, 10_957, 19_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

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
        assert_eq!(parse("2018-06-14T00:00:00Z").unwrap().secs, 1_528_934_400);
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
