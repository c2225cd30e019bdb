"""The variations of ``packverify repro``: the one place each is defined.

Every variation (docs/contract.md §3 table, after reprotest's) has a value per varied
run: run-1 and the control get value 0, run-k gets value k-1 (cycling through the
non-first values when there are more runs than values), and a single-variation
probe gets a varied run's value while everything else stays at the control's.
Each value is applied to a :class:`Plan` — the description of one run that
workspace.py turns into a real copy, environment and process.

A variation that is not varied is left as inherited, except those that always
need some value (``path``, ``cwd``, ``order``) and ``hashseed``, which is held at
value 0 so that Python's per-process hash randomisation is only reported when
``hashseed`` is varied. Deliberately left alone: the kernel, the user and group,
the host name and ASLR (reprotest varies them with root-only or VM-only tricks).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from packverify.repro.machine import LOCALES, LOCALES_PACKAGE, Machine
from packverify.repro.results import ReproError

WORK = "<work>"  # how reports show the directory runs see (never a random name)


@dataclass
class Plan:
    """What one run looks like; paths are relative to the run's work directory ``<work>``."""

    copy: str  # where the repository copy lives
    cwd: str | None = None  # where the command starts; None = the copy's root
    order: str = "sorted"  # creation order of the copy's entries
    home: str | None = None  # None = HOME as inherited
    env: dict[str, str] = field(default_factory=dict)  # set on top of the base environment
    umask: int | None = None  # None = as inherited
    cpus: tuple[int, ...] | None = None  # None = as inherited
    clock_shift_days: int = 0  # > 0: the command runs under faketime


@dataclass(frozen=True)
class VariationContext:
    """What values may depend on: the machine and the repository's directory name."""

    machine: Machine
    repo_name: str


@dataclass(frozen=True)
class Variation:
    name: str
    changes: str  # what changes between runs (docs/contract.md §3 wording)
    value: Callable[[VariationContext, int], Any]  # value k (0 = run-1 and the control)
    apply: Callable[[Plan, Any], None]
    show: Callable[[Any], str]  # a deterministic rendering for reports
    unavailable: Callable[[VariationContext], str | None] = lambda ctx: None
    hold: bool = False  # not varied: held at value 0 instead of left as inherited


def _cycle(values: Callable[[VariationContext], tuple]) -> Callable[[VariationContext, int], Any]:
    """Value 0, then the others in turn: run-k never repeats the control's value."""

    def value(ctx: VariationContext, k: int) -> Any:
        options = values(ctx)
        return options[0] if k == 0 else options[1 + (k - 1) % (len(options) - 1)]

    return value


def _fs(rel: str) -> str:
    return f"{WORK}/{rel}"


# -- path: the directory the copy lives in (another depth and name; the repository's own
# name is kept, since a packer recording it is reproducible for the same checkout).
def _path_value(ctx: VariationContext, k: int) -> str:
    return f"build/{ctx.repo_name}" if k == 0 else "/".join([f"v{k}", *["sub"] * k, ctx.repo_name])


def _path_apply(plan: Plan, value: str) -> None:
    plan.copy = value


# -- cwd: the copy's root, or a directory outside it.
def _cwd_apply(plan: Plan, value: str | None) -> None:
    plan.cwd = value


# -- order: the copy is created on a private tmpfs, whose listings are in reverse creation order.
def _order_value(ctx: VariationContext, k: int) -> str:
    return ("sorted", "reversed")[k] if k < 2 else f"shuffled-{k}"


def _order_apply(plan: Plan, value: str) -> None:
    plan.order = value


def _order_unavailable(ctx: VariationContext) -> str | None:
    return ctx.machine.namespace_error if ctx.machine.namespace is None else None


# -- home
def _home_apply(plan: Plan, value: str) -> None:
    plan.home = value


# -- locale: LC_ALL and LANG (LC_ALL overrides every LC_* category).
def _locale_apply(plan: Plan, value: str) -> None:
    plan.env["LC_ALL"] = value
    plan.env["LANG"] = value


def _locale_unavailable(ctx: VariationContext) -> str | None:
    if len(ctx.machine.locales) >= 2:
        return None
    missing = [name for name in LOCALES if name not in ctx.machine.locales]
    return f"needs two of {', '.join(LOCALES)}; not installed: {', '.join(missing)} (Debian package: {LOCALES_PACKAGE})"


# -- tz: 26 hours apart, so every local date differs; POSIX spellings need no tzdata.
_ZONES = ("Etc/GMT-14", "Etc/GMT+12", "Asia/Kathmandu", "America/St_Johns")
_POSIX_ZONES = ("<+14>-14", "<-12>+12", "<+0545>-5:45", "<-0330>+3:30")


