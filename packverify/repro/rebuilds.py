"""``reproduce()``: run a packer several times under varied settings, compare, attribute.

The runs (docs/contract.md §3): run-1 … run-N, each with its own value of every varied
variation (see variations.py), then ``control`` — run-1's settings again, nothing
varied. All outputs are compared byte for byte with run-1's. When they differ:

* control ≠ run-1 → the command is nondeterministic by itself: cause ``inherent``;
  single-variation probes could not tell variations apart, so none are run;
* otherwise one probe per variation (control settings, that one variation at a
  differing run's value); each probe that differs from run-1 names a cause, like
  reprotest's bisection. A final ``control-2`` re-run catches rare inherent
  nondeterminism (a clock read to the second) that would otherwise make every
  probe "differ".

Anything that stops the job — a command that cannot start, exits non-zero, or writes
no ``{out}`` — raises :class:`ReproError` (exit 2) naming the run and what it varied.
Deliberately left alone: rendering (render.py) and the command line (cli/repro_cmd.py).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shlex
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from packverify.repro import machine as _machine
from packverify.repro.compare import difference
from packverify.repro.results import FAIL, INHERENT, PASS, Difference, ReproError, ReproReport, RunRecord
from packverify.repro.variations import VARIATIONS, Plan, VariationContext, select
from packverify.repro.workspace import Outcome, Workspace, scan

REFERENCE = "run-1"
_LOG_LINES = 12  # lines of a failing command's output quoted in the error


def parse_template(command: Sequence[str]) -> tuple[str, ...]:
    """The command as arguments: one argument with spaces is split shell-style
    (``'packer {repo} -o {out}'``), several are taken as they are."""
    args = list(command)
    if len(args) == 1 and any(c.isspace() for c in args[0]):
        try:
            args = shlex.split(args[0])
        except ValueError as exc:
            raise ReproError(f"cannot split the command {args[0]!r}: {exc}") from None
    if not args or not args[0]:
        raise ReproError("no command given: packverify repro [OPTIONS] -- COMMAND ... (with {repo} and {out})")
    if not any("{out}" in arg for arg in args):
        raise ReproError("the command must write its output to {out} (for a packer that prints, wrap it: "
                         "sh -c 'packer {repo} > {out}')")
    return tuple(args)


def _resolve_program(template: tuple[str, ...]) -> tuple[str, ...]:
    """A program given as a relative path (``.venv/bin/python``) means what it means in the
    user's shell: relative to where packverify was started, not to where the run starts."""
    program = template[0]
    if "/" not in program:
        if shutil.which(program) is None:
            raise ReproError(f"command not found: {program!r} is not on PATH")
        return template
    path = os.path.abspath(program)  # abspath, not realpath: a venv's python must stay a venv's python
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise ReproError(f"command not found: {program} is not an executable file")
    return (path, *template[1:])


def _relative_hint(template: tuple[str, ...]) -> str:
    relative = [a for a in template[1:] if "/" in a and not a.startswith(("/", "-")) and "{" not in a
                and not any(c.isspace() or c in "=:;'\"" for c in a)]  # a path, not a script or an option
    if not relative:
        return ""
    return (f"\n  hint: {relative[0]} is relative to where the command starts (inside the copy, or elsewhere "
            "with the cwd variation); give an absolute path or one under {repo}")


def _plan(ctx: VariationContext, active: Sequence[str], values: dict[str, int]) -> tuple[Plan, dict[str, str], tuple[str, ...]]:
    """The plan for a run in which variation ``name`` takes value ``values.get(name, 0)``."""
    plan = Plan(copy=VARIATIONS["path"].value(ctx, 0))
    settings: dict[str, str] = {}
    for name, variation in VARIATIONS.items():
        if name in active:
            value = variation.value(ctx, values.get(name, 0))
            variation.apply(plan, value)
            settings[name] = variation.show(value)
        elif variation.hold:
            variation.apply(plan, variation.value(ctx, 0))
    varied = tuple(n for n in active if values.get(n, 0) != 0)
    return plan, settings, varied


