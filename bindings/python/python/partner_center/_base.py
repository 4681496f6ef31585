"""The base of every generated model: construction, wire form, equality and a safe repr.

Generated classes (``_models.py``) declare their fields in ``_FIELDS``: the Python attribute
name, the name on the wire, how to convert a value each way, and whether it is a secret. This
module turns those tables into behaviour, so the generated code stays declarative.

Dates: a ``format: date-time`` field is a timezone-aware ``datetime.datetime``, a ``format: date``
field a ``datetime.date``. Answers carry RFC 3339 text (the Rust client has already read what the
service wrote, leniently: a date-time without an offset is UTC), which becomes an aware datetime
(microseconds: further digits are dropped). Going out, a datetime is written in ISO 8601 / RFC
3339; a naive one (no ``tzinfo``) is taken as UTC, as the service reads a date-time without an
offset. A date is written ``YYYY-MM-DD`` (a datetime given for a date: the date it shows). Text in
place of a date passes through unchanged, and the Rust client rejects it if it is not one.
"""

from __future__ import annotations

import datetime
import enum
import re
import uuid
from collections.abc import Mapping
from typing import Any, Callable, ClassVar, TypeVar, cast

__all__ = [
    "DATE",
    "DATE_TIME",
    "SCALAR",
    "Field",
    "Model",
    "OpenEnum",
    "define_fields",
    "dict_to_wire",
    "enum_of",
    "list_of",
    "map_of",
    "model",
    "to_wire",
]

M = TypeVar("M", bound="Model")


class Conv:
    """How one field's value goes to the wire and comes back."""

    __slots__ = ("decode", "encode")

    def __init__(self, decode: Callable[[Any], Any], encode: Callable[[Any], Any]) -> None:
        self.decode = decode
        self.encode = encode


def _same(value: Any) -> Any:
    return value


SCALAR = Conv(_same, _same)


_DATE_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})?"
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date_time(text: str) -> datetime.datetime:
    """An RFC 3339 date-time as an aware datetime; without an offset, UTC. ``ValueError`` if not one."""
    match = _DATE_TIME.fullmatch(text)
    try:
        if match is None:
            raise ValueError
        year, month, day, hour, minute, second, fraction, offset = match.groups()
        micro = int((fraction or "")[:6].ljust(6, "0"))
        tz = datetime.timezone.utc
        if offset is not None and offset not in ("Z", "z"):
            delta = datetime.timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
            tz = datetime.timezone(-delta if offset[0] == "-" else delta)
        return datetime.datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tzinfo=tz
        )
    except ValueError:  # no match, or a field out of range (month 13, second 60)
        raise ValueError(f"{text!r} is not an RFC 3339 date-time such as 2019-08-26T07:30:00Z") from None


def parse_date(text: str) -> datetime.date:
    """A ``YYYY-MM-DD`` date, or the date a date-time shows. ``ValueError`` if neither."""
    try:
        if _DATE.fullmatch(text):
            return datetime.date(int(text[:4]), int(text[5:7]), int(text[8:10]))
        return parse_date_time(text).date()
    except ValueError:
        raise ValueError(f"{text!r} is not a date such as 2019-08-26") from None


