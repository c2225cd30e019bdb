"""Run a packer command once per :class:`~packverify.repro.variations.Plan`.

A :class:`Workspace` gives every run a directory ``<work>`` (a fresh private tmpfs
at a fixed path when namespaces work) holding the run's repository copy, homes,
"elsewhere" directories and ``out/pack.json`` — the ``{out}`` every run writes, the
same path each time, so a packer that records its output path is not blamed on
anything. Runs are sequential: the control reuses run-1's copy path, which only
works if run-1's copy is gone by then.

Each run: remove the previous output, write a launch spec, start ``_launch.py``
(under ``unshare`` when available), wait with a timeout, and collect the exit
code, the output bytes, and the command's combined stdout/stderr.
Deliberately left alone: judging the outcome (rebuilds.py does that).
"""

from __future__ import annotations

import fnmatch
import json
import os
import pwd
import random
import re
import shutil
import signal
import stat
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from packverify.repro.machine import LAUNCHER, PYTHON, Machine
from packverify.repro.variations import WORK, Plan

SCRATCH = "<scratch>"  # packverify's own temporary directory, in messages

OUT_NAME = "pack.json"
_PLACEHOLDER = re.compile(r"\{(repo|out|budget|tokenizer)\}")


def substitute(template: Sequence[str], values: dict[str, str]) -> list[str]:
    """Replace ``{repo}``, ``{out}``, ``{budget}``, ``{tokenizer}`` in every argument.
    Other braces are left as they are (a JSON argument, ``find -exec {}``)."""
    return [_PLACEHOLDER.sub(lambda m: values[m.group(1)], arg) for arg in template]


@dataclass(frozen=True)
class TreeEntry:
    rel: str
    kind: str  # "d" directory, "f" file, "l" symlink
    mode: int
    mtime_ns: int
    target: str | None = None


def excluded_by(rel: str, patterns: Sequence[str]) -> bool:
    """``--exclude`` matching, like .gitignore: a pattern without ``/`` matches a name at
    any depth (``node_modules``, ``*.log``), one with ``/`` the path from the root."""
    name = rel.rsplit("/", 1)[-1]
    for pattern in patterns:
        pattern = pattern.rstrip("/")  # "build/" means the directory build, as in .gitignore
        if "/" in pattern:
            if fnmatch.fnmatchcase(rel, pattern.lstrip("/")):
                return True
        elif fnmatch.fnmatchcase(name, pattern):
            return True
    return False


def scan(repo: Path, exclude: Iterable[Path] = (), patterns: Sequence[str] = ()) -> tuple[
        dict[str, list[TreeEntry]], list[str]]:
    """The repository as ``{directory relpath: children}`` ("" is the root), and the
    special files (sockets, FIFOs, devices) that are skipped. Symlinks are not followed;
    ``exclude`` paths and entries matching ``patterns`` are left out with their contents."""
    excluded = {os.path.realpath(p) for p in exclude}
    tree: dict[str, list[TreeEntry]] = {}
    skipped: list[str] = []
    pending = [""]
    while pending:
        rel_dir = pending.pop()
        children: list[TreeEntry] = []
        with os.scandir(repo / rel_dir if rel_dir else repo) as it:
            for item in sorted(it, key=lambda e: e.name):
                rel = f"{rel_dir}/{item.name}" if rel_dir else item.name
                if (os.path.realpath(item.path) in excluded and not item.is_symlink()) or excluded_by(rel, patterns):
                    continue
                info = item.stat(follow_symlinks=False)
                if stat.S_ISLNK(info.st_mode):
                    children.append(TreeEntry(rel, "l", 0, info.st_mtime_ns, os.readlink(item.path)))
                elif stat.S_ISDIR(info.st_mode):
                    children.append(TreeEntry(rel, "d", stat.S_IMODE(info.st_mode), info.st_mtime_ns))
                    pending.append(rel)
                elif stat.S_ISREG(info.st_mode):
                    children.append(TreeEntry(rel, "f", stat.S_IMODE(info.st_mode), info.st_mtime_ns))
                else:
                    skipped.append(rel)
        tree[rel_dir] = children
    return tree, sorted(skipped)


