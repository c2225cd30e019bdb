"""The Python half of the lock: a wheelhouse of exactly the locked wheels.

:func:`parse_lock` reads a pip-compile lock (``name==version`` with ``--hash=sha256:``
lines); :func:`download_command` fetches one wheel per package for the target Python
and platform into a cache (with network, before any build); :func:`verify` then checks
every wheel in a wheelhouse against the lock — a file whose sha256 the lock does not
list, a wheel of a package or version the lock does not name, or a package without a
wheel — and names the package. :func:`stage` hard-links exactly the locked wheels into
the build context. pip checks the same hashes again inside the build
(``--require-hashes``); checking here first gives the package's name before any image
work starts.

Deliberately left alone: sdists (the image has no compiler; every locked package has a
wheel for both Pythons, or the download says which has not).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

_REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")
_HASH = re.compile(r"--hash=sha256:([0-9a-f]{64})")


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Pin:
    name: str  # PEP 503 normalized
    version: str
    hashes: frozenset[str]


def parse_lock(text: str) -> dict[str, Pin]:
    pins: dict[str, Pin] = {}
    current: tuple[str, str] | None = None
    hashes: set[str] = set()

    def close() -> None:
        if current is not None:
            pins[current[0]] = Pin(current[0], current[1], frozenset(hashes))

    for line in text.splitlines():
        match = _REQUIREMENT.match(line)
        if match:
            close()
            current, hashes = (normalize(match.group(1)), match.group(2)), set()
        if current is not None:
            hashes.update(_HASH.findall(line))
    close()
    return pins


def wheel_name_version(filename: str) -> tuple[str, str] | None:
    """(normalized name, version) of a wheel file name, None for anything else."""
    if not filename.endswith(".whl"):
        return None
    parts = filename[:-4].split("-")
    if len(parts) < 5:
        return None
    return normalize(parts[0]), parts[1]


def platform_tags(machine: str) -> list[str]:
    """Every manylinux tag a glibc of Debian bookworm (2.36) or later runs, for ``machine``."""
    tags = [f"manylinux_2_{minor}_{machine}" for minor in range(36, 16, -1)]
    tags += [f"manylinux2014_{machine}"]
    if machine in ("x86_64", "i686"):
        tags += [f"manylinux2010_{machine}", f"manylinux1_{machine}"]
    return tags + [f"linux_{machine}"]


_MACHINE_CLAUSE = re.compile(r"""\s*platform_machine\s*==\s*["']([^"']+)["']\s*""")


def for_machine(text: str, machine: str) -> str:
    """The lock as it installs on ``machine``: a requirement whose marker names only
    machines (``platform_machine == "…" or …``, how pip-compile writes a dependency with
    wheels for some machines) and not this one is left out, hashes and all — Hyperscan
    has no Linux aarch64 wheel. Every other marker is kept for :func:`without_markers`."""
    out: list[str] = []
    keep = True
    for line in text.splitlines(keepends=True):
        if _REQUIREMENT.match(line):
            keep = _machine_marker_holds(line, machine)
        elif line[:1] not in (" ", "\t"):
            keep = True  # a comment or blank line at the left margin ends the requirement
        if keep:
            out.append(line)
    return "".join(out)


def _machine_marker_holds(line: str, machine: str) -> bool:
    marker = line.split(";", 1)[1].rstrip().rstrip("\\") if ";" in line else ""
    clauses = [_MACHINE_CLAUSE.fullmatch(c) for c in marker.split(" or ")] if marker.strip() else []
    if not clauses or not all(clauses):
        return True  # no marker, or not one of machines only
    return machine in {c.group(1) for c in clauses if c is not None}


def without_markers(text: str) -> str:
    """The lock with its environment markers dropped: pip evaluates them against the
    Python running pip, not ``--python-version``, and a lock made for one Python has only
    markers that hold for that Python (pip-compile writes them from pyproject.toml)."""
    return re.sub(r"^([A-Za-z0-9][A-Za-z0-9._-]*==[^\s;\\]+)\s*;[^\\\n]*", r"\1 ", text, flags=re.M)


def download_command(python: str, lock: Path, dest: Path, *, python_version: str, machine: str) -> list[str]:
    """``pip download`` of exactly the files of ``lock`` (see :func:`without_markers`),
    for another Python if need be."""
    abi = "cp" + python_version.replace(".", "")
    platforms = [arg for tag in platform_tags(machine) for arg in ("--platform", tag)]
    return [python, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--require-hashes",
            "--no-deps", "--only-binary=:all:", "--python-version", python_version, "--implementation", "cp",
            "--abi", abi, "--abi", "abi3", "--abi", "none", *platforms, "--dest", str(dest), "-r", str(lock)]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(pins: dict[str, Pin], wheelhouse: Path, *, lock_name: str) -> tuple[dict[str, Path], list[str]]:
    """The wheel chosen for each locked package, and every problem, each naming its package."""
    chosen: dict[str, Path] = {}
    problems: list[str] = []
    for path in sorted(wheelhouse.iterdir()):
        parsed = wheel_name_version(path.name)
        if parsed is None:
            continue
        name, version = parsed
        pin = pins.get(name)
        if pin is None or pin.version != version:
            continue  # another lock's wheel (the cache is shared by both locks' versions)
        digest = _sha256(path)
        if digest not in pin.hashes:
            problems.append(f"{name}=={version}: wheel {path.name} has sha256 {digest}, which {lock_name} "
                            f"does not list")
        else:
            chosen.setdefault(name, path)
    problems += [f"{pin.name}=={pin.version}: no wheel in the wheelhouse" for name, pin in sorted(pins.items())
                 if name not in chosen and not any(p.startswith(f"{name}=={pin.version}:") for p in problems)]
    return chosen, problems


def stage(chosen: dict[str, Path], into: Path) -> None:
    """Exactly the chosen wheels in ``into`` (hard links where the filesystem allows)."""
    into.mkdir(parents=True, exist_ok=True)
    for path in chosen.values():
        target = into / path.name
        try:
            os.link(path, target)
        except OSError:
            target.write_bytes(path.read_bytes())