def date_time_text(value: datetime.datetime) -> str:
    """RFC 3339 (UTC as ``Z``); a naive datetime is taken as UTC."""
    if value.utcoffset() is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def date_text(value: datetime.date) -> str:
    """``YYYY-MM-DD``; for a datetime, the date it shows."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    return value.isoformat()


def _decode_date_time(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return parse_date_time(value)
        except ValueError:
            return value  # kept as given: the Rust client reports it, at its path
    return value


def _encode_date_time(value: Any) -> Any:
    return date_time_text(value) if isinstance(value, datetime.datetime) else value


def _decode_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return parse_date(value)
        except ValueError:
            return value
    return value


def _encode_date(value: Any) -> Any:
    return date_text(value) if isinstance(value, datetime.date) else value


#: ``format: date-time``: an aware ``datetime.datetime`` here, RFC 3339 on the wire.
DATE_TIME = Conv(_decode_date_time, _encode_date_time)
#: ``format: date``: a ``datetime.date`` here, ``YYYY-MM-DD`` on the wire.
DATE = Conv(_decode_date, _encode_date)


def model(cls: type[Model]) -> Conv:
    from_dict = cls.from_dict

    def decode(value: Any) -> Any:
        # `dict` first: decoded JSON is always one, and the Mapping ABC check is slow.
        if type(value) is dict or isinstance(value, Mapping):
            return from_dict(cast("Mapping[str, Any]", value))
        return value

    def encode(value: Any) -> Any:
        if isinstance(value, Model):
            return type(value)._to_wire(value)  # pyright: ignore[reportPrivateUsage] (this module's own)
        # A dict where the model goes (in a dict body, or set on a model's field): its keys become
        # the model's wire names, and keys it does not know stay as given.
        if isinstance(value, Mapping):
            return dict_to_wire(cls, cast("Mapping[Any, Any]", value))
        return to_wire(value)

    return Conv(decode, encode)


def enum_of(cls: type[OpenEnum]) -> Conv:
    def decode(value: Any) -> Any:
        return cls(value) if isinstance(value, str) else value

    return Conv(decode, to_wire)


def list_of(item: Conv) -> Conv:
    item_decode = item.decode

    def decode(value: Any) -> Any:
        if not isinstance(value, list):
            return value
        return [item_decode(v) for v in cast("list[Any]", value)]

    def encode(value: Any) -> Any:
        return [item.encode(v) for v in cast("list[Any]", value)]

    return Conv(decode, encode)


def map_of(item: Conv) -> Conv:
    def decode(value: Any) -> Any:
        if not isinstance(value, Mapping):
            return value
        return {k: item.decode(v) for k, v in cast("Mapping[str, Any]", value).items()}

    def encode(value: Any) -> Any:
        return {k: item.encode(v) for k, v in cast("Mapping[str, Any]", value).items()}

    return Conv(decode, encode)


class Field:
    """One attribute of a model: its Python name, wire name, conversion, and secrecy."""

    __slots__ = ("conv", "name", "secret", "wire")

    def __init__(self, name: str, wire: str, conv: Conv = SCALAR, secret: bool = False) -> None:
        self.name = name
        self.wire = wire
        self.conv = conv
        self.secret = secret


def to_wire(value: Any) -> Any:
    """Any value as JSON-ready data: models to dicts, enums to strings, UUIDs and dates to text."""
    if isinstance(value, Model):
        return value.to_dict()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime.datetime):
        return date_time_text(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [to_wire(v) for v in cast("list[Any]", value)]
    if isinstance(value, Mapping):
        return {str(k): to_wire(v) for k, v in cast("Mapping[Any, Any]", value).items()}
    return value


def dict_to_wire(cls: type[Model], data: Mapping[Any, Any]) -> dict[str, Any]:
    """A dict given for model ``cls`` in its wire form: keys the model knows (its wire names, its
    snake_case names, compared as ``from_dict`` compares them) become its wire names, at every
    depth; keys it does not know are kept as given, so the Rust client can refuse them (validation
    on: an error at their path naming the closest known member) or send them (validation off).
    Known members that are ``None`` are left out, as ``to_dict`` leaves them out."""
    fields = cls._FIELD_OF  # pyright: ignore[reportPrivateUsage] (this module's own table)
    out: dict[str, Any] = {}
    for key, value in data.items():
        field = _field_for(fields, key)
        if field is None:
            out[str(key)] = to_wire(value)  # unknown: as given
        elif value is not None:
            out[field.wire] = to_wire(value) if field.conv is SCALAR else field.conv.encode(value)
    return out


def define_fields(cls: type[Model], *fields: Field) -> None:
    """Give a generated class its field table, and the key lookup ``from_dict`` uses.

    Called once per class at import, after every class exists (a table may name a class that
    is defined further down the module).
    """
    field_of: dict[str, Field] = {}
    for f in fields:
        # Exact names first hit without folding (the service sends its own camelCase).
        for key in (f.wire, f.name, _fold(f.wire), _fold(f.name)):
            field_of[key] = f
    setattr(cls, "_FIELDS", fields)  # noqa: B010 (set from outside the class, by design)
    setattr(cls, "_NAMES", tuple(f.name for f in fields))  # noqa: B010
    setattr(cls, "_FIELD_OF", field_of)  # noqa: B010
    setattr(cls, "_WIRE_KEYS", frozenset(f.wire for f in fields))  # noqa: B010
    setattr(cls, "_from_wire", _wire_decoder(cls, fields))  # noqa: B010
    setattr(cls, "_to_wire", _wire_encoder(fields))  # noqa: B010


def _wire_decoder(cls: type[Model], fields: tuple[Field, ...]) -> Callable[[dict[str, Any]], Any]:
    """A decoder specialised to one class, for dicts whose keys are all exact wire names: what the
    service answers. Straight-line code, one `get` and one store per field, instead of the general
    loop of ``from_dict``; compiled once at import, the way ``dataclasses`` builds ``__init__``.
    The result is the same as ``from_dict``'s: nulls and absent members become ``None``."""
    env: dict[str, Any] = {"new": cls.__new__, "cls": cls}
    lines = ["def decode(data):", "    obj = new(cls)", "    get = data.get"]
    for i, f in enumerate(fields):
        if f.conv is SCALAR:
            lines.append(f"    obj.{f.name} = get({f.wire!r})")
        else:
            env[f"decode_{i}"] = f.conv.decode
            lines.append(f"    value = get({f.wire!r})")
            lines.append(f"    obj.{f.name} = None if value is None else decode_{i}(value)")
    lines.append("    return obj")
    exec("\n".join(lines), env)  # noqa: S102 (source built above from the class's own field table)
    return env["decode"]


