"""Running a packer on a repository, and judging what it wrote.

* :class:`TemplatePacker` — any packer, as a shell-style command template with the
  placeholders ``{repo}``, ``{budget}``, ``{tokenizer}``, ``{out}`` (docs/contract.md §3),
  split with :mod:`shlex` and run without a shell. Literal braces are written
  ``{{`` and ``}}`` (``str.format`` rules). Without ``{out}`` the pack is read from
  standard output. :data:`DEFAULT_TEMPLATE` runs the reference packer through
  ``sys.executable -m packverify`` (no ``PATH`` needed).
* :class:`InProcessPacker` — the reference packer called in-process: the same
  code as the default template without an interpreter start-up per run (the
  test-suite uses it; the CLI always runs templates).
* :class:`Session` — materialises each input (a :class:`packverify.repo_fixtures.Repo`
  at ``<session dir>/run/repo``: the same path for every run, so a packer that records
  where it ran writes the same bytes), runs the packer, reads the output in the format
  the first output was detected as (:mod:`packverify.meta.contents`), judges it once
  (:mod:`packverify.meta.validity`), and caches results by input so shrinking never
  runs a packer twice on one input.

A template without ``{budget}`` (or ``{tokenizer}``) is a packer that takes none: the
relations that need one are skipped, and inputs that differ only in it are one run.

A packer that cannot be started (bad template, command not found) or writes a format
packverify does not read raises :class:`PackerUnavailable` — exit 2. A packer that
starts but fails on an input is an :class:`Output` with ``returncode != 0``: a validity
problem of that input, and the relations cannot judge it (:class:`Unjudged`).
"""

from __future__ import annotations

import difflib
import os
import shlex
import shutil
import string
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import packverify.readers as readers
from packverify.meta.contents import Contents, Entry, detect_format, read_contents
from packverify.meta.validity import Problem, Validity, honoured, judge_output, run_problems
from packverify.packer.build import PackError, build_pack
from packverify.packer.discover import DiscoveryError
from packverify.repo_fixtures import Repo, materialize

PLACEHOLDERS = ("repo", "budget", "tokenizer", "out")
DISPLAY_TEMPLATE = "packverify pack {repo} --budget {budget} --tokenizer {tokenizer} -o {out} -q --no-run-log"
DEFAULT_TEMPLATE = shlex.join([sys.executable, "-m", "packverify"]) + DISPLAY_TEMPLATE[len("packverify"):]
STDERR_TAIL = 2000


class PackerUnavailable(Exception):
    """The packer cannot be run at all (exit 2): the message says why."""


class RelationFailed(AssertionError):
    """A relation does not hold: the message says how."""


class Unjudged(Exception):
    """A relation cannot be judged on this input: a run it needs failed or wrote nothing
    readable (a validity problem, reported there). The message says which run and why."""


class OutOfTime(Exception):
    """Shrinking ran out of its budget of packer runs: an input never run before is not run."""


@dataclass(frozen=True)
class PackerRun:
    argv: tuple[str, ...]
    returncode: int | None  # None: timed out
    data: bytes | None  # the pack's bytes; None when nothing was written
    stderr: str


