//! Copied into the crate generated from generator/tests/specs/dates.yaml as `tests/wire.rs` by
//! generator/tests/public_specs.rs: dates in parameters and bodies as a local HTTP server receives
//! them (RFC 3339, `YYYY-MM-DD`), and answers whose dates are written loosely, decoded.

mod common;

use std::collections::BTreeMap;

use common::server;
use time::macros::{date, datetime};
use x_dates::models::{Calendar, Event, Happening, When};
use x_dates::operations::ListHolidaysAnswer;
use x_dates::{Client, Error};

fn client(url: &str) -> Client {
    Client::builder().base_url(url).token("t").build().unwrap()
}

/// The path and the decoded query pairs of a request line.
fn target(line: &str) -> (String, Vec<(String, String)>) {
    let target = line.split(' ').nth(1).unwrap();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let pairs = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect();
    (path.to_string(), pairs)
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[tokio::test]
async fn date_parameters_go_out_as_rfc_3339_in_every_place() {
    let (url, seen) = server(vec![(
        200,
        "application/json",
        br#"{"start":"2019-08-26T00:00:00","days":[]}"#.to_vec(),
    )])
    .await;
    client(&url)
        .calendar()
        .get_day(date!(2019 - 08 - 26))
        .since(datetime!(2019-08-26 07:30 +2))
        .at(vec![
            datetime!(2019-08-26 0:00 UTC),
            datetime!(2019-08-26 7:30:00.25 -5:30),
        ])
        .during(vec![date!(2019 - 08 - 26), date!(2019 - 08 - 27)])
        .between(vec![date!(2019 - 12 - 24), date!(2019 - 12 - 26)])
        .as_of(datetime!(2020-01-01 0:00 UTC))
        .stamp(datetime!(2019-08-26 0:00 UTC))
        .stamps(vec![datetime!(2019-08-27 0:00 UTC)])
        .if_modified_since(datetime!(2019-08-26 07:30 UTC))
        .last_visit(date!(2019 - 08 - 25))
        .await
        .unwrap();
    let seen = seen.lock().unwrap()[0].clone();
    let (path, query) = target(&seen.line);
    assert_eq!(path, "/days/2019-08-26");
    assert_eq!(
        query,
        pairs(&[
            ("since", "2019-08-26T07:30:00+02:00"),
            ("at", "2019-08-26T00:00:00Z"),
            ("at", "2019-08-26T07:30:00.25-05:30"),
            ("during", "2019-08-26,2019-08-27"),
            ("between", "2019-12-24|2019-12-26"),
            ("as-of", "2020-01-01T00:00:00Z"),
            ("stamp", "2019-08-26T00:00:00Z"),
            ("stamps", "2019-08-27T00:00:00Z"),
        ])
    );
    assert_eq!(
        seen.header("if-modified-since"),
        Some("2019-08-26T07:30:00Z")
    );
    assert_eq!(seen.header("cookie"), Some("last-visit=2019-08-25"));
}

#[tokio::test]
async fn path_and_header_styles_write_each_date() {
    let (url, seen) = server(vec![(
        200,
        "application/json",
        br#""2019-08-26T09:00:00""#.to_vec(),
    )])
    .await;
    let end = client(&url)
        .calendar()
        .get_slot(
            datetime!(2019-08-26 07:30:00.5 UTC),
            vec![date!(2019 - 08 - 26), date!(2019 - 08 - 27)],
            vec![
                datetime!(2019-08-26 0:00 UTC),
                datetime!(2019-08-27 0:00 +1),
            ],
        )
        .await
        .unwrap();
    // A bare date-time answer without an offset: UTC.
    assert_eq!(end, datetime!(2019-08-26 09:00 UTC));
    assert!(end.offset().is_utc());
    let seen = seen.lock().unwrap()[0].clone();
    let (path, _) = target(&seen.line);
    assert_eq!(
        decode(&path),
        "/slots/2019-08-26T07:30:00.5Z.2019-08-26,2019-08-27"
    );
    assert_eq!(
        seen.header("x-windows"),
        Some("2019-08-26T00:00:00Z,2019-08-27T00:00:00+01:00")
    );
}

#[tokio::test]
async fn an_answer_with_loosely_written_dates_is_read() {
    let answer = br#"{
        "start": "2019-08-26T00:00:00",
        "end": "2019-08-26T17:00:00.1234567+02:00",
        "updated": null,
        "day": "2019-08-26T00:00:00",
        "days": ["2019-08-26", "2019-08-27"],
        "stamps": ["2018-06-14T00:00:00.000"],
        "stamp": "2019-08-26t07:30:00z",
        "byName": {"a": "2019-08-26T00:00:00Z"},
        "when": "2019-08-26T00:00:00",
        "events": [{"at": "2019-08-26T00:00:00", "happening": {"kind": "daily", "days": ["2019-08-26"], "until": "2019-09-01T00:00:00"}}]
    }"#;
    let (url, _) = server(vec![(200, "application/json", answer.to_vec())]).await;
    let calendar = client(&url)
        .calendar()
        .get_day(date!(2019 - 08 - 26))
        .await
        .unwrap();
    let midnight = datetime!(2019-08-26 0:00 UTC);
    assert_eq!(
        calendar,
        Calendar {
            start: midnight,
            end: Some(datetime!(2019-08-26 17:00:00.1234567 +2)),
            updated: None,
            day: Some(date!(2019 - 08 - 26)),
            days: vec![date!(2019 - 08 - 26), date!(2019 - 08 - 27)],
            stamps: Some(vec![datetime!(2018-06-14 0:00 UTC)]),
            stamp: Some(datetime!(2019-08-26 07:30 UTC)),
            by_name: Some(BTreeMap::from([("a".to_string(), midnight)])),
            when: Some(When::String(midnight)),
            events: Some(vec![Event {
                at: midnight,
                on: None,
                title: None,
                happening: Some(Happening::Daily {
                    days: vec![date!(2019 - 08 - 26)],
                    until: Some(date!(2019 - 09 - 01)),
                }),
            }]),
            label: None,
        }
    );
    assert_eq!(calendar.end.unwrap().offset(), time::macros::offset!(+2));
}

