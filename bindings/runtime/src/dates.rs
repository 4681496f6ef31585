//! Dates: a `format: date-time` value is a [`time::OffsetDateTime`], a `format: date` value a
//! [`time::Date`].
//!
//! On the wire both are text, written as RFC 3339: `2019-08-26T07:30:00Z` (UTC as `Z`, fractional
//! seconds only when there are some) and `2019-08-26`. They are read more leniently, because
//! services write dates more loosely than their specs say:
//!
//! - an RFC 3339 date-time, with any number of fractional-second digits (beyond nanoseconds they
//!   are dropped), `t`/`z` in either case and any one character between date and time;
//! - a date-time without an offset (`2019-08-26T00:00:00`, `2018-06-14T00:00:00.000`) is UTC;
//! - a date-time where a date belongs (`2019-08-26T00:00:00`) is the date it writes, in its own
//!   offset.
//!
//! Anything else is an error naming the value; decoding an answer reports it at the field's path.
//!
//! Generated models mark every field that holds dates, in whatever shape (a date, an `Option`, a
//! `Vec` or a map of them), with `#[serde(with = "sdk_runtime::dates")]`; [`Wire`] does the same
//! for a value on its own (a parameter, a body, an answer). [`date_time_text`] and [`date_text`]
//! write a parameter.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserialize, DeserializeOwned, Deserializer, Unexpected, Visitor};
use serde::ser::{Serialize, Serializer};
use time::format_description::BorrowedFormatItem;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

use crate::error::Error;

const DATE: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");

/// Text that is not a date or a date-time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    text: String,
    expected: &'static str,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not {}", self.text, self.expected)
    }
}

impl std::error::Error for DateError {}

const EXPECTED_DATE_TIME: &str = "an RFC 3339 date-time such as 2019-08-26T07:30:00Z";
const EXPECTED_DATE: &str = "a date such as 2019-08-26";

/// A date-time as the service writes it: RFC 3339, or RFC 3339 without the offset (read as UTC).
pub fn parse_date_time(text: &str) -> Result<OffsetDateTime, DateError> {
    OffsetDateTime::parse(text, &Rfc3339)
        .or_else(|_| {
            // Without an offset, the text is RFC 3339 once `Z` is added; with one (or anything
            // else after the time), the added `Z` is trailing text and still fails.
            OffsetDateTime::parse(&format!("{text}Z"), &Rfc3339)
        })
        .map_err(|_| DateError {
            text: text.to_string(),
            expected: EXPECTED_DATE_TIME,
        })
}

/// A date as the service writes it: `YYYY-MM-DD`, or a date-time, whose date (as written) it is.
pub fn parse_date(text: &str) -> Result<Date, DateError> {
    if let Ok(date) = Date::parse(text, DATE) {
        return Ok(date);
    }
    if text.len() > "YYYY-MM-DD".len()
        && let Ok(date_time) = parse_date_time(text)
    {
        return Ok(date_time.date());
    }
    Err(DateError {
        text: text.to_string(),
        expected: EXPECTED_DATE,
    })
}

/// RFC 3339, or why a date-time cannot be written so (a year outside 0000-9999, an offset with
/// seconds).
fn write_date_time(value: &OffsetDateTime) -> Result<String, String> {
    value
        .format(&Rfc3339)
        .map_err(|e| format!("cannot write {value} as RFC 3339: {e}"))
}

fn write_date(value: &Date) -> Result<String, String> {
    if !(0..=9999).contains(&value.year()) {
        return Err(format!(
            "cannot write {value} as RFC 3339: the year is not 0000-9999"
        ));
    }
    value
        .format(DATE)
        .map_err(|e| format!("cannot write {value} as RFC 3339: {e}"))
}

/// A date-time parameter as its text on the wire (RFC 3339).
pub fn date_time_text(value: impl std::borrow::Borrow<OffsetDateTime>) -> Result<String, Error> {
    write_date_time(value.borrow()).map_err(Error::Config)
}

/// A date parameter as its text on the wire (`YYYY-MM-DD`).
pub fn date_text(value: impl std::borrow::Borrow<Date>) -> Result<String, Error> {
    write_date(value.borrow()).map_err(Error::Config)
}

/// A value that holds dates (a date, or an `Option`, a list or a map of them), written in its
/// wire form.
pub trait ToWire {
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
}

/// A value that holds dates, read from its wire form.
pub trait FromWire: Sized {
    fn deserialize_wire<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

/// A value that holds dates, as serde sees it: `serde_json::to_string(&Wire(&dates))`,
/// `raw.json::<Wire<OffsetDateTime>>()?.0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wire<T>(pub T);

impl<T: ToWire> Serialize for Wire<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_wire(serializer)
    }
}

