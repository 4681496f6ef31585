"""The base of every generated model: construction, wire form, equality and a safe repr.

Generated classes (``_models.py``) declare their fields in ``_FIELDS``: the Python attribute
name, the name on the wire, how to convert a value each way, and whether it is a secret. This
module turns those tables into behaviour, so the generated code stays declarative.
"""

from __future__ import annotations

import enum
import uuid
from typing import Any, Callable, ClassVar, Mapping, TypeVar

__all__ = ["Field", "Model", "OpenEnum", "model", "enum_of", "list_of", "map_of", "SCALAR", "to_wire"]

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


def model(cls: type[Model]) -> Conv:
    def decode(value: Any) -> Any:
        return cls.from_dict(value) if isinstance(value, Mapping) else value

    return Conv(decode, to_wire)


def enum_of(cls: type[OpenEnum]) -> Conv:
    def decode(value: Any) -> Any:
        return cls(value) if isinstance(value, str) else value

    return Conv(decode, to_wire)


def list_of(item: Conv) -> Conv:
    def decode(value: Any) -> Any:
        return [item.decode(v) for v in value] if isinstance(value, list) else value

    def encode(value: Any) -> Any:
        return [item.encode(v) for v in value]

    return Conv(decode, encode)


def map_of(item: Conv) -> Conv:
    def decode(value: Any) -> Any:
        return {k: item.decode(v) for k, v in value.items()} if isinstance(value, Mapping) else value

    def encode(value: Any) -> Any:
        return {k: item.encode(v) for k, v in value.items()}

    return Conv(decode, encode)


class Field:
    """One attribute of a model: its Python name, wire name, conversion, and secrecy."""

    __slots__ = ("name", "wire", "conv", "secret")

    def __init__(self, name: str, wire: str, conv: Conv = SCALAR, secret: bool = False) -> None:
        self.name = name
        self.wire = wire
        self.conv = conv
        self.secret = secret


def to_wire(value: Any) -> Any:
    """Any value as JSON-ready data: models to dicts, enums to strings, UUIDs to text."""
    if isinstance(value, Model):
        return value.to_dict()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [to_wire(v) for v in value]  # type: ignore[misc]
    if isinstance(value, Mapping):
        return {str(k): to_wire(v) for k, v in value.items()}  # type: ignore[misc]
    return value


def _fold(key: str) -> str:
    """Keys compared the way the service compares them: case-insensitively, `_` ignored."""
    return key.replace("_", "").lower()


class Model:
    """A model: keyword construction, ``to_dict()`` / ``from_dict()``, ``==``, and a ``repr``
    that never shows a secret."""

    __slots__ = ()
    _FIELDS: ClassVar[tuple[Field, ...]] = ()
    # Filled lazily per class: folded key (wire or Python name) → field.
    _LOOKUP: ClassVar[dict[str, Field]]

    def to_dict(self) -> dict[str, Any]:
        """The wire form (the service's camelCase names); fields that are ``None`` are left out."""
        out: dict[str, Any] = {}
        for f in self._FIELDS:
            value = getattr(self, f.name)
            if value is not None:
                out[f.wire] = f.conv.encode(value)
        return out

    @classmethod
    def from_dict(cls: type[M], data: Mapping[str, Any]) -> M:
        """Build from a dict with wire (camelCase or PascalCase) or snake_case keys. Unknown keys
        and nulls are ignored, as the service ignores them."""
        lookup = cls.__dict__.get("_LOOKUP")
        if lookup is None:
            lookup = {}
            for f in cls._FIELDS:
                lookup[_fold(f.wire)] = f
                lookup[_fold(f.name)] = f
            cls._LOOKUP = lookup
        obj = cls.__new__(cls)
        for f in cls._FIELDS:
            object.__setattr__(obj, f.name, None)
        for key, value in data.items():
            f = lookup.get(_fold(key))
            if f is not None and value is not None:
                object.__setattr__(obj, f.name, f.conv.decode(value))
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
