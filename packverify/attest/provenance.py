"""Facts about where a check ran that the statement records: the lock packverify was
installed from, and the state of ``--repo``. This module reads files and runs git;
the statement builders stay pure.

The lock, in this order:

1. ``<sys.prefix>/packverify-requirements.lock`` — the copy ``scripts/setup`` leaves in
   the virtualenv after installing from it (``source: "install-record"``): the bytes the
   environment was actually installed from, even if the checkout's lock changed since.
2. ``requirements.lock`` beside the ``packverify`` package's source directory, when that
   directory is packverify's checkout (an editable install; ``source: "checkout"``).
3. Neither: ``sha256`` null with the reason.

Either way ``matches_environment`` says whether every ``name==version`` pin of that lock
is the version installed here, and ``mismatches`` names the ones that are not — the
digest alone would not say the environment still follows it. Leaves alone: the hashes
inside the lock (pip checked them when it installed).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

INSTALL_RECORD = "packverify-requirements.lock"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.M)


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_mismatches(text: str) -> list[str]:
    """``name==version`` pins of a lock that differ from what is installed here (sorted)."""
    out = []
    for name, version in _PIN.findall(text):
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            out.append(f"{_norm(name)}=={version} (installed: {installed or 'none'})")
    return sorted(out)


def _candidates(prefix: Path, package_dir: Path) -> list[tuple[str, Path]]:
    found = [("install-record", prefix / INSTALL_RECORD)]
    checkout = package_dir.parent
    pyproject = checkout / "pyproject.toml"
    try:
        is_ours = re.search(r'^name\s*=\s*"packverify"', pyproject.read_text("utf-8"), re.M) is not None
    except OSError:
        is_ours = False
    if is_ours:
        found.append(("checkout", checkout / "requirements.lock"))
    return found


def lock_record(prefix: Path | None = None, package_dir: Path | None = None) -> dict[str, Any]:
    """What the statement says about the lock (see the module docstring)."""
    import packverify

    prefix = Path(sys.prefix) if prefix is None else prefix
    package_dir = Path(packverify.__file__).resolve().parent if package_dir is None else package_dir
    for source, path in _candidates(prefix, package_dir):
        try:
            raw = path.read_bytes()
        except OSError:
            continue
        mismatches = lock_mismatches(raw.decode("utf-8", "replace"))
        return {"name": "requirements.lock", "source": source, "sha256": hashlib.sha256(raw).hexdigest(),
                "matches_environment": not mismatches, "mismatches": mismatches}
    return {"name": "requirements.lock", "source": None, "sha256": None,
            "reason": f"no {INSTALL_RECORD} in this environment's prefix (scripts/setup leaves one) "
                      "and packverify is not running from its checkout"}


def repo_state(path: str) -> dict[str, Any]:
    """``--repo`` as given, with its HEAD commit and whether its working tree is dirty
    (null with a reason when it is not a git repository or git is missing)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", path, *args], capture_output=True, text=True, check=True,
                              timeout=60).stdout

    try:
        commit = git("rev-parse", "--verify", "HEAD^{commit}").strip()
        dirty = bool(git("status", "--porcelain").strip())
    except (OSError, subprocess.SubprocessError) as exc:
        reason = "git is not installed" if isinstance(exc, FileNotFoundError) else "not a git repository with a commit"
        return {"path": path, "commit": None, "dirty": None, "reason": reason}
    return {"path": path, "commit": commit, "dirty": dirty}