impl<'de, T: FromWire> Deserialize<'de> for Wire<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize_wire(deserializer).map(Wire)
    }
}

/// For `#[serde(with = "sdk_runtime::dates")]`.
pub fn serialize<T: ToWire + ?Sized, S: Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    value.serialize_wire(serializer)
}

/// For `#[serde(with = "sdk_runtime::dates")]`.
pub fn deserialize<'de, T: FromWire, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    T::deserialize_wire(deserializer)
}

impl ToWire for OffsetDateTime {
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = write_date_time(self).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }
}

impl ToWire for Date {
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = write_date(self).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }
}

/// Reads one date or date-time from a string.
struct TextVisitor<T> {
    parse: fn(&str) -> Result<T, DateError>,
    expected: &'static str,
}

impl<T> Visitor<'_> for TextVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expected)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        (self.parse)(text).map_err(|_| E::invalid_value(Unexpected::Str(text), &self))
    }
}

impl FromWire for OffsetDateTime {
    fn deserialize_wire<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TextVisitor {
            parse: parse_date_time,
            expected: EXPECTED_DATE_TIME,
        })
    }
}

impl FromWire for Date {
    fn deserialize_wire<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TextVisitor {
            parse: parse_date,
            expected: EXPECTED_DATE,
        })
    }
}

impl<T: ToWire + ?Sized> ToWire for &T {
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (**self).serialize_wire(serializer)
    }
}

impl<T: ToWire + ?Sized> ToWire for Box<T> {
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (**self).serialize_wire(serializer)
    }
}

impl<T: FromWire> FromWire for Box<T> {
    fn deserialize_wire<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize_wire(deserializer).map(Box::new)
    }
}

impl<T: ToWire> ToWire for Option<T> {
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(value) => serializer.serialize_some(&Wire(value)),
            None => serializer.serialize_none(),
        }
    }
}

impl<T: FromWire> FromWire for Option<T> {
    fn deserialize_wire<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<Wire<T>>::deserialize(deserializer).map(|value| value.map(|Wire(v)| v))
    }
}

impl<T: ToWire> ToWire for [T] {
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter().map(Wire))
    }
}

impl<T: ToWire> ToWire for Vec<T> {
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.as_slice().serialize_wire(serializer)
    }
}

impl<T: FromWire> FromWire for Vec<T> {
    fn deserialize_wire<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<Wire<T>>::deserialize(deserializer)
            .map(|items| items.into_iter().map(|Wire(v)| v).collect())
    }
}

impl<K: Serialize, V: ToWire> ToWire for BTreeMap<K, V> {
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter().map(|(k, v)| (k, Wire(v))))
    }
}

impl<K: DeserializeOwned + Ord, V: FromWire> FromWire for BTreeMap<K, V> {
    fn deserialize_wire<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        BTreeMap::<K, Wire<V>>::deserialize(deserializer)
            .map(|map| map.into_iter().map(|(k, Wire(v))| (k, v)).collect())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use time::macros::{date, datetime};

    use super::*;
    use crate::response::RawResponse;

    #[test]
    fn rfc_3339_date_times_are_read_with_their_offset() {
        let cases = [
            ("2019-08-26T07:30:00Z", datetime!(2019-08-26 07:30 UTC)),
            ("2019-08-26t07:30:00z", datetime!(2019-08-26 07:30 UTC)),
            ("2019-08-26 07:30:00Z", datetime!(2019-08-26 07:30 UTC)),
            ("2019-08-26T09:30:00+02:00", datetime!(2019-08-26 09:30 +2)),
            (
                "2019-08-26T02:00:00-05:30",
                datetime!(2019-08-26 02:00 -5:30),
            ),
        ];
        for (text, expected) in cases {
            let parsed = parse_date_time(text).unwrap();
            assert_eq!(parsed, expected, "{text}");
            assert_eq!(
                parsed.offset(),
                expected.offset(),
                "{text}: the offset is kept"
            );
        }
    }

    #[test]
    fn date_times_without_an_offset_are_utc() {
        let cases = [
            ("2019-08-26T00:00:00", datetime!(2019-08-26 0:00 UTC)),
            ("2018-06-14T00:00:00.000", datetime!(2018-06-14 0:00 UTC)),
            (
                "2018-06-14T13:45:30.1234567",
                datetime!(2018-06-14 13:45:30.1234567 UTC),
            ),
        ];
        for (text, expected) in cases {
            let parsed = parse_date_time(text).unwrap();
            assert_eq!(parsed, expected, "{text}");
            assert!(parsed.offset().is_utc(), "{text}");
        }
    }

