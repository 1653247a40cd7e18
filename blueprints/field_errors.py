"""Pydantic's validation errors in Chinese: which field, and what the worker should fix.

A form on the phone shows ``msg`` next to the field named by ``loc``; ``type`` stays
pydantic's machine-readable type (``missing``, ``string_too_short``…) for the program.
Bounds come from the field's own constraints, so "4–16 位" never drifts from the schema.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Any, Literal, Union, get_args, get_origin

import annotated_types as at
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo


@dataclass
class Bounds:
    min_length: int | None = None
    max_length: int | None = None
    ge: float | None = None
    le: float | None = None
    choices: tuple[Any, ...] = ()
    title: str | None = None


def _models_named(name: str) -> type[BaseModel] | None:
    stack = list(BaseModel.__subclasses__())
    while stack:
        cls = stack.pop()
        if cls.__name__ == name and cls.__module__.startswith("schemas"):
            return cls
        stack.extend(cls.__subclasses__())
    return None


def _members(annotation: Any) -> list[Any]:
    """The concrete types behind Optional / Union / Annotated."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return _members(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return [m for arg in get_args(annotation) for m in _members(arg)]
    return [annotation]


def _constraints(annotation: Any, info: FieldInfo | None, into: Bounds) -> Bounds:
    metadata = list(info.metadata) if info else []
    stack = [annotation]
    while stack:  # Annotated[str, Field(...)] aliases, possibly inside "| None"
        current = stack.pop()
        if get_origin(current) is typing.Annotated:
            inner, *extra = get_args(current)
            stack.append(inner)
            for item in extra:
                metadata.extend(item.metadata if isinstance(item, FieldInfo) else [item])
        elif get_origin(current) in (Union, types.UnionType):
            stack.extend(get_args(current))
        elif get_origin(current) is Literal:
            into.choices += get_args(current)
    for item in metadata:
        if isinstance(item, at.MinLen):
            into.min_length = item.min_length
        elif isinstance(item, at.MaxLen):
            into.max_length = item.max_length
        elif isinstance(item, at.Ge):
            into.ge = item.ge  # type: ignore[assignment]
        elif isinstance(item, at.Le):
            into.le = item.le  # type: ignore[assignment]
    if info is not None and info.title:
        into.title = info.title
    return into


def field_bounds(model: type[BaseModel] | None, loc: tuple[Any, ...]) -> Bounds:
    """Walk ``loc`` through the model (nested models, unions by tag, list indexes)."""
    annotation: Any = model
    info: FieldInfo | None = None
    for part in loc:
        if isinstance(part, int):
            members = [get_args(m)[0] for m in _members(annotation) if get_origin(m) is list and get_args(m)]
            if members:
                annotation, info = members[0], None
            continue
        found = None
        for member in _members(annotation):
            if isinstance(member, type) and issubclass(member, BaseModel) and part in member.model_fields:
                found = member.model_fields[part]
                break
        if found is None:
            continue  # a union's tag ("circle"): stay on the union
        info, annotation = found, found.annotation
    return _constraints(annotation, info, Bounds()) if info is not None else Bounds()


def _num(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _length(b: Bounds, ctx: dict[str, Any], unit: str) -> str:
    low = b.min_length if b.min_length is not None else ctx.get("min_length")
    high = b.max_length if b.max_length is not None else ctx.get("max_length")
    if low is not None and high is not None:
        return f"长度需为 {low} 位" if low == high else f"长度需为 {low}–{high} {unit}"
    if low is not None:
        return f"至少 {low} {unit}"
    return f"不能超过 {high} {unit}"


def _range(b: Bounds, ctx: dict[str, Any]) -> str:
    low = b.ge if b.ge is not None else ctx.get("ge", ctx.get("gt"))
    high = b.le if b.le is not None else ctx.get("le", ctx.get("lt"))
    if low is not None and high is not None:
        return f"需在 {_num(low)} 到 {_num(high)} 之间"
    return f"不能小于 {_num(low)}" if low is not None else f"不能大于 {_num(high)}"


def _choices(b: Bounds, ctx: dict[str, Any]) -> str:
    listed = " / ".join(str(c) for c in b.choices) if b.choices else str(
        ctx.get("expected") or ctx.get("expected_tags") or "").replace("'", "").replace(", ", " / ").replace(" or ", " / ")
    return f"需为以下之一：{listed}"


MESSAGES: dict[str, str] = {
    "missing": "必填",
    "extra_forbidden": "不支持该字段，请删除",
    "string_type": "需为文本",
    "int_type": "需为整数",
    "int_parsing": "需为整数",
    "int_from_float": "需为整数（不能有小数）",
    "float_type": "需为数字",
    "float_parsing": "需为数字",
    "bool_type": "需为 true 或 false",
    "bool_parsing": "需为 true 或 false",
    "model_type": "需为 JSON 对象",
    "model_attributes_type": "需为 JSON 对象",
    "dict_type": "需为 JSON 对象",
    "list_type": "需为数组",
    "json_invalid": "不是合法的 JSON",
    "string_pattern_mismatch": "格式不正确",
    "datetime_type": "需为 ISO 8601 时间",
    "datetime_parsing": "需为 ISO 8601 时间",
    "date_parsing": "需为日期，如 2026-01-31",
    "union_tag_not_found": "缺少 type 字段",
    "finite_number": "需为有限的数字",
    "value_error": "格式不正确",
}


def chinese_message(error: dict[str, Any], bounds: Bounds) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in ("string_too_short", "string_too_long"):
        return _length(bounds, ctx, "位")
    if kind in ("too_short", "too_long"):
        return _length(bounds, ctx, "项")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return _range(bounds, ctx)
    if kind in ("literal_error", "enum", "union_tag_invalid"):
        return _choices(bounds, ctx)
    if kind in ("value_error", "assertion_error") and ctx.get("error"):
        # our own validators raise ValueError with the Chinese text (身份证号校验位错误…)
        text = str(ctx["error"])
        if any("\u4e00" <= ch <= "\u9fff" for ch in text):
            return text
    return MESSAGES.get(kind, "格式不正确")


def field_errors(exc: ValidationError) -> list[dict[str, str]]:
    model = _models_named(exc.title)
    fields = []
    for err in exc.errors(include_url=False, include_input=False):
        loc = tuple(err["loc"])
        bounds = field_bounds(model, loc)
        name = ".".join(str(p) for p in loc)
        entry = {"loc": name, "type": err["type"], "msg": chinese_message(dict(err), bounds)}
        if bounds.title:
            entry["label"] = bounds.title
        fields.append(entry)
    return fields


def summary(fields: list[dict[str, str]]) -> str:
    """The top message: the first field by name, and how many more."""
    if not fields:
        return "提交的内容不符合要求，请检查后重试"
    first = fields[0]
    name = first["loc"] or "请求体"
    if first.get("label"):
        name = f"{first['label']}（{name}）"
    more = f"（另有 {len(fields) - 1} 处需修改）" if len(fields) > 1 else ""
    return f"{name}：{first['msg']}{more}"