def _zones(ctx: VariationContext) -> tuple[str, ...]:
    tzdir = os.environ.get("TZDIR", "/usr/share/zoneinfo")
    return _ZONES if all(os.path.isfile(os.path.join(tzdir, z)) for z in _ZONES) else _POSIX_ZONES


def _tz_apply(plan: Plan, value: str) -> None:
    plan.env["TZ"] = value


# -- umask
def _umask_apply(plan: Plan, value: int) -> None:
    plan.umask = value


# -- time: libfaketime shifts the wall clock by whole days (reprotest uses +429 days).
def _time_value(ctx: VariationContext, k: int) -> int:
    return 429 * k


def _time_apply(plan: Plan, days: int) -> None:
    plan.clock_shift_days = days


def _time_unavailable(ctx: VariationContext) -> str | None:
    return ctx.machine.faketime_error if ctx.machine.faketime is None else None


# -- hashseed
def _hashseed_apply(plan: Plan, value: str) -> None:
    plan.env["PYTHONHASHSEED"] = value


# -- cpus: all the CPUs we may use, then one at a time.
def _cpus_value(ctx: VariationContext, k: int) -> tuple[int, ...]:
    cpus = ctx.machine.cpus
    return cpus if k == 0 else (cpus[(k - 1) % len(cpus)],)


def _cpus_apply(plan: Plan, value: tuple[int, ...]) -> None:
    plan.cpus = value


def _cpus_unavailable(ctx: VariationContext) -> str | None:
    if len(ctx.machine.cpus) < 2:
        return "only one CPU is available to this process (or no sched_setaffinity)"
    return None


# -- env: variables no packer should read (reprotest's CAPTURE_ENVIRONMENT among them).
def _env_value(ctx: VariationContext, k: int) -> dict[str, str]:
    if k == 0:
        return {}
    return {"CAPTURE_ENVIRONMENT": "i_capture_the_environment", "PACKVERIFY_REPRO_UNRELATED": f"value-{k}"}


def _env_apply(plan: Plan, value: dict[str, str]) -> None:
    plan.env.update(value)


VARIATIONS: dict[str, Variation] = {v.name: v for v in (
    Variation("path", "the directory the copy lives in", _path_value, _path_apply, _fs, hold=True),
    Variation("cwd", "the directory the command is started from (inside the copy or elsewhere)",
              lambda ctx, k: None if k == 0 else f"elsewhere-{k}", _cwd_apply,
              lambda v: "the copy's root" if v is None else _fs(v), hold=True),
    Variation("order", "files created in another order, so directory listings differ", _order_value, _order_apply,
              str, _order_unavailable, hold=True),
    Variation("home", "HOME", lambda ctx, k: f"home-{k + 1}", _home_apply, _fs),
    Variation("locale", "collation, number format, and a non-UTF-8 encoding",
              _cycle(lambda ctx: ctx.machine.locales), _locale_apply, str, _locale_unavailable),
    Variation("tz", "TZ", _cycle(_zones), _tz_apply, str),
    Variation("umask", "the umask", _cycle(lambda ctx: (0o022, 0o077, 0o002, 0o027)), _umask_apply,
              lambda v: f"{v:04o}"),
    Variation("time", "the wall clock (shifted)", _time_value, _time_apply,
              lambda d: f"+{d}d" if d else "real clock", _time_unavailable),
    Variation("hashseed", "PYTHONHASHSEED", lambda ctx, k: str(k + 1), _hashseed_apply, str, hold=True),
    Variation("cpus", "the CPUs the command may use", _cpus_value, _cpus_apply,
              lambda v: ",".join(map(str, v)), _cpus_unavailable),
    Variation("env", "extra unrelated environment variables", _env_value, _env_apply,
              lambda v: ", ".join(f"{k}={x}" for k, x in sorted(v.items())) or "none"),
)}
VARIATION_NAMES: tuple[str, ...] = tuple(VARIATIONS)


def select(spec: Iterable[str] | None) -> tuple[str, ...]:
    """Names chosen by ``--vary`` items: ``all``, names, and ``-name`` to leave one out
    (only removals = all but those). Unknown names raise :class:`ReproError`."""
    items = [item for item in (spec or ()) if item]
    chosen: set[str] = set()
    removed: set[str] = set()
    for item in items:
        negative = item.startswith("-")
        name = item[1:] if negative else item
        if name == "all":
            (removed if negative else chosen).update(VARIATION_NAMES)
            continue
        if name not in VARIATIONS:
            close = difflib.get_close_matches(name, VARIATION_NAMES, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ReproError(f"unknown variation {name!r}{hint}; variations: {', '.join(VARIATION_NAMES)}")
        (removed if negative else chosen).add(name)
    if not any(not item.startswith("-") for item in items):
        chosen = set(VARIATION_NAMES)
    return tuple(n for n in VARIATION_NAMES if n in chosen - removed)
