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
  at ``<fresh dir>/repo``, so the directory name never varies), runs the packer,
  checks the output with the engine (``packverify.check --strict --repo``), and
  caches results by input so shrinking never runs a packer twice on one input.

A packer that cannot be started (bad template, command not found) raises
:class:`PackerUnavailable` — exit 2. A packer that starts but fails on an input is
an :class:`Output` with ``returncode != 0``: a finding about that input.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packverify.engine import check
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
    """A relation (or the engine check of an output) does not hold: the message says how."""


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
        joined = " ".join(self.words)
        if "{repo}" not in joined:
            raise PackerUnavailable("the packer template has no {repo} placeholder: the packer would not know "
                                    "which repository to pack")
        self.writes_out = "{out}" in joined

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
    writes_out = True

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
    """What one packer run produced, and what the engine says about it."""

    spec: Spec
    run: PackerRun
    document: Any = None
    problems: list[str] = field(default_factory=list)  # engine findings, "code at pointer: message"

    @property
    def data(self) -> bytes | None:
        return self.run.data

    @property
    def chunks(self) -> list[dict]:
        chunks = self.document.get("chunks") if isinstance(self.document, dict) else None
        return [c for c in chunks if isinstance(c, dict)] if isinstance(chunks, list) else []

    def figure(self, *keys: str) -> Any:
        node = self.document
        for key in keys:
            if not isinstance(node, dict):
                return None
            node = node.get(key)
        return node

    def require(self, label: str) -> Output:
        """Raise :class:`RelationFailed` unless the packer ran, wrote a pack, the pack
        passes every oracle strictly, and it honours the requested budget and tokenizer."""
        run = self.run
        if run.returncode is None:
            raise RelationFailed(f"the {label} run {run.stderr}")
        if run.returncode != 0:
            tail = run.stderr.strip().splitlines()[-3:]
            raise RelationFailed(f"the packer exited {run.returncode} on the {label} input"
                                 + (": " + " | ".join(tail) if tail else ""))
        if run.data is None:
            raise RelationFailed(f"the packer wrote no pack for the {label} input")
        if self.problems:
            more = f" (and {len(self.problems) - 3} more)" if len(self.problems) > 3 else ""
            raise RelationFailed(f"the {label} pack fails check --strict --repo: " + "; ".join(self.problems[:3]) + more)
        target, name = self.figure("budget_info", "target_budget"), self.figure("tokenizer_info", "name")
        if target != self.spec.budget:
            raise RelationFailed(f"the {label} pack says target_budget {target!r}; the packer was asked for "
                                 f"--budget {self.spec.budget}")
        if name != self.spec.tokenizer:
            raise RelationFailed(f"the {label} pack says tokenizer {name!r}; the packer was asked for "
                                 f"--tokenizer {self.spec.tokenizer}")
        return self


def scratch_root() -> str | None:
    """Where inputs are materialised: a tmpfs (``/dev/shm``) when there is one — it
    lists a directory newest first, so M7's other creation order also changes what
    an unsorted directory walk sees (ext4 lists by name hash: creation order would
    change nothing there) — else the system's temporary directory."""
    shm = "/dev/shm"
    if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK):
        return shm
    return None


class Session:
    """Runs a packer on specs in fresh directories under ``workdir``, checks every
    output with the engine, caches by input. ``run_limit``: once ``runs`` (packer
    invocations so far) reaches it, an input never run before raises
    :class:`OutOfTime` instead of running — a budget counted in runs, not seconds,
    so that shrinking (and the reproducer) is the same on a slow or a busy machine."""

    def __init__(self, packer, workdir: str | os.PathLike | None = None) -> None:
        self.packer = packer
        self._own = workdir is None
        self.workdir = Path(tempfile.mkdtemp(prefix="packverify-meta-", dir=scratch_root())
                            if workdir is None else workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.cache: dict[tuple, Output] = {}
        self.runs = 0
        self.run_limit: int | None = None

    def close(self) -> None:
        if self._own:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def clean(self, text: str) -> str:
        """``text`` without this session's temporary paths (reports carry no absolute path)."""
        for root in {str(self.workdir), os.path.realpath(self.workdir)}:
            text = re.sub(re.escape(root) + r"/run\d+/", "<run>/", text).replace(root, "<work>")
        return text

    def pack(self, spec: Spec, *, times: int = 1) -> list[Output]:
        """Run the packer ``times`` times on one materialisation of ``spec``."""
        keys = [spec.key() + (i,) for i in range(times)]
        if all(k in self.cache for k in keys):
            return [self.cache[k] for k in keys]
        if self.run_limit is not None and self.runs >= self.run_limit:
            raise OutOfTime()
        self.runs += 1
        run_dir = self.workdir / f"run{self.runs}"
        try:
            root = materialize(spec.repo, run_dir / "repo", git=spec.git, order=spec.order)
            outputs = []
            for key in keys:
                run = self.packer.run(root, spec.budget, spec.tokenizer, run_dir)
                run = PackerRun(tuple(self.clean(a) for a in run.argv), run.returncode, run.data,
                                self.clean(run.stderr))
                output = Output(spec, run)
                if run.data is not None:
                    output.document, output.problems = self._verify(run.data, root, run_dir)
                self.cache[key] = output
                outputs.append(output)
        finally:
            shutil.rmtree(run_dir, ignore_errors=True)
        return outputs

    def _verify(self, data: bytes, root: Path, run_dir: Path) -> tuple[Any, list[str]]:
        pack = run_dir / "checked.json"
        pack.write_bytes(data)
        report = check([str(pack)], repo=root, strict=True)
        problems = [self.clean(f"{f.code} at {f.pointer or '/'}: {f.message}") for f in report.packs[0].findings]
        if report.packs[0].internal_errors:
            problems.append("packverify internal error while checking this pack")
        try:
            document = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            document = None
        return document, problems