    #[test]
    fn fractional_seconds_of_any_length() {
        let cases = [
            ("2019-08-26T07:30:00.5Z", 500_000_000),
            ("2019-08-26T07:30:00.123Z", 123_000_000),
            ("2019-08-26T07:30:00.123456Z", 123_456_000),
            // .NET writes seven digits.
            ("2019-08-26T07:30:00.1234567Z", 123_456_700),
            ("2019-08-26T07:30:00.123456789Z", 123_456_789),
            // Beyond nanoseconds the digits are dropped.
            ("2019-08-26T07:30:00.123456789987Z", 123_456_789),
            ("2019-08-26T07:30:00.9999999999", 999_999_999),
        ];
        for (text, nanos) in cases {
            assert_eq!(parse_date_time(text).unwrap().nanosecond(), nanos, "{text}");
        }
    }

    #[test]
    fn what_is_not_a_date_time_is_an_error_naming_it() {
        for text in [
            "",
            "garbage",
            "2019-08-26",
            "2019-08-26T07:30",
            "2019-13-01T00:00:00Z",
            "2019-02-30T00:00:00Z",
            "2019-08-26T25:00:00Z",
            "2019-08-26T07:30:00.Z",
            "2019-08-26T07:30:00+0200",
            "2019-08-26T07:30:00Z trailing",
            "2019-08-26T07:30:00ZZ",
        ] {
            let err = parse_date_time(text).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("{text:?} is not an RFC 3339 date-time such as 2019-08-26T07:30:00Z")
            );
        }
    }

    #[test]
    fn dates_are_read_as_dates_or_from_a_date_time() {
        assert_eq!(parse_date("2019-08-26").unwrap(), date!(2019 - 08 - 26));
        assert_eq!(
            parse_date("2019-08-26T00:00:00").unwrap(),
            date!(2019 - 08 - 26)
        );
        assert_eq!(
            parse_date("2019-08-26T00:00:00.000Z").unwrap(),
            date!(2019 - 08 - 26)
        );
        // The date as written, not as it is in UTC.
        assert_eq!(
            parse_date("2019-08-26T23:30:00-05:00").unwrap(),
            date!(2019 - 08 - 26)
        );
        for text in [
            "",
            "garbage",
            "2019-02-30",
            "2019-8-26",
            "26.08.2019",
            "2019-08-26Tx",
        ] {
            assert_eq!(
                parse_date(text).unwrap_err().to_string(),
                format!("{text:?} is not a date such as 2019-08-26")
            );
        }
    }

    #[test]
    fn written_as_rfc_3339() {
        let text = |t: OffsetDateTime| date_time_text(t).unwrap();
        assert_eq!(text(datetime!(2019-08-26 0:00 UTC)), "2019-08-26T00:00:00Z");
        assert_eq!(
            text(datetime!(2019-08-26 9:30 +2)),
            "2019-08-26T09:30:00+02:00"
        );
        assert_eq!(
            text(datetime!(2019-08-26 7:30:00.5 UTC)),
            "2019-08-26T07:30:00.5Z"
        );
        assert_eq!(
            text(datetime!(2019-08-26 7:30:00.123456789 -5:30)),
            "2019-08-26T07:30:00.123456789-05:30"
        );
        assert_eq!(date_text(date!(2019 - 08 - 26)).unwrap(), "2019-08-26");
        assert_eq!(date_text(date!(0001 - 01 - 01)).unwrap(), "0001-01-01");
        // Parameters come by value or by reference (`if let Some(value) = &self.at`).
        let at = &datetime!(2019-08-26 0:00 UTC);
        assert_eq!(date_time_text(at).unwrap(), "2019-08-26T00:00:00Z");
        let day = &date!(2019 - 08 - 26);
        assert_eq!(date_text(day).unwrap(), "2019-08-26");
    }

    #[test]
    fn what_rfc_3339_cannot_hold_is_an_error() {
        let err = date_time_text(datetime!(-0001-01-01 0:00 UTC)).unwrap_err();
        assert!(
            matches!(err, Error::Config(ref m) if m.contains("RFC 3339")),
            "{err:?}"
        );
        let err = date_time_text(datetime!(2019-08-26 0:00 +1:00:30)).unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err:?}");
        let err = date_text(date!(-0001 - 01 - 01)).unwrap_err();
        assert!(
            matches!(err, Error::Config(ref m) if m.contains("0000-9999")),
            "{err:?}"
        );
        let err = serde_json::to_string(&Wire(date!(-0001 - 01 - 01))).unwrap_err();
        assert!(err.to_string().contains("0000-9999"), "{err}");
    }

    /// A model as the generator writes it.
    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Event {
        #[serde(with = "crate::dates")]
        at: OffsetDateTime,
        #[serde(
            with = "crate::dates",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        day: Option<Date>,
        #[serde(
            with = "crate::dates",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        seen: Option<Vec<OffsetDateTime>>,
        #[serde(
            with = "crate::dates",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        by_name: Option<BTreeMap<String, Date>>,
        #[serde(with = "crate::dates")]
        holidays: Vec<Date>,
    }

    #[test]
    fn fields_of_every_shape_go_both_ways() {
        let json = r#"{"at":"2019-08-26T00:00:00","day":"2019-08-26","seen":["2019-08-26T07:30:00.1234567+02:00","2019-08-26t08:00:00z"],"by_name":{"x":"2019-08-27T00:00:00"},"holidays":[]}"#;
        let event: Event = serde_json::from_str(json).unwrap();
        assert_eq!(
            event,
            Event {
                at: datetime!(2019-08-26 0:00 UTC),
                day: Some(date!(2019 - 08 - 26)),
                seen: Some(vec![
                    datetime!(2019-08-26 07:30:00.1234567 +2),
                    datetime!(2019-08-26 08:00 UTC)
                ]),
                by_name: Some(BTreeMap::from([("x".to_string(), date!(2019 - 08 - 27))])),
                holidays: vec![],
            }
        );
        assert_eq!(
            serde_json::to_string(&event).unwrap(),
            r#"{"at":"2019-08-26T00:00:00Z","day":"2019-08-26","seen":["2019-08-26T07:30:00.1234567+02:00","2019-08-26T08:00:00Z"],"by_name":{"x":"2019-08-27"},"holidays":[]}"#
        );
        // Absent and null optional fields are `None`, and are left out again.
        let bare: Event = serde_json::from_str(
            r#"{"at":"2019-08-26T00:00:00Z","day":null,"holidays":["2019-12-25"]}"#,
        )
        .unwrap();
        assert_eq!((bare.day, &bare.seen, &bare.by_name), (None, &None, &None));
        assert_eq!(
            serde_json::to_string(&bare).unwrap(),
            r#"{"at":"2019-08-26T00:00:00Z","holidays":["2019-12-25"]}"#
        );
    }

    #[test]
    fn values_on_their_own_go_through_wire() {
        let Wire(at) =
            serde_json::from_str::<Wire<OffsetDateTime>>(r#""2019-08-26T00:00:00""#).unwrap();
        assert_eq!(at, datetime!(2019-08-26 0:00 UTC));
        let Wire(days) =
            serde_json::from_value::<Wire<Vec<Date>>>(serde_json::json!(["2019-08-26"])).unwrap();
        assert_eq!(days, vec![date!(2019 - 08 - 26)]);
        assert_eq!(
            serde_json::to_string(&Wire(&days)).unwrap(),
            r#"["2019-08-26"]"#
        );
        assert_eq!(
            serde_json::to_string(&Wire(at)).unwrap(),
            r#""2019-08-26T00:00:00Z""#
        );
        let err = serde_json::from_str::<Wire<OffsetDateTime>>("5").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("invalid type: integer `5`, expected an RFC 3339"),
            "{err}"
        );
    }

    #[test]
    fn an_untagged_variant_holding_a_date() {
        #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(untagged)]
        enum When {
            At(#[serde(with = "crate::dates")] OffsetDateTime),
            Text(String),
        }
        let at: When = serde_json::from_str(r#""2019-08-26T00:00:00""#).unwrap();
        assert_eq!(at, When::At(datetime!(2019-08-26 0:00 UTC)));
        let text: When = serde_json::from_str(r#""soon""#).unwrap();
        assert_eq!(text, When::Text("soon".into()));
        assert_eq!(
            serde_json::to_string(&at).unwrap(),
            r#""2019-08-26T00:00:00Z""#
        );
    }

    #[test]
    fn a_bad_date_in_an_answer_names_its_path() {
        #[derive(Debug, serde::Deserialize)]
        struct Page {
            #[allow(dead_code)]
            items: Vec<Event>,
        }
        let answer = |body: &'static str| RawResponse {
            status: 200,
            headers: Default::default(),
            body: body.into(),
            request_id: "r".into(),
            correlation_id: None,
            attempts: 1,
        };
        let message = |body| match answer(body).json::<Page>() {
            Err(Error::Decode { message, .. }) => message,
            other => panic!("not a decode error: {other:?}"),
        };
        let got = message(
            r#"{"items":[{"at":"2019-08-26T00:00:00Z","holidays":[]},{"at":"2019-08-26T00:00:00Z","holidays":["2019-12-25","garbage"]}]}"#,
        );
        assert!(
            got.starts_with(
                r#"items[1].holidays[1]: invalid value: string "garbage", expected a date such as 2019-08-26"#
            ),
            "{got}"
        );
        let got = message(r#"{"items":[{"at":"yesterday","holidays":[]}]}"#);
        assert!(
            got.starts_with(
                r#"items[0].at: invalid value: string "yesterday", expected an RFC 3339 date-time such as 2019-08-26T07:30:00Z"#
            ),
            "{got}"
        );
    }
}