#[tokio::test]
async fn a_value_that_is_not_a_date_is_a_decode_error_at_its_path() {
    let (url, _) = server(vec![
        (
            200,
            "application/json",
            br#"{"start":"2019-08-26T00:00:00Z","days":[],"events":[{"at":"yesterday"}]}"#.to_vec(),
        ),
        (200, "application/json", br#""tomorrow""#.to_vec()),
    ])
    .await;
    let c = client(&url);
    let err = c
        .calendar()
        .get_day(date!(2019 - 08 - 26))
        .await
        .unwrap_err();
    let Error::Decode { message, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(
        message.starts_with(r#"events[0].at: invalid value: string "yesterday", expected an RFC 3339 date-time"#),
        "{message}"
    );
    let err = c
        .calendar()
        .get_slot(datetime!(2019-08-26 0:00 UTC), vec![], vec![])
        .await
        .unwrap_err();
    let Error::Decode { message, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(
        message.starts_with(r#"invalid value: string "tomorrow", expected an RFC 3339 date-time"#),
        "{message}"
    );
}

#[tokio::test]
async fn answers_by_status_hold_dates_too() {
    let (url, _) = server(vec![
        (200, "application/json", br#"["2019-12-25"]"#.to_vec()),
        (
            206,
            "application/json",
            br#"{"x":"2019-12-25T00:00:00"}"#.to_vec(),
        ),
    ])
    .await;
    let c = client(&url);
    assert_eq!(
        c.calendar().list_holidays().await.unwrap(),
        ListHolidaysAnswer::Ok(vec![date!(2019 - 12 - 25)])
    );
    assert_eq!(
        c.calendar().list_holidays().await.unwrap(),
        ListHolidaysAnswer::PartialContent(BTreeMap::from([(
            "x".to_string(),
            date!(2019 - 12 - 25)
        )]))
    );
}

#[tokio::test]
async fn bodies_carry_dates_as_json_form_and_multipart() {
    let event = br#"{"at":"2019-08-26T00:00:00","on":"2019-08-26"}"#.to_vec();
    let (url, seen) = server(vec![
        (204, "application/json", Vec::new()),
        (201, "application/json", event.clone()),
        (201, "application/json", event.clone()),
        (201, "application/json", event),
        (200, "application/json", br#"[]"#.to_vec()),
    ])
    .await;
    let c = client(&url);
    c.calendar()
        .put_holidays(&vec![date!(2019 - 12 - 25), date!(2019 - 12 - 26)])
        .await
        .unwrap();
    let event = Event {
        at: datetime!(2019-08-26 07:30 UTC),
        on: Some(date!(2019 - 08 - 26)),
        title: Some("t".into()),
        happening: Some(Happening::Once {
            at: datetime!(2019-08-26 09:30 +2),
        }),
    };
    let created = c.events().create_event().body(&event).await.unwrap();
    assert_eq!(created.at, datetime!(2019-08-26 0:00 UTC));
    let form = Event {
        happening: None,
        ..event.clone()
    };
    c.events()
        .create_event()
        .body(&form)
        .media_type("application/x-www-form-urlencoded")
        .await
        .unwrap();
    c.events()
        .create_event()
        .body(&form)
        .media_type("multipart/form-data")
        .await
        .unwrap();
    c.events()
        .event_at()
        .body(&datetime!(2019-08-26 07:30 UTC))
        .await
        .unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen[0].text(), r#"["2019-12-25","2019-12-26"]"#);
    assert_eq!(
        seen[1].text(),
        r#"{"at":"2019-08-26T07:30:00Z","on":"2019-08-26","title":"t","happening":{"kind":"once","at":"2019-08-26T09:30:00+02:00"}}"#
    );
    assert_eq!(
        decode(&seen[2].text()),
        "at=2019-08-26T07:30:00Z&on=2019-08-26&title=t"
    );
    let multipart = seen[3].text();
    assert!(
        multipart.contains("name=\"at\"\r\nContent-Type: text/plain\r\n\r\n2019-08-26T07:30:00Z\r\n"),
        "{multipart}"
    );
    assert!(
        multipart.contains("name=\"on\"\r\nContent-Type: text/plain\r\n\r\n2019-08-26\r\n"),
        "{multipart}"
    );
    assert_eq!(seen[4].text(), r#""2019-08-26T07:30:00Z""#);
}
