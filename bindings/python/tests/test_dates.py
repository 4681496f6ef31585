"""Dates in the Python models (``_base.DATE_TIME`` / ``DATE``): what answers decode to, what goes
out, and naive datetimes (taken as UTC). No emulator needed: the conversions are pure Python."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest

from partner_center._base import (
    DATE,
    DATE_TIME,
    SCALAR,
    Field,
    Model,
    define_fields,
    list_of,
    map_of,
    parse_date,
    parse_date_time,
    to_wire,
)
from partner_center._runtime import encode_body

UTC = datetime.timezone.utc


def tz(hours: int, minutes: int = 0) -> datetime.timezone:
    return datetime.timezone(datetime.timedelta(hours=hours, minutes=minutes))


class Event(Model):
    __slots__ = ("at", "by_name", "days", "extra", "on")

    at: datetime.datetime
    on: datetime.date | None
    days: list[datetime.date] | None
    by_name: dict[str, datetime.datetime] | None
    extra: Any | None

    def __init__(
        self,
        *,
        at: datetime.datetime,
        on: datetime.date | None = None,
        days: list[datetime.date] | None = None,
        by_name: dict[str, datetime.datetime] | None = None,
        extra: Any | None = None,
    ) -> None:
        self.at = at
        self.on = on
        self.days = days
        self.by_name = by_name
        self.extra = extra


define_fields(
    Event,
    Field("at", "at", DATE_TIME),
    Field("on", "on", DATE),
    Field("days", "days", list_of(DATE)),
    Field("by_name", "byName", map_of(DATE_TIME)),
    Field("extra", "extra", SCALAR),
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-08-26T07:30:00Z", datetime.datetime(2019, 8, 26, 7, 30, tzinfo=UTC)),
        ("2019-08-26t07:30:00z", datetime.datetime(2019, 8, 26, 7, 30, tzinfo=UTC)),
        ("2019-08-26T09:30:00+02:00", datetime.datetime(2019, 8, 26, 9, 30, tzinfo=tz(2))),
        ("2019-08-26T02:00:00-05:30", datetime.datetime(2019, 8, 26, 2, 0, tzinfo=tz(-5, -30))),
        # No offset: UTC, as the Rust client reads it.
        ("2019-08-26T00:00:00", datetime.datetime(2019, 8, 26, tzinfo=UTC)),
        ("2018-06-14T00:00:00.000", datetime.datetime(2018, 6, 14, tzinfo=UTC)),
        # Fractional seconds of any length; Python keeps microseconds.
        ("2019-08-26T07:30:00.5Z", datetime.datetime(2019, 8, 26, 7, 30, 0, 500000, tzinfo=UTC)),
        ("2019-08-26T07:30:00.1234567Z", datetime.datetime(2019, 8, 26, 7, 30, 0, 123456, tzinfo=UTC)),
        ("2019-08-26T07:30:00.123456789+01:00", datetime.datetime(2019, 8, 26, 7, 30, 0, 123456, tzinfo=tz(1))),
    ],
)
def test_date_times_are_aware(text: str, expected: datetime.datetime) -> None:
    parsed = parse_date_time(text)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("text", ["", "garbage", "2019-08-26", "2019-13-01T00:00:00Z", "2019-08-26T07:30:00+0200"])
def test_what_is_not_a_date_time_raises(text: str) -> None:
    with pytest.raises(ValueError, match="is not an RFC 3339 date-time"):
        parse_date_time(text)


def test_dates_and_date_times_where_a_date_belongs() -> None:
    assert parse_date("2019-08-26") == datetime.date(2019, 8, 26)
    assert parse_date("2019-08-26T23:30:00-05:00") == datetime.date(2019, 8, 26)
    with pytest.raises(ValueError, match="is not a date"):
        parse_date("2019-02-30")
    with pytest.raises(ValueError, match="is not a date"):
        parse_date("26.08.2019")


def test_an_answer_decodes_to_date_objects() -> None:
    answer = json.loads(
        '{"at":"2019-08-26T00:00:00Z","on":"2019-08-26","days":["2019-12-25"],'
        '"byName":{"x":"2019-08-26T09:30:00.5+02:00"},"extra":"2019-08-26T00:00:00Z"}'
    )
    event = Event.from_dict(answer)
    assert event.at == datetime.datetime(2019, 8, 26, tzinfo=UTC)
    assert event.at.tzinfo is not None
    assert event.on == datetime.date(2019, 8, 26)
    assert not isinstance(event.on, datetime.datetime)
    assert event.days == [datetime.date(2019, 12, 25)]
    assert event.by_name == {"x": datetime.datetime(2019, 8, 26, 9, 30, 0, 500000, tzinfo=tz(2))}
    assert event.extra == "2019-08-26T00:00:00Z"  # untyped: left as sent
    # And back: the same wire form.
    assert event.to_dict() == {
        "at": "2019-08-26T00:00:00Z",
        "on": "2019-08-26",
        "days": ["2019-12-25"],
        "byName": {"x": "2019-08-26T09:30:00.500000+02:00"},
        "extra": "2019-08-26T00:00:00Z",
    }


def test_naive_datetimes_are_taken_as_utc() -> None:
    event = Event(at=datetime.datetime(2019, 8, 26, 7, 30), on=datetime.datetime(2019, 8, 26, 23, 0, tzinfo=tz(-5)))
    wire = json.loads(encode_body(event))
    assert wire == {"at": "2019-08-26T07:30:00Z", "on": "2019-08-26"}
    # Parameters and untyped values go through the same rules.
    assert to_wire({"since": datetime.datetime(2019, 8, 26), "day": datetime.date(2019, 8, 26)}) == {
        "since": "2019-08-26T00:00:00Z",
        "day": "2019-08-26",
    }
    extra = Event(at=datetime.datetime(2019, 8, 26, tzinfo=tz(1)), extra={"when": datetime.datetime(2019, 8, 26)})
    assert json.loads(encode_body(extra)) == {"at": "2019-08-26T00:00:00+01:00", "extra": {"when": "2019-08-26T00:00:00Z"}}


def test_dicts_and_text_in_place_of_dates() -> None:
    # A dict with snake_case keys and text dates: read as dates.
    event = Event.from_dict({"at": "2019-08-26T00:00:00", "by_name": {"x": "2019-08-26T00:00:00Z"}})
    assert event.at == datetime.datetime(2019, 8, 26, tzinfo=UTC)
    # Text that is not a date is kept and sent as given: the Rust client rejects it at its path.
    odd = Event.from_dict({"at": "yesterday"})
    assert odd.at == "yesterday"  # type: ignore[comparison-overlap]
    assert json.loads(encode_body(odd)) == {"at": "yesterday"}