def _wire_encoder(fields: tuple[Field, ...]) -> Callable[[Any], dict[str, Any]]:
    """``to_dict`` specialised to one class, built like ``_wire_decoder``: one read and one test per
    field, and the field's own converter called directly (a request body is encoded on every call)."""
    env: dict[str, Any] = {}
    lines = ["def encode(obj):", "    out = {}"]
    for i, f in enumerate(fields):
        lines.append(f"    value = obj.{f.name}")
        if f.conv is SCALAR:
            lines.append(f"    if value is not None: out[{f.wire!r}] = value")
        else:
            env[f"encode_{i}"] = f.conv.encode
            lines.append(f"    if value is not None: out[{f.wire!r}] = encode_{i}(value)")
    lines.append("    return out")
    exec("\n".join(lines), env)  # noqa: S102 (source built above from the class's own field table)
    return env["encode"]


_set = object.__setattr__


def _fold(key: str) -> str:
    """Keys compared the way the service compares them: case-insensitively, `_` ignored."""
    return key.replace("_", "").lower()


def _field_for(fields: Mapping[str, Field], key: object) -> Field | None:
    """The field a dict key names, by its exact wire or Python name or else folded."""
    if not isinstance(key, str):
        return None
    return fields.get(key) or fields.get(_fold(key))


class Model:
    """A model: keyword construction, ``to_dict()`` / ``from_dict()``, ``==``, and a ``repr``
    that never shows a secret."""

    __slots__ = ()
    _FIELDS: ClassVar[tuple[Field, ...]] = ()
    _NAMES: ClassVar[tuple[str, ...]] = ()
    _WIRE_KEYS: ClassVar[frozenset[str]] = frozenset()
    _from_wire: ClassVar[Callable[[dict[str, Any]], Any]]
    _to_wire: ClassVar[Callable[[Any], dict[str, Any]]]
    # Wire or Python name, as is and folded → its field (`from_dict`, `dict_to_wire`); set with
    # the table by `define_fields`.
    _FIELD_OF: ClassVar[dict[str, Field]] = {}

    def to_dict(self) -> dict[str, Any]:
        """The wire form (the service's camelCase names); fields that are ``None`` are left out."""
        return type(self)._to_wire(self)

    @classmethod
    def from_dict(cls: type[M], data: Mapping[str, Any]) -> M:  # noqa: PYI019 (typing.Self is 3.11+)
        """Build from a dict with wire (camelCase or PascalCase) or snake_case keys. Unknown keys
        and nulls are ignored, as the service ignores them."""
        if isinstance(data, dict) and data.keys() <= cls._WIRE_KEYS:
            return cls._from_wire(data)  # every answer of the service takes this path
        fields = cls._FIELD_OF
        obj = cls.__new__(cls)
        for name in cls._NAMES:
            _set(obj, name, None)
        for key, value in data.items():
            field = None if value is None else _field_for(fields, key)
            if field is not None:
                _set(obj, field.name, value if field.conv is SCALAR else field.conv.decode(value))
        return obj

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in self._FIELDS)

    def __hash__(self) -> int:  # mutable: not hashable, like a dataclass with eq
        raise TypeError(f"unhashable type: '{type(self).__name__}'")

    def __repr__(self) -> str:
        parts: list[str] = []
        for f in self._FIELDS:
            value = getattr(self, f.name)
            if value is None:
                continue
            parts.append(f"{f.name}={'[redacted]' if f.secret else repr(value)}")
        return f"{type(self).__name__}({', '.join(parts)})"


class OpenEnum(str, enum.Enum):
    """A string enum that keeps values it does not list (the service adds values over time)."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member

    def __str__(self) -> str:
        return str(self.value)

    @property
    def is_known(self) -> bool:
        """Whether the spec lists this value."""
        return self._name_ in type(self).__members__
