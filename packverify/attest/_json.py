"""Strict JSON reading for attestations: UTF-8, no duplicate keys, no NaN/Infinity.

A duplicate key is refused rather than resolved: two readers that keep different
duplicates would see different statements under one signature.
"""

from __future__ import annotations

import json
from typing import Any

from packverify.attest.errors import Refused


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def strict_loads(data: bytes, *, check: str, what: str) -> Any:
    """Parse ``data`` or raise :class:`Refused` under ``check``."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(check, f"{what} is not UTF-8 (byte {exc.start})") from None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except ValueError as exc:  # JSONDecodeError is a ValueError
        raise Refused(check, f"{what} is not valid JSON: {exc}") from None
