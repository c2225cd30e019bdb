"""The Debian half of the lock: mmdebstrap root filesystems and the packages in them.

:func:`mmdebstrap_command` builds a root filesystem tarball for a suite at a fixed
``SOURCE_DATE_EPOCH``, every path touched to that date (package unpack order otherwise
changes a few directory mtimes), host-specific files (hostname, resolv.conf) fixed, and
the .debs and apt lists kept in a cache outside git. Given that cache, ``offline=True``
rebuilds with no network: the kept lists (signed InRelease files) instead of
``apt-get update``, the kept .debs instead of downloads, which gives the same bytes.

:func:`package_manifest` records every installed package with its version,
architecture and the sha256 of the .deb it came from; :func:`drift` compares two such
records package by package. The mirror is live: a later build may resolve newer
packages, which is drift — reported, and fatal under ``--frozen``.

Deliberately left alone: signing keys (apt checks the InRelease signatures itself), and
which mirror: the host's apt sources when it is Debian, mmdebstrap's default otherwise.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hermetic.phases import CannotRun

HOST_SOURCES = Path("/etc/apt/sources.list.d/debian.sources")
OS_RELEASE = Path("/etc/os-release")


def sources_for(suite: str, host_sources: Path = HOST_SOURCES, os_release: Path = OS_RELEASE) -> str | None:
    """The host's deb822 Debian sources with its codename replaced by ``suite`` (so
    ``bookworm-security`` becomes ``trixie-security``), or None when the host has none
    (then mmdebstrap's default mirror, with updates and security, is used)."""
    try:
        text = host_sources.read_text(encoding="utf-8")
        release = os_release.read_text(encoding="utf-8")
    except OSError:
        return None
    match = re.search(r"^VERSION_CODENAME=(\w+)$", release, re.M)
    if not match or not re.search(r"^Suites:", text, re.M):
        return None
    host = match.group(1)

    def suites(line: re.Match) -> str:
        return line.group(1) + re.sub(rf"(?<![\w-]){re.escape(host)}(?=$|[\s-])", suite, line.group(2))

    return re.sub(r"^(Suites:)(.*)$", suites, text, flags=re.M)


@dataclass(frozen=True)
class Cache:
    """Where the .debs and apt lists of a suite are kept between builds (outside git)."""

    root: Path

    @property
    def archives(self) -> Path:
        return self.root / "archives"

    @property
    def lists(self) -> Path:
        return self.root / "lists"


def mmdebstrap_command(suite: str, tarball: Path, *, cache: Cache, installed: Path, epoch: int,
                       include: tuple[str, ...], sources: Path | None, offline: bool) -> list[str]:
    q = shlex.quote
    hooks = [
        # Reuse kept .debs (apt checks each against the signed Packages index).
        "--setup-hook=" + 'mkdir -p "$1"/var/cache/apt/archives "$1"/var/lib/apt/lists',
        "--setup-hook=" + f"sync-in {q(str(cache.archives))} /var/cache/apt/archives",
    ]
    if offline:
        hooks.append("--setup-hook=" + f"sync-in {q(str(cache.lists))} /var/lib/apt/lists")
    hooks += [
        "--customize-hook=" + f"sync-out /var/cache/apt/archives {q(str(cache.archives))}",
        "--customize-hook=" + f"sync-out /var/lib/apt/lists {q(str(cache.lists))}",
        "--customize-hook=" + (r'chroot "$1" dpkg-query -W -f="\${Package}\t\${Version}\t\${Architecture}\n" > '
                               + q(str(installed))),
        # The build host must not show: podman replaces both at run time anyway.
        "--customize-hook=" + 'echo packverify > "$1/etc/hostname"; : > "$1/etc/resolv.conf"',
        "--customize-hook=" + (f'find "$1" -path "$1/proc" -prune -o -path "$1/sys" -prune -o '
                               f"-exec touch --no-dereference --date=@{epoch} {{}} +"),
    ]
    command = ["mmdebstrap", "--mode=root", "--variant=apt", "--include=" + ",".join(include),
               "--aptopt=Apt::Install-Recommends \"false\"", "--skip=download/empty", "--skip=essential/unlink",
               *(["--skip=update"] if offline else []), *hooks, suite, str(tarball)]
    if sources is not None:
        command.append(str(sources))
    return command


def deb_filename(name: str, version: str, arch: str) -> str:
    # apt's archive names: an epoch's colon is escaped as %3a.
    return f"{name}_{version.replace(':', '%3a')}_{arch}.deb"


def package_manifest(installed: Path, archives: Path, *, suite: str, epoch: int,
                     include: tuple[str, ...]) -> dict[str, Any]:
    """Every installed package with version, architecture and the sha256 of its .deb."""
    packages: dict[str, dict[str, Any]] = {}
    missing = []
    for line in installed.read_text(encoding="utf-8").splitlines():
        name, version, arch = line.split("\t")
        deb = archives / deb_filename(name, version, arch)
        if not deb.is_file():
            missing.append(deb.name)
            continue
        data = deb.read_bytes()
        key = name if name not in packages else f"{name}:{arch}"
        packages[key] = {"version": version, "architecture": arch, "sha256": hashlib.sha256(data).hexdigest(),
                         "size": len(data)}
    if missing:
        raise CannotRun(f"{len(missing)} installed package(s) have no kept .deb (first: {missing[0]}); "
                        f"the cache {archives} is incomplete")
    return {"suite": suite, "source_date_epoch": epoch, "include": list(include),
            "packages": dict(sorted(packages.items()))}


def dumps(manifest: dict[str, Any]) -> bytes:
    return (json.dumps(manifest, indent=2, sort_keys=False, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Drift:
    package: str
    kind: str  # added | removed | version | rebuilt (same version, other bytes) | setting (suite, include, epoch)
    locked: str | None  # "version (sha256 prefix)"
    built: str | None

    def __str__(self) -> str:
        what = {"added": "is new", "removed": "is gone", "version": "changed version",
                "rebuilt": "has the same version but other bytes", "setting": "changed"}[self.kind]
        return f"{self.package} {what}: locked {self.locked or '-'}, built {self.built or '-'}"

    def to_dict(self) -> dict[str, Any]:
        return {"package": self.package, "kind": self.kind, "locked": self.locked, "built": self.built}


def _show(entry: dict[str, Any] | None) -> str | None:
    return None if entry is None else f"{entry['version']} (sha256 {entry['sha256'][:12]})"


def drift(locked: dict[str, Any] | None, built: dict[str, Any]) -> list[Drift]:
    """Package by package, how ``built`` differs from the committed ``locked`` record
    (every package counts as added when there is no record yet)."""
    old = (locked or {}).get("packages", {})
    new = built["packages"]
    out = []
    for name in sorted(set(old) | set(new)):
        a, b = old.get(name), new.get(name)
        if a is None:
            kind = "added"
        elif b is None:
            kind = "removed"
        elif a["version"] != b["version"]:
            kind = "version"
        elif a["sha256"] != b["sha256"]:
            kind = "rebuilt"
        else:
            continue
        out.append(Drift(name, kind, _show(a), _show(b)))
    settings = [key for key in ("suite", "source_date_epoch", "include") if (locked or {}).get(key) != built.get(key)]
    if locked is not None:
        out += [Drift(f"({key})", "setting", json.dumps(locked.get(key)), json.dumps(built.get(key)))
                for key in settings]
    return out