class TemplatePacker:
    """A packer given as a command template (see the module docstring)."""

    def __init__(self, template: str, *, timeout: float = 300.0) -> None:
        self.template = template
        self.timeout = timeout
        try:
            self.words = shlex.split(template)
        except ValueError as exc:
            raise PackerUnavailable(f"cannot parse the packer template: {exc}") from exc
        if not self.words:
            raise PackerUnavailable("the packer template is empty")
        probe = dict.fromkeys(PLACEHOLDERS, "x")
        for word in self.words:
            try:
                word.format_map(probe)
            except KeyError as exc:
                close = difflib.get_close_matches(str(exc.args[0]), PLACEHOLDERS, n=1)
                hint = f" (did you mean {{{close[0]}}}?)" if close else ""
                raise PackerUnavailable(
                    f"unknown placeholder {{{exc.args[0]}}} in the packer template{hint}; placeholders: "
                    + ", ".join("{" + p + "}" for p in PLACEHOLDERS) + " (write literal braces as {{ and }})") from exc
            except (ValueError, IndexError) as exc:
                raise PackerUnavailable(f"bad placeholder in the packer template word {word!r}: {exc}") from exc
        used = {name for word in self.words for _, name, _, _ in string.Formatter().parse(word) if name}
        if "repo" not in used:
            raise PackerUnavailable("the packer template has no {repo} placeholder: the packer would not know "
                                    "which repository to pack")
        self.writes_out = "out" in used
        self.takes_budget = "budget" in used
        self.takes_tokenizer = "tokenizer" in used

    @property
    def describe(self) -> str:
        return DISPLAY_TEMPLATE if self.template == DEFAULT_TEMPLATE else self.template

    def argv(self, repo: str, budget: int, tokenizer: str, out: str) -> list[str]:
        values = {"repo": repo, "budget": str(budget), "tokenizer": tokenizer, "out": out}
        return [word.format_map(values) for word in self.words]

    def check_runnable(self) -> None:
        program = self.argv("repo", 1000, "cl100k", "out.json")[0]
        if os.sep in program or (os.altsep and os.altsep in program):
            if not os.path.exists(program):
                raise PackerUnavailable(f"command not found: {program}")
        elif shutil.which(program) is None:
            raise PackerUnavailable(f"command not found: {program} (not on PATH)")

    def run(self, repo: Path, budget: int, tokenizer: str, workdir: Path) -> PackerRun:
        out = workdir / "out.json"
        out.unlink(missing_ok=True)  # a second run on the same input must not find the first one's pack
        argv = self.argv(str(repo), budget, tokenizer, str(out))
        try:
            done = subprocess.run(argv, cwd=workdir, capture_output=True, timeout=self.timeout,
                                  stdin=subprocess.DEVNULL)
        except FileNotFoundError as exc:
            raise PackerUnavailable(f"command not found: {argv[0]}") from exc
        except PermissionError as exc:
            raise PackerUnavailable(f"cannot execute {argv[0]}: permission denied") from exc
        except OSError as exc:
            raise PackerUnavailable(f"cannot start {argv[0]}: {exc.strerror or exc}") from exc
        except subprocess.TimeoutExpired:
            return PackerRun(tuple(argv), None, None, f"timed out after {self.timeout:g} s")
        if self.writes_out:
            data = out.read_bytes() if out.is_file() else None
        else:
            data = done.stdout or None
        stderr = done.stderr.decode("utf-8", "replace")[-STDERR_TAIL:]
        return PackerRun(tuple(argv), done.returncode, data, stderr)


class InProcessPacker:
    """The reference packer, in-process (same code as :data:`DEFAULT_TEMPLATE`)."""

    template = DEFAULT_TEMPLATE
    describe = DISPLAY_TEMPLATE
    writes_out = takes_budget = takes_tokenizer = True

    def argv(self, repo: str, budget: int, tokenizer: str, out: str) -> list[str]:
        return TemplatePacker(DEFAULT_TEMPLATE).argv(repo, budget, tokenizer, out)

    def check_runnable(self) -> None:
        return None

    def run(self, repo: Path, budget: int, tokenizer: str, workdir: Path) -> PackerRun:
        argv = tuple(self.argv(str(repo), budget, tokenizer, str(workdir / "out.json")))
        try:
            result = build_pack(repo, budget=budget, tokenizer=tokenizer)
        except (PackError, DiscoveryError) as exc:
            return PackerRun(argv, 2, None, f"packverify pack: error: {exc}\n")
        (workdir / "out.json").write_bytes(result.data)
        return PackerRun(argv, 0, result.data, "")


@dataclass(frozen=True)
class Spec:
    """One packer input: a tree, how it is laid down, and the packer's arguments."""

    repo: Repo
    budget: int
    tokenizer: str = "cl100k"
    git: bool = False
    order: tuple[str, ...] | None = None  # file-creation order; None = sorted

    def key(self) -> tuple:
        return (self.repo.digest(), self.budget, self.tokenizer, self.git, self.order)


@dataclass
class Output:
    """What one packer run produced, as read (``contents``), and its validity problems."""

    spec: Spec
    run: PackerRun
    contents: Contents | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def data(self) -> bytes | None:
        return self.run.data

    @property
    def document(self) -> Any:
        """Our JSON's document; ``None`` for another format."""
        return self.contents.document if self.contents is not None else None

    @property
    def entries(self) -> tuple[Entry, ...]:
        return self.contents.entries if self.contents is not None else ()

    def figure(self, *keys: str) -> Any:
        """A member of our JSON's document; ``None`` when absent or for another format."""
        return self.contents.figure(*keys) if self.contents is not None else None

    def tokens(self) -> int:
        """Real token count of what the pack carries, under the tokenizer it was asked for."""
        return self.contents.tokens(self.spec.tokenizer) if self.contents is not None else 0

    def require(self, label: str) -> Output:
        """This output, or :class:`Unjudged` when the run failed or wrote nothing the
        relations can read. Whether it is a *valid* pack is not asked here (validity)."""
        run = self.run
        if run.returncode is None:
            raise Unjudged(f"the {label} run {run.stderr}")
        if run.returncode != 0:
            tail = run.stderr.strip().splitlines()[-3:]
            raise Unjudged(f"the packer exited {run.returncode} on the {label} input"
                           + (": " + " | ".join(tail) if tail else ""))
        if run.data is None or self.contents is None:
            raise Unjudged(f"the packer wrote no pack for the {label} input")
        if self.contents.unreadable:
            raise Unjudged(f"the {label} output cannot be read as {self.contents.format}: {self.contents.unreadable}")
        return self


