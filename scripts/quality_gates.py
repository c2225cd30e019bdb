#!/usr/bin/env python3
"""The quality gates of packverify's CI (docs/ci.md, "Quality gates"), run by
``bash scripts/quality`` and, through it, by ``scripts/test`` and ``.ci/run``:

- ``deptry``: packverify/'s imports against pyproject.toml (undeclared, unused and
  transitive dependencies; dev tools imported by the package) — [tool.deptry];
- ``licences``: every package of the interpreter's lock, as installed, has a licence in
  scripts/licences-allowed.txt or a per-package exception there (pip-licenses reads the
  installed metadata);
- ``mypy``: packverify/ at the strictness of [tool.mypy];
- ``bandit``: packverify/ with [tool.bandit]; any finding of any severity fails.

Each tool prints one line (``quality: TOOL ok|FAIL``) and, when it fails, its findings
as ``path:line: …`` to stderr. The summary goes to artifacts/quality.json (``--log``):
tool versions, exit codes and findings only — no times, no absolute paths — so the same
tree gives the same bytes. Exit 0 when every gate passed, 1 when any failed, 2 when a
tool could not run. Deliberately leaves formatting and lint to ruff (its own command).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

TOOLS = ("deptry", "licences", "mypy", "bandit")
BANDIT_LINE = "{relpath}:{line}: {test_id}[{severity}/{confidence}] {msg}"
LOCKS = {(3, 11): "requirements.lock", (3, 13): "requirements-py313.lock"}
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _norm(name: str) -> str:
    """PEP 503 name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _bin(name: str) -> str:
    """The tool installed beside this interpreter (the venv's), by name."""
    return str(Path(sys.executable).parent / name)


def _run(argv: list[str], root: Path) -> tuple[int, list[str]]:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONHASHSEED": "0"}
    try:
        done = subprocess.run(argv, cwd=root, capture_output=True, text=True, env=env, timeout=900)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return 2, [f"{argv[0]} could not run: {exc}"]
    lines = [_ANSI.sub("", line).rstrip() for line in (done.stdout + done.stderr).splitlines()]
    return done.returncode, [line for line in lines if line.strip()]


def _version(module: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(module)
    except PackageNotFoundError:
        return "missing"


def gate_deptry(root: Path, args: argparse.Namespace) -> tuple[int, list[str]]:
    code, lines = _run([_bin("deptry"), "packverify"], root)
    return code, [line for line in lines if re.search(r":\d+:\d+: DEP\d{3}|: DEP\d{3} ", line) or code not in (0, 1)]


def gate_mypy(root: Path, args: argparse.Namespace) -> tuple[int, list[str]]:
    code, lines = _run([_bin("mypy"), "--config-file", "pyproject.toml", "--no-color-output",
                        "--no-error-summary", "--cache-dir", str(args.mypy_cache)], root)
    return code, [line for line in lines if ": error:" in line or code not in (0, 1)]


def gate_bandit(root: Path, args: argparse.Namespace) -> tuple[int, list[str]]:
    code, lines = _run([_bin("bandit"), "-q", "-c", "pyproject.toml", "-r", "packverify", "-f", "custom",
                        "--msg-template", BANDIT_LINE], root)
    # bandit's own chatter ("[tester] WARNING nosec encountered …") is not a finding
    return code, [line for line in lines if not line.startswith("[") or code not in (0, 1)]


def read_allowed(path: Path) -> tuple[set[str], set[str]]:
    """Allowed licence strings and ``name==version`` exceptions (PEP 503 names)."""
    licences, exceptions = set(), set()
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("package "):
            name, _, pinned = line.removeprefix("package ").strip().partition("==")
            exceptions.add(f"{_norm(name)}=={pinned.strip()}")
        else:
            licences.add(line)
    return licences, exceptions


def read_lock(path: Path) -> dict[str, str]:
    return {_norm(m.group(1)): m.group(2)
            for m in map(_PIN.match, path.read_text(encoding="utf-8").splitlines()) if m}


def gate_licences(root: Path, args: argparse.Namespace) -> tuple[int, list[str]]:
    lock = root / LOCKS.get(sys.version_info[:2], "requirements.lock")
    try:
        pins = read_lock(lock)
        licences, exceptions = read_allowed(args.allowed)
    except OSError as exc:
        return 2, [f"licences: {exc}"]
    code, lines = _run([sys.executable, "-m", "piplicenses", "--from=mixed", "--format=json", "--with-system"], root)
    if code != 0:
        return 2, lines
    installed = {_norm(p["Name"]): p for p in json.loads("\n".join(lines))}
    problems = []
    for name, pinned in sorted(pins.items()):
        package = installed.get(name)
        if package is None:
            problems.append(f"{lock.name}: {name}=={pinned} is not installed (run bash scripts/setup)")
        elif f"{name}=={package['Version']}" in exceptions:
            continue
        elif package["License"] not in licences:
            problems.append(f"{lock.name}: {name}=={package['Version']}: licence {package['License']!r} "
                            f"is not in {args.allowed.name}")
    return (1 if problems else 0), problems


GATES = {"deptry": gate_deptry, "licences": gate_licences, "mypy": gate_mypy, "bandit": gate_bandit}
VERSIONS = {"deptry": "deptry", "licences": "pip-licenses", "mypy": "mypy", "bandit": "bandit"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the tree to judge (pyproject.toml, packverify/)")
    parser.add_argument("--only", action="append", choices=TOOLS, help="run only this gate (repeatable)")
    parser.add_argument("--allowed", type=Path, help="licence allow-list (default ROOT/scripts/licences-allowed.txt)")
    parser.add_argument("--log", type=Path, help="summary JSON (default ROOT/artifacts/quality.json)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    args.allowed = args.allowed or root / "scripts" / "licences-allowed.txt"
    args.mypy_cache = root / ".mypy_cache"
    log = args.log or root / "artifacts" / "quality.json"
    results, worst = [], 0
    for tool in args.only or TOOLS:
        code, findings = GATES[tool](root, args)
        status = "ok" if code == 0 else "FAIL" if code == 1 else "ERROR"
        print(f"quality: {tool} {status} ({VERSIONS[tool]} {_version(VERSIONS[tool])}, exit {code}, "
              f"{len(findings)} finding(s))", file=sys.stderr)
        for line in findings:
            print(f"  {line}", file=sys.stderr)
        results.append({"tool": tool, "version": _version(VERSIONS[tool]), "exit": code, "status": status,
                        "findings": sorted(findings)})
        worst = max(worst, 0 if code == 0 else 1 if code == 1 else 2)
    log.parent.mkdir(parents=True, exist_ok=True)
    summary = {"quality": results, "passed": worst == 0}
    log.write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"quality: {'all gates passed' if worst == 0 else 'FAILED'}; summary in {os.path.relpath(log, root)}",
          file=sys.stderr)
    return worst


if __name__ == "__main__":
    sys.exit(main())
