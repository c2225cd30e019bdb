"""Configuration: ``[tool.packverify]`` in ``pyproject.toml``, or a ``--config`` file.

Found as ruff and check-jsonschema find theirs: the nearest ``pyproject.toml`` with a
``[tool.packverify]`` table, from the current directory upward (a ``pyproject.toml``
without the table is passed over). ``--config FILE`` names one instead: a
``pyproject.toml`` (its ``[tool.packverify]`` table) or any other TOML file (the whole
file is the table). Every setting is validated against the vendored JSON Schema
``packverify/data/config.schema.json`` before anything runs: an unknown key or a bad
value is a :class:`ConfigError` naming the file and the key (exit 2).

Leaves alone: what a setting does (the commands) and precedence — a command-line
option always wins over the setting of the same name (the commands apply that).
"""

from __future__ import annotations

import difflib
import json
import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema_rs

from packverify.pointer import to_pointer

TABLE = "tool.packverify"


class ConfigError(Exception):
    """The configuration cannot be read or is invalid; the message names file and key."""


@dataclass(frozen=True)
class Config:
    """Validated settings and the file they came from (``None``: no configuration)."""

    source: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.settings.get(key, default)


def config_schema() -> dict:
    """The JSON Schema of the settings (packverify/data/config.schema.json)."""
    return json.loads(resources.files("packverify").joinpath("data", "config.schema.json").read_text("utf-8"))


@lru_cache(maxsize=1)
def _validator():
    return jsonschema_rs.Draft202012Validator(config_schema())


def find_config(start: str | os.PathLike | None = None) -> Path | None:
    """The nearest ``pyproject.toml`` with a ``[tool.packverify]`` table, from ``start``
    (default: the current directory) upward; ``None`` when there is none."""
    here = Path(start if start is not None else os.getcwd()).resolve()
    for directory in (here, *here.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            try:
                if "packverify" in _read_toml(candidate).get("tool", {}):
                    return candidate
            except ConfigError:
                # A broken pyproject.toml is ours to report only when it means to configure us.
                if "tool.packverify" in candidate.read_text(encoding="utf-8", errors="replace"):
                    raise
                continue
    return None


def load_config(path: str | os.PathLike | None = None, *, start: str | os.PathLike | None = None) -> Config:
    """The settings from ``path`` (``--config``) or, without one, from :func:`find_config`."""
    if path is None:
        found = find_config(start)
        if found is None:
            return Config()
        path = found
    path = Path(path)
    document = _read_toml(path)
    if path.name == "pyproject.toml":
        settings = document.get("tool", {}).get("packverify")
        if settings is None:
            raise ConfigError(f"{path}: no [{TABLE}] table")
        where = f"{path}: [{TABLE}]"
    else:
        settings, where = document, str(path)
    validate_settings(settings, where)
    return Config(str(path), dict(settings))


def validate_settings(settings: Any, where: str) -> None:
    """Raise :class:`ConfigError` naming the first bad key (every one, in key order)."""
    problems = []
    for error in _validator().iter_errors(settings):
        path = list(error.instance_path)
        kind = type(error.kind).__name__
        if kind == "AdditionalProperties":
            known = sorted(config_schema()["properties"])
            for key in sorted(getattr(error.kind, "unexpected", []) or []):
                close = difflib.get_close_matches(key, known, n=1)
                problems.append(f"unknown key {key!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
                                + f"; keys: {', '.join(known)}")
        else:
            key = ".".join(str(p) for p in path) or "(the table)"
            problems.append(f"{key}: {error.message} (at {to_pointer(path) or '/'})")
    if problems:
        raise ConfigError(f"{where}: " + "; ".join(sorted(problems)))


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: no such file") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
