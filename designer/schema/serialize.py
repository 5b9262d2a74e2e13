"""Exact JSON round-trip of the schema model: ``schema_from_json(schema_to_json(s)) == s``."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from functools import cache
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

from designer.schema import model
from designer.schema.model import Schema

T = TypeVar("T")
FORMAT_VERSION = 1


def to_data(obj: Any) -> Any:
    """Plain JSON-able data: dataclasses become dicts (fields at their default left out)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if (
                f.default is not dataclasses.MISSING
                and value == f.default
                and not (f.name == "id" and value)
            ):
                continue
            out[f.name] = to_data(value)
        return out
    if isinstance(obj, tuple | list):
        return [to_data(v) for v in obj]
    return obj


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls, vars(model))


def _build(tp: Any, data: Any) -> Any:
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        if data is None:
            return None
        options = [a for a in get_args(tp) if a is not type(None)]
        for option in options:
            if dataclasses.is_dataclass(option) and isinstance(data, dict):
                return _build(option, data)
        return _build(options[0], data)
    if origin is tuple:
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_build(args[0], v) for v in data)
        return tuple(_build(a, v) for a, v in zip(args, data, strict=True))
    if origin is typing.Literal:
        return data
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return from_data(tp, data)
    return data


def from_data(cls: type[T], data: dict[str, Any]) -> T:
    hints = _hints(cls)  # type: ignore[arg-type]
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = set(data) - names
    if unknown:
        raise ValueError(f"Unknown field(s) for {cls.__name__}: {', '.join(sorted(unknown))}")
    kwargs = {k: _build(hints[k], v) for k, v in data.items()}
    return cls(**kwargs)


def schema_to_json(schema: Schema, *, indent: int | None = None) -> str:
    return json.dumps(
        {"format": FORMAT_VERSION, "schema": to_data(schema)},
        ensure_ascii=False,
        indent=indent,
        sort_keys=True,
    )


def schema_from_json(text: str) -> Schema:
    data = json.loads(text)
    if data.get("format") != FORMAT_VERSION:
        raise ValueError(f"Unsupported schema format {data.get('format')!r}")
    return from_data(Schema, data["schema"])
