"""Field masks: parse `a.b`, `a/b` and `a(b,c.d)` forms and apply them to replies or updates."""

from __future__ import annotations

from typing import Any

from .errors import bad_request

# A parsed mask: field name -> sub-mask; a _Whole leaf means "the whole field".
Mask = dict[str, Any]


def parse(text: str) -> Mask | None:
    """None means no mask (everything)."""
    text = (text or "").strip()
    if not text or text == "*":
        return None
    mask: Mask = {}
    pos = _parse_list(text, 0, mask)
    if pos != len(text):
        raise bad_request(f"Invalid field selection {text}")
    return mask


def _parse_list(text: str, pos: int, into: Mask) -> int:
    while pos < len(text):
        pos = _parse_path(text, pos, into)
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        break
    return pos


def _parse_path(text: str, pos: int, into: Mask) -> int:
    node = into
    while True:
        start = pos
        while pos < len(text) and text[pos] not in ".,/()":
            pos += 1
        name = text[start:pos].strip()
        if not name:
            raise bad_request(f"Invalid field selection {text}")
        if pos < len(text) and text[pos] in "./":
            existing = node.get(name)
            # A field already selected whole stays whole; parse the rest into a throwaway node.
            node = {} if _is_whole(existing) else node.setdefault(name, {})
            pos += 1
            continue
        if pos < len(text) and text[pos] == "(":
            existing = node.get(name)
            child = {} if _is_whole(existing) else node.setdefault(name, {})
            pos = _parse_list(text, pos + 1, child)
            if pos >= len(text) or text[pos] != ")":
                raise bad_request(f"Invalid field selection {text}")
            return pos + 1
        node[name] = _Whole()
        return pos


class _Whole(dict):  # type: ignore[type-arg]
    """Marks a leaf selected in full (distinct from an empty sub-mask)."""


def _is_whole(mask: Any) -> bool:
    return isinstance(mask, _Whole)


def apply(value: Any, mask: Mask | None) -> Any:
    """Keep only the masked fields of a reply (lists are masked element-wise)."""
    if mask is None or _is_whole(mask):
        return value
    if isinstance(value, list):
        return [apply(v, mask) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, sub in mask.items():
        if key in value:
            out[key] = apply(value[key], sub)
    return out


def mentions(mask: Mask | None, *path: str) -> bool:
    """Does the mask select (part of) this path?"""
    if mask is None:
        return False
    node: Any = mask
    for name in path:
        if _is_whole(node):
            return True
        if name not in node:
            return False
        node = node[name]
    return True


def update(target: dict[str, Any], source: dict[str, Any], mask: Mask | None) -> None:
    """Copy masked fields from source into target; a masked field absent from source is reset."""
    if mask is None:
        target.clear()
        target.update(source)
        return
    for key, sub in mask.items():
        if key == "*":
            target.clear()
            target.update(source)
            return
        if _is_whole(sub) or not isinstance(source.get(key, {}), dict):
            if key in source:
                target[key] = source[key]
            else:
                target.pop(key, None)
        else:
            child = target.setdefault(key, {})
            update(child, source.get(key) or {}, sub)
            if not child:
                target.pop(key, None)
