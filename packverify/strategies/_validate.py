"""Option checks for the public strategies: a bad option fails when the strategy is
built (at collection), not in the middle of a run — hypothesis' own convention."""

from __future__ import annotations

from typing import Any

from hypothesis.errors import InvalidArgument


def check_argument(condition: bool, message: str) -> None:
    if not condition:
        raise InvalidArgument(message)


def check_int_argument(name: str, value: Any, minimum: int = 0) -> None:
    check_argument(type(value) is int and value >= minimum, f"{name}={value!r} must be an integer >= {minimum}")


def check_bool_argument(name: str, value: Any) -> None:
    check_argument(type(value) is bool, f"{name}={value!r} must be True or False")
