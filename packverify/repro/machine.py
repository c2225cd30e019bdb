"""What this machine can vary: namespaces, libfaketime, locales, CPUs.

Each capability is probed by really using it once (a tmpfs mounted in a private
mount namespace whose listings must follow creation order; ``faketime`` must move
``time.time()``; each locale must be accepted by ``setlocale``), because "the tool
is installed" is not the same as "the variation changes what the command sees".
A missing capability becomes a reason string, reported under ``unavailable``;
nothing here raises for a missing tool. Deliberately left alone: installing
anything (docs/repro.md lists the Debian packages).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

LAUNCHER = str(Path(__file__).with_name("_launch.py"))
# ``-I`` ignores PYTHON* variables and the user site, ``-S`` skips site: the launcher
# sees none of the variations and starts in ~10 ms.
PYTHON = (sys.executable, "-I", "-S")

# Collation and number formats differ between these, and the second is not UTF-8
# (docs/contract.md §3: "collation, number format, and a non-UTF-8 encoding").
LOCALES = ("tr_TR.UTF-8", "en_US.ISO-8859-1", "fr_CH.UTF-8")
FAKETIME_PACKAGE = "faketime"
LOCALES_PACKAGE = "locales-all"

_PROBE_TIMEOUT = 30


@dataclass(frozen=True)
class Machine:
    """The probed capabilities; ``*_error`` says why one is missing."""

    namespace: tuple[str, ...] | None  # unshare prefix giving a private mount namespace
    namespace_error: str | None
    network_namespace: tuple[str, ...] | None  # the same with --net (only probed for --isolate)
    network_error: str | None
    faketime: str | None
    faketime_error: str | None
    locales: tuple[str, ...]
    cpus: tuple[int, ...]


def _run(argv, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, timeout=_PROBE_TIMEOUT, stdin=subprocess.DEVNULL,
                          **kwargs)


def _tail(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def _probe_namespace(workdir: Path, extra: tuple[str, ...]) -> tuple[tuple[str, ...] | None, str | None]:
    unshare = shutil.which("unshare")
    if unshare is None:
        return None, "unshare not found on PATH (Debian package: util-linux)"
    # As root a plain mount namespace works; otherwise a user namespace maps us to root.
    candidates = [(unshare, "--mount", *extra)] if os.geteuid() == 0 else []
    candidates.append((unshare, "--user", "--map-root-user", "--mount", *extra))
    error = "no message"
    for index, prefix in enumerate(candidates):
        target = workdir / f"probe-{len(extra)}-{index}"
        target.mkdir(parents=True, exist_ok=True)
        try:
            done = _run([*prefix, "--", *PYTHON, LAUNCHER, "--probe", str(target)])
        except (OSError, subprocess.SubprocessError) as exc:
            error = str(exc)
            continue
        if done.returncode != 0:
            error = _tail(done.stderr)
            continue
        try:
            forward, backward = json.loads(done.stdout)
        except ValueError:
            error = "unexpected probe output"
            continue
        if forward == backward:
            return None, "a private tmpfs here does not list files in creation order"
        return prefix, None
    return None, f"cannot create a private mount namespace (unshare --mount{' --net' if extra else ''}): {error}"


def _probe_faketime() -> tuple[str | None, str | None]:
    faketime = shutil.which("faketime")
    if faketime is None:
        return None, f"faketime not found on PATH (Debian package: {FAKETIME_PACKAGE})"
    code = "import time; print(int(time.time()))"
    try:
        real = int(_run([*PYTHON, "-c", code]).stdout)
        shifted = _run([faketime, "-f", "+429d", *PYTHON, "-c", code])
        moved = int(shifted.stdout) - real
    except (OSError, ValueError, subprocess.SubprocessError) as exc:
        return None, f"faketime does not work here: {exc}"
    if abs(moved - 429 * 86400) > 3600:
        return None, f"faketime did not shift the clock (moved {moved} s)"
    return faketime, None


def _probe_locales() -> tuple[str, ...]:
    # setlocale in a child: changing our own process's locale is global state.
    code = ("import json, locale, sys\nok = []\nfor name in sys.argv[1:]:\n"
            "    try:\n        locale.setlocale(locale.LC_ALL, name)\n        ok.append(name)\n"
            "    except locale.Error:\n        pass\nprint(json.dumps(ok))")
    try:
        return tuple(json.loads(_run([*PYTHON, "-c", code, *LOCALES]).stdout))
    except (OSError, ValueError, subprocess.SubprocessError):
        return ()


def probe(workdir: Path, *, isolate: bool) -> Machine:
    """Probe everything once (about 0.1 s); ``workdir`` is a scratch directory."""
    namespace, namespace_error = _probe_namespace(workdir, ())
    network, network_error = (None, None)
    if isolate:
        network, network_error = _probe_namespace(workdir, ("--net",))
    faketime, faketime_error = _probe_faketime()
    try:
        cpus = tuple(sorted(os.sched_getaffinity(0))) if hasattr(os, "sched_setaffinity") else ()
    except OSError:
        cpus = ()
    return Machine(namespace=namespace, namespace_error=namespace_error, network_namespace=network,
                   network_error=network_error, faketime=faketime, faketime_error=faketime_error,
                   locales=_probe_locales(), cpus=cpus)