class _Session:
    """One invocation's state: the workspace, the template, every run so far."""

    def __init__(self, ws: Workspace, ctx: VariationContext, active: tuple[str, ...], template: tuple[str, ...],
                 values: dict[str, str], progress: Callable[[int, str], None] | None = None) -> None:
        self.ws, self.ctx, self.active, self.template, self.values = ws, ctx, active, template, values
        self.progress = progress  # (runs started so far, this run's name), before each run
        self.records: list[RunRecord] = []
        self.outputs: dict[str, bytes] = {}
        self.logs: dict[str, bytes] = {}

    def run(self, name: str, role: str, k: dict[str, int]) -> bytes:
        if self.progress is not None:
            self.progress(len(self.records) + 1, name)
        plan, settings, varied = _plan(self.ctx, self.active, k)
        outcome = self.ws.run(plan, self.template, self.values)
        self.logs[name] = outcome.log
        record = RunRecord(name=name, role=role, settings=settings, varied=varied, exit_code=outcome.exit_code)
        problem = self._problem(outcome)
        if problem:
            self.records.append(record)
            what = f" (varied from the control: {', '.join(varied)})" if varied else ""
            raise ReproError(f"{name}{what}: {problem}{self._log_tail(outcome.log)}{_relative_hint(self.template)}",
                             tuple(self.records))
        output = outcome.output
        assert output is not None
        self.outputs[name] = output
        reference = self.outputs.get(REFERENCE, output)
        self.records.append(RunRecord(name=name, role=role, settings=settings, varied=varied,
                                      exit_code=outcome.exit_code, sha256=hashlib.sha256(output).hexdigest(),
                                      size=len(output), same_as_reference=output == reference))
        return output

    def _problem(self, outcome: Outcome) -> str | None:
        if outcome.error:
            return self.ws.scrub(outcome.error)
        if outcome.exit_code != 0:
            return f"the command exited with code {outcome.exit_code}"
        if outcome.output is None:
            return f"the command exited 0 but wrote nothing to {{out}} ({self.ws.scrub(str(self.ws.out))})"
        return None

    def _log_tail(self, log: bytes) -> str:
        lines = self.ws.scrub(log.decode("utf-8", "backslashreplace")).rstrip().splitlines()[-_LOG_LINES:]
        return "".join(f"\n  | {line}" for line in lines)

    def differs(self, name: str) -> bool:
        return self.outputs[name] != self.outputs[REFERENCE]


def _scrub(ws: Workspace):
    def scrub(value: Any) -> Any:
        if isinstance(value, str):
            return ws.scrub(value)
        if isinstance(value, list):
            return [scrub(v) for v in value]
        if isinstance(value, dict):
            return {scrub(k): scrub(v) for k, v in value.items()}
        return value

    return scrub


def _attribute(session: _Session, runs: int) -> tuple[tuple[str, ...], str]:
    """The causes of a difference, and how they were found."""
    if session.differs("control"):
        return (INHERENT,), ("the control (run-1's settings, nothing varied) already differs from run-1: "
                             "randomness or a clock inside the command; single-variation probes were not run")
    if not session.active:
        return (INHERENT,), "no variation was applied, yet the runs differ: randomness or a clock inside the command"
    differing = [k for k in range(1, runs) if session.differs(f"run-{k + 1}")]
    causes: list[str] = []
    # With one variation applied, the differing varied run already is its probe.
    for name in session.active if len(session.active) > 1 else ():
        for k in differing:
            value = VARIATIONS[name].value(session.ctx, k)
            if value == VARIATIONS[name].value(session.ctx, 0):
                continue  # this run did not change this variation
            probe = f"probe-{name}" if k == differing[0] else f"probe-{name}-as-run-{k + 1}"
            session.run(probe, "probe", {name: k})
            if session.differs(probe):
                causes.append(name)
                break
    session.run("control-2", "control", {})
    if session.differs("control-2"):
        also = f"; probes that differed (unreliable now): {', '.join(causes)}" if causes else ""
        return (INHERENT,), ("a second control run differs from run-1: randomness or a clock inside the "
                             f"command{also}")
    if len(session.active) == 1:
        return session.active, "only one variation was applied, and the runs that differ differ in it alone"
    if not causes:
        return (), ("no single variation reproduces the difference on its own: an interaction of variations, "
                    "or nondeterminism too rare to show in the control runs")
    return tuple(causes), "re-ran the control with one variation at a time; each listed one alone changes the output"


def _clear(artifacts: str) -> Path:
    """``artifacts/repro/`` without a previous invocation's outputs (they would mislead);
    only our own ``*.out`` and ``*.log`` files are removed."""
    directory = Path(artifacts, "repro")
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.iterdir():
        if old.is_file() and old.suffix in (".out", ".log"):
            old.unlink()
    return directory


def _keep(session: _Session, artifacts: str | None) -> dict[str, str]:
    """Write run-1's output and every output that differs from it under ``artifacts/repro/``
    (an output equal to run-1's would only repeat run-1.out)."""
    if artifacts is None:
        return {}
    _clear(artifacts)
    kept = {}
    for name in [n for n in session.outputs if n == REFERENCE or session.differs(n)]:
        path = os.path.join(artifacts, "repro", f"{name}.out")
        Path(path).write_bytes(session.outputs[name])
        kept[name] = path
        if session.logs.get(name):
            Path(artifacts, "repro", f"{name}.log").write_bytes(session.logs[name])
    return kept


