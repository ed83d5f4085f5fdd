"""A small typed-schema checker for YAML data, driven by frozen dataclasses.

A schema is a frozen dataclass whose field types say what is allowed and whose
`metadata` carries the documentation (`doc`) and constraints (`min`, `max`, `choices`,
`check`). `coerce()` turns a parsed YAML mapping into an instance, collecting every
problem (with its dotted key and line) instead of stopping at the first.
"""

from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from collections.abc import Callable
from typing import Any

import yaml

Check = Callable[[Any], str | None]
"""A custom check: returns an error text (`expected ...`) or None when the value is fine."""


def doc(text: str, **constraints: Any) -> dict[str, Any]:
    """Field metadata: documentation plus optional `min`, `max`, `choices`, `check`."""
    return {"doc": text, **constraints}


@dataclasses.dataclass(frozen=True, slots=True)
class Problem:
    """One schema violation, located by dotted key and line."""

    key: str
    line: int | None
    message: str


def key_lines(text: str) -> dict[str, int]:
    """Map every dotted key path (`feeds.size`, `outlets.0.name`) to its 1-based line."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    lines: dict[str, int] = {}
    _walk_lines(root, "", lines)
    return lines


def duplicate_keys(text: str) -> list[Problem]:
    """Keys given twice in one mapping: PyYAML silently keeps the last, we refuse."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    found: list[Problem] = []
    _walk_duplicates(root, "", found)
    return found


def _walk_lines(node: yaml.Node | None, prefix: str, lines: dict[str, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            path = f"{prefix}{key_node.value}"
            lines.setdefault(path, key_node.start_mark.line + 1)
            _walk_lines(value_node, path + ".", lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines.setdefault(f"{prefix}{index}", item.start_mark.line + 1)
            _walk_lines(item, f"{prefix}{index}.", lines)


def _walk_duplicates(node: yaml.Node | None, prefix: str, found: list[Problem]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            path = f"{prefix}{key_node.value}"
            if key_node.value in seen:
                found.append(Problem(path, key_node.start_mark.line + 1, "key given twice"))
            seen.add(key_node.value)
            _walk_duplicates(value_node, path + ".", found)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk_duplicates(item, f"{prefix}{index}.", found)


def did_you_mean(word: str, choices: typing.Iterable[str]) -> str:
    """` (did you mean 'x'?)` for the closest choice, or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def coerce(
    cls: type[Any], data: Any, lines: dict[str, int], prefix: str = ""
) -> tuple[Any, list[Problem]]:
    """Build a `cls` instance from `data`, returning it (or defaults) and every problem."""
    problems: list[Problem] = []
    value = _coerce_dataclass(cls, data, prefix, lines, problems)
    return value, problems


def _coerce_dataclass(
    cls: type[Any], data: Any, prefix: str, lines: dict[str, int], problems: list[Problem]
) -> Any:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        where = prefix.rstrip(".") or "(top level)"
        problems.append(Problem(where, lines.get(where), f"expected a mapping, got {_show(data)}"))
        data = {}
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    names = {_yaml_name(f): f for f in fields.values()}
    for key in data:
        if str(key) not in names:
            path = f"{prefix}{key}"
            hint = did_you_mean(str(key), names)
            problems.append(Problem(path, lines.get(path), f"unknown key{hint}"))
    values: dict[str, Any] = {}
    for yaml_name, fld in names.items():
        path = f"{prefix}{yaml_name}"
        if yaml_name not in data:
            if _required(fld):
                problems.append(
                    Problem(path, lines.get(prefix.rstrip(".")), "required key missing")
                )
            continue
        values[fld.name] = _coerce_value(
            hints[fld.name], fld.metadata, data[yaml_name], path, lines, problems
        )
    try:
        return cls(**values)
    except TypeError:  # a required key was missing; the problem is already recorded
        return None


def _yaml_name(fld: dataclasses.Field[Any]) -> str:
    return str(fld.metadata.get("yaml", fld.name))


def _required(fld: dataclasses.Field[Any]) -> bool:
    return fld.default is dataclasses.MISSING and fld.default_factory is dataclasses.MISSING


def _coerce_value(
    hint: Any, meta: Any, value: Any, path: str, lines: dict[str, int], problems: list[Problem]
) -> Any:
    start = len(problems)
    result = _coerce_type(hint, value, path, lines, problems)
    if len(problems) == start:
        message = _constraint_error(meta, result)
        if message:
            problems.append(Problem(path, lines.get(path), f"{message}, got {_show(value)}"))
    return result


def _coerce_type(
    hint: Any, value: Any, path: str, lines: dict[str, int], problems: list[Problem]
) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _coerce_type(inner, value, path, lines, problems)
    if origin is tuple:
        return _coerce_sequence(args[0], value, path, lines, problems)
    if origin is dict or hint is dict:
        return _coerce_mapping(args[1] if args else Any, value, path, lines, problems)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _coerce_dataclass(hint, value, path + ".", lines, problems)
    return _coerce_scalar(hint, value, path, lines, problems)


def _coerce_sequence(
    item: Any, value: Any, path: str, lines: dict[str, int], problems: list[Problem]
) -> Any:
    if isinstance(value, str) and item is str:
        value = [value]  # a single string where a list is expected is a list of one
    if not isinstance(value, list):
        problems.append(Problem(path, lines.get(path), f"expected a list, got {_show(value)}"))
        return ()
    return tuple(_coerce_type(item, v, f"{path}.{i}", lines, problems) for i, v in enumerate(value))


def _coerce_mapping(
    item: Any, value: Any, path: str, lines: dict[str, int], problems: list[Problem]
) -> Any:
    if not isinstance(value, dict):
        problems.append(Problem(path, lines.get(path), f"expected a mapping, got {_show(value)}"))
        return {}
    if item is Any:
        return dict(value)
    return {str(k): _coerce_type(item, v, f"{path}.{k}", lines, problems) for k, v in value.items()}


_SCALARS: dict[Any, tuple[tuple[type, ...], str]] = {
    str: ((str,), "a string"),
    int: ((int,), "an integer"),
    float: ((int, float), "a number"),
    bool: ((bool,), "true or false"),
}


def _coerce_scalar(
    hint: Any, value: Any, path: str, lines: dict[str, int], problems: list[Problem]
) -> Any:
    if hint is Any:
        return value
    accepted, name = _SCALARS[hint]
    is_bool_posing = isinstance(value, bool) and hint is not bool
    if not isinstance(value, accepted) or is_bool_posing:
        problems.append(Problem(path, lines.get(path), f"expected {name}, got {_show(value)}"))
        return None
    return float(value) if hint is float and isinstance(value, int | float) else value


def _constraint_error(meta: Any, value: Any) -> str | None:
    if value is None:
        return None
    low, high = meta.get("min"), meta.get("max")
    if (low is not None and value < low) or (high is not None and value > high):
        kind = "an integer" if isinstance(value, int) else "a number"
        bounds = f">= {low}" if high is None else f"from {low} to {high}"
        return f"expected {kind} {bounds}"
    choices = meta.get("choices")
    if choices is not None and value not in choices:
        return "expected one of " + ", ".join(repr(c) for c in choices)
    check: Check | None = meta.get("check")
    return check(value) if check else None


def _show(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)