def creation_order(tree: dict[str, list[TreeEntry]], order: str) -> list[TreeEntry]:
    """Every entry, each directory's children in ``order`` (sorted, reversed, or shuffled
    with a seed taken from the order's name), a directory before its contents."""
    rng = random.Random(order)  # seeded from a str: the same order every time, whatever PYTHONHASHSEED
    out: list[TreeEntry] = []

    def visit(rel_dir: str) -> None:
        children = list(tree.get(rel_dir, ()))
        if order == "reversed":
            children.reverse()
        elif order != "sorted":
            rng.shuffle(children)
        for child in children:
            out.append(child)
            if child.kind == "d":
                visit(child.rel)

    visit("")
    return out


@dataclass(frozen=True)
class Outcome:
    exit_code: int | None  # None: killed by a signal or timed out
    output: bytes | None  # None: {out} was not written
    log: bytes  # the command's stdout and stderr, interleaved
    error: str | None  # why it could not start or finish, when it could not


def _remove(path: Path) -> None:
    def unlock(func, failed, _info):  # a read-only directory in a copy must still go
        os.chmod(os.path.dirname(failed), 0o700)
        func(failed)

    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, onerror=unlock)  # onexc= only from Python 3.12
    elif path.exists() or path.is_symlink():
        path.unlink()


def _inherited_home() -> str:
    try:
        return os.environ.get("HOME") or pwd.getpwuid(os.getuid()).pw_dir
    except KeyError:  # a uid without a passwd entry (containers)
        return "/"