def scratch_root() -> str | None:
    """Where inputs are materialised: a tmpfs (``/dev/shm``) when there is one — it
    lists a directory newest first, so M7's other creation order also changes what
    an unsorted directory walk sees (ext4 lists by name hash: creation order would
    change nothing there) — else the system's temporary directory."""
    shm = "/dev/shm"  # only the dir= of tempfile.mkdtemp (a fresh private directory), for its listing order  # nosec B108
    if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK):
        return shm
    return None


class Session:
    """Runs a packer on specs in one directory under ``workdir``, reads and judges every
    output, caches by input. ``run_limit``: once ``runs`` (packer invocations so far)
    reaches it, an input never run before raises :class:`OutOfTime` instead of running —
    a budget counted in runs, not seconds, so that shrinking (and the reproducer) is the
    same on a slow or a busy machine. ``format``: the format outputs are read as (default:
    the first output's, detected); ``validity`` tallies every output's problems."""

    def __init__(self, packer, workdir: str | os.PathLike | None = None, *, format: str | None = None) -> None:  # noqa: A002
        self.packer = packer
        self._own = workdir is None
        self.workdir = Path(tempfile.mkdtemp(prefix="packverify-meta-", dir=scratch_root())
                            if workdir is None else workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.cache: dict[tuple, Output] = {}
        self.runs = 0
        self.run_limit: int | None = None
        self.format = format
        self.validity = Validity()

    def close(self) -> None:
        if self._own:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def clean(self, text: str) -> str:
        """``text`` without this session's temporary paths (reports carry no absolute path)."""
        for root in {str(self.workdir), os.path.realpath(self.workdir)}:
            text = text.replace(root + "/run/", "<run>/").replace(root, "<work>")
        return text

    def _key(self, spec: Spec, i: int) -> tuple:
        """Inputs that differ only in what the packer is not given are one input."""
        return (spec.repo.digest(), spec.budget if self.packer.takes_budget else None,
                spec.tokenizer if self.packer.takes_tokenizer else None, spec.git, spec.order, i)

    def pack(self, spec: Spec, *, times: int = 1) -> list[Output]:
        """Run the packer ``times`` times on one materialisation of ``spec``."""
        keys = [self._key(spec, i) for i in range(times)]
        if all(k in self.cache for k in keys):
            return [self.cache[k] for k in keys]
        if self.run_limit is not None and self.runs >= self.run_limit:
            raise OutOfTime()
        self.runs += 1
        run_dir = self.workdir / "run"
        shutil.rmtree(run_dir, ignore_errors=True)
        try:
            root = materialize(spec.repo, run_dir / "repo", git=spec.git, order=spec.order)
            outputs = []
            for key in keys:
                run = self.packer.run(root, spec.budget, spec.tokenizer, run_dir)
                output = self._judge(spec, run, root)
                self.cache[key] = output
                outputs.append(output)
        finally:
            shutil.rmtree(run_dir, ignore_errors=True)
        return outputs

    def _judge(self, spec: Spec, run: PackerRun, root: Path) -> Output:
        """Read the output, judge its validity once, tally it."""
        output = Output(spec, run)
        problems = run_problems(run.returncode, run.data, run.stderr)
        if not problems:
            fmt = self._format(run.data)
            output.contents = read_contents(run.data, fmt, str(root))
            problems = judge_output(run.data, fmt, root) + honoured(
                output.contents, spec.budget if self.packer.takes_budget else None,
                spec.tokenizer if self.packer.takes_tokenizer else None)
        output.problems = [Problem(p.code, p.severity, self.clean(p.message)) for p in problems]
        output.run = PackerRun(tuple(self.clean(a) for a in run.argv), run.returncode, run.data,
                               self.clean(run.stderr))
        self.validity.record(spec, run.data, self.format, output.problems)
        return output

    def _format(self, data: bytes) -> str:
        if self.format is None:
            try:
                self.format = detect_format(data)
            except (readers.UnknownFormat, readers.AmbiguousFormat) as exc:
                raise PackerUnavailable(f"its output is not a pack format packverify reads: {exc}") from None
        return self.format
