"""Crash triage: one entry per cause, however often a session finds it.

A crash's cause is its *signature*: for a failed property (``FuzzFailure``) the
invariants it breaks — the property messages with the input's particulars (quoted text,
numbers) taken out; for any other exception its type and the innermost
:data:`TOP_FRAMES` frames of the Python stack (module and function, not line numbers, so
an unrelated edit above the bug does not make it new); for a timeout or an out-of-memory
the kind alone. The crash's ``id`` is a digest of target, kind and signature.

Each unique crash is kept once, as ``ARTIFACTS/<target>/<kind>-<sha1>``: the smallest
input that produced it, with ``.replay`` (the command that replays it) and ``.txt`` (its
traceback) beside it; other inputs with the same signature are counted and deleted.
``ARTIFACTS/crashes.json`` is the summary, carried over from session to session (counts
add up). A ``--known`` file lists accepted crashes by id or signature — the summary
itself, edited, or one per line — and only crashes not on it make a session fail.

Leaves alone: finding crashes (``process``, ``session``).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from packverify.fuzz.process import CRASH_PREFIXES, replay_command

TOP_FRAMES = 3
SUMMARY_FILE = "crashes.json"
_FRAME = re.compile(r'^\s*File "([^"]+)", line \d+, in (.+)$', re.MULTILINE)
# a quoted value opens and closes outside a word: the apostrophe of "packer's" is not a quote
_QUOTED = re.compile(r"(?<!\w)(?:'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\")(?!\w)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:e[+-]?\d+)?")
_PROPERTY = ("FuzzFailure", "AssertionError")


@dataclass
class Crash:
    id: str
    target: str
    kind: str  # crash | timeout | oom | leak
    signature: str
    exception: str
    frames: list[str]
    count: int
    input: str
    size: int
    replay: str
    known: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _frame(path: str, function: str) -> str:
    marker = path.replace("\\", "/").rfind("/packverify/")
    where = path[marker + 1:] if marker >= 0 else Path(path).name
    return f"{where}:{function.strip()}"


def _exception(trace: str) -> str:
    """The ``Type: message`` line atheris prints after its banner (or the traceback's last)."""
    lines = [line.strip() for line in trace.splitlines()]
    for i, line in enumerate(lines):
        if "=== Uncaught Python exception: ===" in line and i + 1 < len(lines):
            return lines[i + 1]
    for line in reversed(lines):
        if re.match(r"^[\w.]+(Error|Exception|Failure|Interrupt|Exit)\b", line):
            return line
    return ""


def _invariants(message: str) -> str:
    """A property failure's messages without the input's particulars, one per problem."""
    problems = []
    for problem in message.split(" | "):
        text = _NUMBER.sub("N", _QUOTED.sub("'…'", problem))
        problems.append(text[:120].rstrip())
    return " | ".join(sorted(set(problems)))


def signature(kind: str, trace: str) -> tuple[str, str, list[str]]:
    """(signature, exception line, innermost frames) of one crash."""
    exception = _exception(trace)
    frames = [_frame(path, function) for path, function in _FRAME.findall(trace)][::-1][:TOP_FRAMES]
    name, _, message = exception.partition(": ")
    if kind != "crash":
        return kind, exception, frames
    if name.rsplit(".", 1)[-1] in _PROPERTY:
        return f"{name.rsplit('.', 1)[-1]}: {_invariants(message)}", exception, frames
    if not exception and not frames:
        return "crash without a Python traceback", exception, frames
    return f"{name.rsplit('.', 1)[-1] or 'crash'} at {' < '.join(frames)}", exception, frames


def crash_id(target: str, kind: str, text: str) -> str:
    return hashlib.sha256(f"{target}\0{kind}\0{text}".encode()).hexdigest()[:16]


def load_known(path: Path) -> set[str]:
    """Ids and signatures of accepted crashes: a crashes.json summary (edited), a JSON list
    of ids, signatures or entries, or text with one id or signature per line (``#`` comments)."""
    text = path.read_text(encoding="utf-8")
    try:
        document = json.loads(text)
    except ValueError:
        return {line.split("#", 1)[0].strip() for line in text.splitlines()} - {""}
    entries = document.get("crashes", []) if isinstance(document, dict) else document
    known: set[str] = set()
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, str):
            known.add(entry)
        elif isinstance(entry, dict):
            known.update(str(entry[key]) for key in ("id", "signature") if key in entry)
    return known