def _kill(process: subprocess.Popen) -> None:
    """Take down the command and everything it started (it leads its own session)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


FIXED_ROOT = os.path.join(tempfile.gettempdir(), "packverify-repro")


class Workspace:
    """The temporary directory of one ``repro`` invocation; remove with :meth:`close`.

    With mount namespaces every run sees its files under one fixed path,
    ``/tmp/packverify-repro`` (a private tmpfs per run, so concurrent invocations
    never meet there): an output that records the copy's path is then the same from
    one invocation to the next, and so are its sha256 and the report. Without
    namespaces the runs use ``<tmp>/packverify-repro-XXXX/fs``. Reports call either ``<work>``.
    """

    def __init__(self, repo: Path, tree: dict[str, list[TreeEntry]], *, isolate: bool, timeout: float) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="packverify-repro-")).resolve()
        self.fs = self.root / "fs"  # what the command sees as <work>
        self.out = self.fs / "out" / OUT_NAME  # {out} as the command sees it
        self.real_out = self.out  # where packverify finds it afterwards
        self.repo = repo
        self.tree = tree
        self.isolate = isolate
        self.timeout = timeout
        self.machine: Machine | None = None

    def configure(self, machine: Machine) -> None:
        """Use what the probe found: namespaces give the fixed ``<work>``."""
        self.machine = machine
        if self._prefix() is None:
            return
        fixed = Path(FIXED_ROOT)
        try:
            fixed.mkdir(mode=0o755, exist_ok=True)
            usable = fixed.is_dir() and not fixed.is_symlink()
        except OSError:
            usable = False
        # Without a usable fixed mount point, a tmpfs on our own directory still varies order.
        self.fs = fixed if usable else self.root / "fs"
        self.out = self.fs / "out" / OUT_NAME
        self.real_out = self.root / "out" / OUT_NAME

    def close(self) -> None:
        _remove(self.root)

    def scrub(self, text: str) -> str:
        """Neither the fixed nor the random work directory reaches a report by name.
        The longer path goes first: ``/tmp/packverify-repro`` begins the random one too."""
        names = sorted(((str(self.fs), WORK), (str(self.root), SCRATCH)), key=lambda pair: -len(pair[0]))
        for path, label in names:
            text = text.replace(path, label)
        return text

    def _prefix(self) -> tuple[str, ...] | None:
        machine = self.machine
        if machine is None:
            return None
        return machine.network_namespace if self.isolate else machine.namespace

    def _environment(self, plan: Plan, cwd: Path, home: str) -> dict[str, str]:
        if self.isolate:
            # --isolate: a clean environment; only what a packer needs to start, plus the variations.
            env = {"PATH": os.environ.get("PATH", os.defpath), "LANG": "C.UTF-8"}
        else:
            env = dict(os.environ)
            env.pop("OLDPWD", None)
        env["HOME"] = home
        env["PWD"] = str(cwd)  # what a shell would say; the inherited one names *our* directory
        env.update(plan.env)
        return env

    def _launch_spec(self, plan: Plan, template: Sequence[str], values: dict[str, str], status: Path) -> dict:
        """What _launch.py needs to set up the run and exec the command (see its docstring)."""
        prefix = self._prefix()
        copy = self.fs / plan.copy
        cwd = copy if plan.cwd is None else self.fs / plan.cwd
        home = str(self.fs / plan.home) if plan.home else _inherited_home()
        mkdirs = [str(p) for p in (cwd if plan.cwd else None, self.fs / plan.home if plan.home else None) if p]
        argv = substitute(template, {**values, "repo": str(copy), "out": str(self.out)})
        if plan.clock_shift_days and self.machine and self.machine.faketime:
            argv = [self.machine.faketime, "-f", f"+{plan.clock_shift_days}d", *argv]
        return {
            "tmpfs": str(self.fs) if prefix else None,
            "binds": [[str(self.real_out.parent), str(self.out.parent)]] if prefix else [],
            "mkdirs": mkdirs,
            "source": str(self.repo),
            "dest": str(copy),
            "entries": [[e.rel, e.kind, e.mode, e.mtime_ns, e.target] for e in creation_order(self.tree, plan.order)],
            "cpus": list(plan.cpus) if plan.cpus is not None else None,
            "cwd": str(cwd),
            "umask": plan.umask,
            "argv": argv,
            "env": self._environment(plan, cwd, home),
            "status": str(status),
        }

    def run(self, plan: Plan, template: Sequence[str], values: dict[str, str]) -> Outcome:
        prefix = self._prefix()
        status = self.root / "status.json"
        spec_path = self.root / "spec.json"
        for leftover in (self.real_out, status):
            _remove(leftover)
        if prefix is None:
            _remove(self.fs)  # no private tmpfs: clear the last run's copy ourselves
        self.fs.mkdir(exist_ok=True)
        self.real_out.parent.mkdir(parents=True, exist_ok=True)

        spec_path.write_text(json.dumps(self._launch_spec(plan, template, values, status)), encoding="utf-8")
        launch = [*(prefix or ()), *(["--"] if prefix else []), *PYTHON, LAUNCHER, str(spec_path)]
        try:
            process = subprocess.Popen(launch, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, start_new_session=True, cwd=self.root)
        except OSError as exc:
            return Outcome(None, None, b"", f"cannot start the launcher: {exc.strerror or exc}")
        try:
            log, _ = process.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            _kill(process)
            try:
                log, _ = process.communicate(timeout=10)
            except subprocess.TimeoutExpired:  # something left the session and holds the pipe
                log = b""
            return Outcome(None, None, log, f"timed out after {self.timeout:g} s")
        except BaseException:
            # Ctrl-C reaches only our process group, not the command's own session.
            _kill(process)
            process.wait()
            raise
        error = None
        if status.exists():
            try:
                error = json.loads(status.read_text(encoding="utf-8"))["error"]
            except (OSError, ValueError, KeyError):
                error = "the run could not be set up"
        output = self.real_out.read_bytes() if self.real_out.is_file() else None
        code = process.returncode
        if code < 0 and error is None:
            try:
                error = f"killed by signal {signal.Signals(-code).name}"
            except ValueError:
                error = f"killed by signal {-code}"
        return Outcome(code if code >= 0 else None, output, log, error)