def _keep_failure_log(session: _Session, artifacts: str | None, exc: ReproError) -> ReproError:
    if artifacts is None or not exc.runs:
        return exc
    name = exc.runs[-1].name
    try:
        (_clear(artifacts) / f"{name}.log").write_bytes(session.logs.get(name, b""))
    except OSError:
        return exc
    return ReproError(f"{exc}\n  (its whole output: {os.path.join(artifacts, 'repro', name + '.log')})", exc.runs)


def _prepare(command: Sequence[str], repo: str, runs: int, vary: Sequence[str] | None, artifacts: str | None,
             exclude: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...], Path, tuple]:
    """Check the arguments and read the repository: (template, variation names, root, (tree, skipped))."""
    template = parse_template(command)
    if runs < 2:
        raise ReproError(f"--runs must be at least 2 (got {runs}): two varied runs are the least that can differ")
    names = select(vary)
    root = Path(repo)
    if not root.is_dir():
        raise ReproError(f"repository not found: {repo} is not a directory")
    root = root.resolve()
    template = _resolve_program(template)
    own = [Path(artifacts).resolve()] if artifacts else []  # our outputs must not feed the next invocation
    try:
        return template, names, root, scan(root, own, tuple(exclude))
    except OSError as exc:
        raise ReproError(f"cannot read the repository: {exc}") from None


def _notes(machine, active: tuple[str, ...], skipped: list[str]) -> list[str]:
    notes = []
    if "locale" in active and len(machine.locales) < len(_machine.LOCALES):
        missing = ", ".join(x for x in _machine.LOCALES if x not in machine.locales)
        notes.append(f"locale: {missing} not installed (Debian package: {_machine.LOCALES_PACKAGE})")
    if skipped:
        notes.append(f"not copied (special files): {', '.join(skipped[:10])}")
    return notes


def reproduce(command: Sequence[str], *, repo: str = ".", runs: int = 2, vary: Sequence[str] | None = None,
              isolate: bool = False, budget: int = 8000, tokenizer: str = "cl100k", timeout: float = 600.0,
              artifacts: str | None = None, exclude: Sequence[str] = (),
              progress: Callable[[int, str], None] | None = None) -> ReproReport:
    """Run ``command`` (a template with ``{repo}``, ``{out}``, ``{budget}``, ``{tokenizer}``) in
    ``runs`` varied copies of ``repo`` plus a control, and report whether the outputs are identical.
    Raises :class:`ReproError` when the job cannot be done (exit 2). Writes outputs under
    ``artifacts/repro/`` when ``artifacts`` is given; never prints. ``exclude``: patterns of
    paths not to copy (``.venv``, ``node_modules``; see workspace.excluded_by). ``progress(n, name)``
    is called as the n-th run (varied, control or probe) starts."""
    template, names, root, (tree, skipped) = _prepare(command, repo, runs, vary, artifacts, exclude)
    ws = Workspace(root, tree, isolate=isolate, timeout=timeout)
    try:
        machine = _machine.probe(ws.root / "probe", isolate=isolate)
        ws.configure(machine)
        if isolate and machine.network_namespace is None:
            raise ReproError(f"--isolate needs a network namespace, which is not available here: "
                             f"{ws.scrub(machine.network_error or 'unknown reason')}")
        ctx = VariationContext(machine=machine, repo_name=root.name or "repo")
        unavailable = {n: ws.scrub(reason) for n in names if (reason := VARIATIONS[n].unavailable(ctx))}
        active = tuple(n for n in names if n not in unavailable)
        notes = _notes(machine, active, skipped)
        session = _Session(ws, ctx, active, template, {"budget": str(budget), "tokenizer": tokenizer}, progress)
        try:
            for k in range(runs):
                session.run(f"run-{k + 1}", "varied", {n: k for n in active})
            session.run("control", "control", {})
            failed = any(session.differs(name) for name in session.outputs)
            causes, attribution = _attribute(session, runs) if failed else ((), "")
        except ReproError as exc:
            raise _keep_failure_log(session, artifacts, exc) from None
        scrub = _scrub(ws)
        differences: list[Difference] = []
        for name, output in session.outputs.items():
            found = difference(REFERENCE, session.outputs[REFERENCE], name, output, scrub=scrub)
            if found:
                differences.append(found)
    finally:
        ws.close()
    try:
        kept = _keep(session, artifacts)
    except OSError as exc:
        kept = {}
        notes.append(f"could not keep the outputs under {artifacts}: {exc.strerror or exc}")
    records = tuple(dataclasses.replace(r, artifact=kept.get(r.name)) for r in session.records)
    return ReproReport(verdict=FAIL if failed else PASS, causes=causes, attribution=attribution,
                       command=template, repo=repo, varied=active, unavailable=unavailable, runs=records,
                       differences=tuple(differences), isolated=isolate, excluded=tuple(exclude), notes=tuple(notes),
                       artifacts=os.path.join(artifacts, "repro") if artifacts else None)