class Triage:
    """The unique crashes of an artifacts directory; :meth:`add` is thread-safe."""

    def __init__(self, root: Path, known: set[str] = frozenset()) -> None:
        self.root = root
        self.known = set(known)
        self.crashes: dict[str, Crash] = {}
        self.this_session: dict[str, int] = {}
        self._lock = threading.Lock()
        try:
            previous = json.loads((root / SUMMARY_FILE).read_text(encoding="utf-8"))
            for entry in previous.get("crashes", []):
                crash = Crash(**entry)
                if Path(crash.input).exists():
                    self.crashes[crash.id] = crash
        except (OSError, ValueError, TypeError, AttributeError):
            pass  # no summary yet, or not ours: start afresh (the inputs stay where they are)
        for crash in self.crashes.values():
            crash.known = self._is_known(crash)

    def _is_known(self, crash: Crash) -> bool:
        return crash.id in self.known or crash.signature in self.known

    def add(self, target: str, found: Path, trace: str) -> Crash:
        """Take one crash input libFuzzer wrote: count it, and keep it if it is the first
        or the smallest of its kind (the file is moved or deleted)."""
        kind = next((p[:-1] for p in CRASH_PREFIXES if found.name.startswith(p)), "crash")
        text, exception, frames = signature(kind, trace)
        key = crash_id(target, kind, text)
        size = found.stat().st_size
        with self._lock:
            self.this_session[key] = self.this_session.get(key, 0) + 1
            crash = self.crashes.get(key)
            if crash is not None:
                crash.count += 1
                if size < crash.size or not Path(crash.input).exists():
                    _remove_with_notes(Path(crash.input))
                    crash.input, crash.size = str(self._keep(target, found, trace)), size
                    crash.replay = replay_command(target, crash.input)
                else:
                    found.unlink(missing_ok=True)
                return crash
            kept = self._keep(target, found, trace)
            crash = Crash(key, target, kind, text, exception, frames, 1, str(kept), size,
                          replay_command(target, kept))
            crash.known = self._is_known(crash)
            self.crashes[key] = crash
            return crash

    def _keep(self, target: str, found: Path, trace: str) -> Path:
        directory = self.root / target
        directory.mkdir(parents=True, exist_ok=True)
        kept = directory / found.name
        shutil.move(str(found), kept)
        try:
            (directory / f"{found.name}.replay").write_text(replay_command(target, kept) + "\n", encoding="utf-8")
            (directory / f"{found.name}.txt").write_text(trace or "(no traceback in the fuzzer's output)\n",
                                                         encoding="utf-8")
        except OSError:
            pass  # the input itself is kept; the notes are a convenience
        return kept

    def new(self) -> list[Crash]:
        """Crashes found in this session that are not known."""
        return [c for k, c in sorted(self.crashes.items()) if k in self.this_session and not c.known]

    def of(self, target: str, *, session_only: bool = True) -> list[Crash]:
        return [c for k, c in sorted(self.crashes.items())
                if c.target == target and (k in self.this_session or not session_only)]

    def summary(self) -> dict[str, Any]:
        with self._lock:
            entries = [dict(c.to_dict(), this_session=self.this_session.get(k, 0))
                       for k, c in sorted(self.crashes.items(), key=lambda kv: (kv[1].target, kv[0]))]
        return {"unique": len(entries), "new": sum(1 for e in entries if e["this_session"] and not e["known"]),
                "crashes": entries}

    def write(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / SUMMARY_FILE
        summary = self.summary()
        for entry in summary["crashes"]:
            entry.pop("this_session")
        path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return path


def _remove_with_notes(path: Path) -> None:
    for candidate in (path, Path(f"{path}.replay"), Path(f"{path}.txt")):
        candidate.unlink(missing_ok=True)
