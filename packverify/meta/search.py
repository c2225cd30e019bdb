"""Searching for a relation's counterexample, and shrinking it.

Each relation runs as one hypothesis test: inputs (:class:`Case`: a ``repos()``
tree, a budget, plain directory or git) come from :mod:`packverify.strategies`,
or a fixed ``--repo`` with drawn budgets; everything else a relation chooses is
drawn through :class:`Trace` and recorded. The run is deterministic for a given
seed (``@seed``, no example database, no wall-clock decisions — except the shrink
budget, below). On a failure hypothesis shrinks the case; the last failing call
is the minimal one, kept for the reproducer.

Shrinking runs the packer once per candidate (cached by input), so it is given a
budget counted in packer runs (not seconds: the result must not depend on the
machine's speed or load): past it, inputs never run before count as passing
without running (cached ones replay their result, so hypothesis never sees a flaky
test). The tree is then reduced file by file (greedy delta debugging) with the
same recorded choices — for a fixed ``--repo`` that is the only shrinking.

hypothesis is imported here, lazily by the CLI: ``packverify check`` never loads it.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packverify.meta.relations import RELATIONS, Case
from packverify.meta.runner import OutOfTime, Output, PackerUnavailable, RelationFailed, Session, Spec
from packverify.strategies import Repo, repos

DEFAULT_SHRINK_RUNS = 150  # packer runs to shrink one failure (≈ 100 s with the reference packer's start-up)
HYPOTHESIS_SHARE = 0.6  # of the shrink budget; the rest goes to reduce_repository


class _Invalid(Exception):
    """A replayed choice no longer applies (its file was reduced away)."""


@dataclass
class RunRecord:
    label: str
    spec: Spec
    output: Output


class Trace:
    """What one relation check did: its draws (by label) and its packer runs."""

    def __init__(self, session: Session, data: Any = None, replay: dict[str, Any] | None = None) -> None:
        self.session = session
        self.data = data
        self.replay = replay
        self.draws: dict[str, Any] = {}
        self.runs: list[RunRecord] = []

    def draw(self, label: str, kind: str, args: Sequence) -> Any:
        """A choice: ``sampled_from`` a list, ``integers`` in [lo, hi], ``permutations`` of a list."""
        if self.replay is not None:
            if label not in self.replay:
                raise _Invalid(label)
            value = self.replay[label]
            if kind == "permutations":  # a reduced tree: keep the recorded order of the files that are left
                value = [item for item in value if item in args]
            valid = (value in args if kind == "sampled_from" else
                     args[0] <= value <= args[1] if kind == "integers" else sorted(value) == sorted(args))
            if not valid:
                raise _Invalid(label)
        else:
            from hypothesis import strategies as st

            strategy = {"sampled_from": lambda: st.sampled_from(list(args)),
                        "integers": lambda: st.integers(args[0], args[1]),
                        "permutations": lambda: st.permutations(list(args))}[kind]()
            value = self.data.draw(strategy, label=label)
        self.draws[label] = list(value) if kind == "permutations" else value
        return value

    def run(self, label: str, spec: Spec) -> Output:
        [output] = self.session.pack(spec)
        self.runs.append(RunRecord(label, spec, output))
        return output

    def run_twice(self, label: str, spec: Spec) -> list[Output]:
        outputs = self.session.pack(spec, times=2)
        self.runs.append(RunRecord(label, spec, outputs[0]))
        self.runs.append(RunRecord(label + "-again", spec, outputs[1]))
        return outputs


@dataclass
class Failure:
    case: Case
    message: str
    draws: dict[str, Any]
    runs: list[RunRecord]
    seed: int = 0


@dataclass
class RelationResult:
    name: str
    title: str
    status: str  # pass | fail | skipped
    examples: int
    message: str
    reproducer: str | None = None
    failure: Failure | None = field(default=None, repr=False)
    internal: bool = False  # packverify meta itself failed (a bug): the CLI exits 2

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "examples": self.examples, "message": self.message,
                "reproducer": self.reproducer}


_BULK = (("src/engine.py", "code"), ("docs/manual.md", "markdown"), ("lib/parser.rs", "code"), ("notes.txt", "text"))


def _estimate(repo: Repo) -> int:
    """Tokens a packer may offer, roughly (four bytes a token)."""
    return sum(f.size for f in repo if f.packable) // 4


def cases(fixed: Repo | None = None, git: bool | None = None, *, max_files: int = 6,
          budgets: tuple[int, int] | None = None):
    """The common input of the relations: a repository tree, a budget, git or not.

    Generated trees get, half of the time, one bulky source file (a block repeated
    5–120 times), and budgets are drawn up to 1.2 × the tree's estimated tokens, so
    that budgets bind (content left out) in a good share of the examples — most
    relations say nothing interesting when everything fits. ``budgets`` (lo, hi)
    fixes the range instead."""
    from hypothesis import strategies as st

    from packverify.strategies import RepoFile, synthetic_text

    if fixed is not None:
        low, top = budgets or (1000, max(2000, int(_estimate(fixed) * 1.2)))
        return st.builds(Case, repo=st.just(fixed), budget=st.integers(low, top), git=st.just(bool(git)))

    @st.composite
    def generated(draw) -> Case:
        repo = draw(repos(secrets=True, max_files=max_files))
        if draw(st.booleans()):
            path, kind = draw(st.sampled_from(_BULK))
            if repo.get(path) is None and not any(p.startswith(path + "/") for p in repo.paths):
                text = synthetic_text(kind, draw(st.integers(0, 2**24)), lines=20)
                repo = repo.with_file(RepoFile(path, text.encode(), draw(st.integers(5, 120)), kind))
        low, top = budgets or (1000, min(8000, max(1000, int(_estimate(repo) * 1.2))))
        return Case(repo, draw(st.integers(low, top)), draw(st.booleans()))

    return generated()


def check_relation(name: str, session: Session, *, examples: int, seed: int, fixed: Repo | None = None,
                   git: bool | None = None, shrink_runs: int = DEFAULT_SHRINK_RUNS,
                   budgets: tuple[int, int] | None = None,
                   progress: Callable[[str, str], None] | None = None) -> RelationResult:
    """Search for a counterexample to relation ``name``; shrink it if found."""
    from hypothesis import HealthCheck, Phase, Verbosity, given, settings
    from hypothesis import seed as seed_decorator
    from hypothesis import strategies as st

    relation = RELATIONS[name]
    notify = progress or (lambda *_: None)
    state: dict[str, Any] = {"examples": 0, "failure": None, "notes": []}

    @seed_decorator(seed)
    @settings(parent=settings.get_profile("default"), database=None, max_examples=examples, deadline=None,
              derandomize=False, phases=[Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck),
              report_multiple_bugs=False, verbosity=Verbosity.quiet, print_blob=False)
    @given(case=cases(fixed, git, budgets=budgets), data=st.data())
    def probe(case: Case, data) -> None:
        trace = Trace(session, data)
        shrinking = state["failure"] is not None
        try:
            note = relation.check(trace, case)
        except OutOfTime:
            return
        except RelationFailed as failure:
            if not shrinking:
                state["examples"] += 1
                session.run_limit = session.runs + int(shrink_runs * HYPOTHESIS_SHARE)
            state["failure"] = Failure(case, session.clean(str(failure)), dict(trace.draws), list(trace.runs), seed)
            notify(name, "shrink")
            raise
        if not shrinking:
            state["examples"] += 1
            state["notes"].append(note)
            notify(name, "example")

    session.run_limit = None
    error: BaseException | None = None
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            probe()
    except PackerUnavailable:
        raise
    except RelationFailed as exc:
        error = exc
    except Exception as exc:  # hypothesis' Flaky and friends: still a failure of this relation
        unavailable = _find(exc, PackerUnavailable)
        if unavailable is not None:
            raise unavailable from None
        error = exc
    finally:
        session.run_limit = None
    failure: Failure | None = state["failure"]
    if error is None or failure is None:
        if error is not None:  # not a relation failure: a bug in packverify meta itself, reported as such
            return RelationResult(name, relation.title, "fail", state["examples"],
                                  f"packverify meta error (a bug in packverify): {type(error).__name__}: {error}",
                                  internal=True)
        vacuous = sum(1 for n in state["notes"] if n.startswith("vacuous"))
        message = f"held on {state['examples']} example(s)"
        if vacuous:
            message += f" ({vacuous} vacuous)"
        return RelationResult(name, relation.title, "pass", state["examples"], message)
    share = 1 - HYPOTHESIS_SHARE if fixed is None else 1
    failure = reduce_repository(name, session, failure, runs=max(1, int(shrink_runs * share)))
    if not isinstance(error, RelationFailed):
        failure.message += f" (the search was interrupted: {type(error).__name__})"
    return RelationResult(name, relation.title, "fail", state["examples"], failure.message, failure=failure)


def _find(exc: BaseException, kind: type) -> BaseException | None:
    if isinstance(exc, kind):
        return exc
    for inner in getattr(exc, "exceptions", ()) or ():
        found = _find(inner, kind)
        if found is not None:
            return found
    return _find(exc.__cause__, kind) if exc.__cause__ is not None else None


def replay(name: str, session: Session, case: Case, draws: dict[str, Any]) -> Failure | None:
    """Run relation ``name`` on ``case`` with recorded ``draws``: the failure, or ``None``
    when it holds. Raises :class:`_Invalid` when a recorded choice no longer applies."""
    trace = Trace(session, replay=draws)
    try:
        RELATIONS[name].check(trace, case)
    except RelationFailed as failure:
        return Failure(case, session.clean(str(failure)), dict(trace.draws), list(trace.runs))
    return None


def reduce_repository(name: str, session: Session, failure: Failure, *, runs: int) -> Failure:
    """Greedy delta debugging of the failing tree with the same recorded choices:
    drop files (largest first), then halve repeated contents and cut files to their
    first half, while the relation still fails — until nothing more goes or ``runs``
    packer runs are spent.
    For a fixed ``--repo`` this is the only shrinking; for generated trees it finishes
    what hypothesis' shrinker had no time for."""
    from packverify.strategies import RepoFile

    current = failure
    session.run_limit = session.runs + runs

    def attempt(repo: Repo) -> bool:
        nonlocal current
        if session.runs >= session.run_limit:
            return False
        smaller = Case(repo, current.case.budget, current.case.git)
        try:
            found = replay(name, session, smaller, current.draws)
        except (_Invalid, OutOfTime):
            return False
        if found is None:
            return False
        current = Failure(smaller, found.message, found.draws, found.runs, failure.seed)
        return True

    changed = True
    while changed and session.runs < session.run_limit:
        changed = False
        for file in sorted(current.case.repo, key=lambda f: (-f.size, f.path)):
            changed |= attempt(current.case.repo.without(file.path))
        for file in sorted(current.case.repo, key=lambda f: (-f.size, f.path)):
            if file.repeat > 1:
                changed |= attempt(current.case.repo.with_file(
                    RepoFile(file.path, file.data, file.repeat // 2, file.kind)))
            elif file.data.count(b"\n") > 1:
                lines = file.data.split(b"\n")
                half = b"\n".join(lines[: len(lines) // 2]) + b"\n"
                changed |= attempt(current.case.repo.with_file(RepoFile(file.path, half, 1, file.kind)))
    session.run_limit = None
    return current


def load_tree(root: str | Path, kinds: dict[str, str] | None = None) -> Repo:
    """A directory as a :class:`Repo`: every regular file except under ``.git/``
    (symbolic links are left out). ``kinds``: known kinds by path; otherwise a
    file is ``vendored`` under a vendored directory, ``binary`` when it holds a NUL
    byte or is not UTF-8, ``empty``, ``gitignore``, or ``text``."""
    from packverify.meta.relations import VENDOR_DIRS
    from packverify.strategies import RepoFile

    base = Path(root)
    files = []
    for path in sorted(base.rglob("*")):
        rel = path.relative_to(base)
        if (rel.parts and rel.parts[0] == ".git") or path.is_symlink() or not path.is_file():
            continue
        data = path.read_bytes()
        name = rel.as_posix()
        kind = (kinds or {}).get(name) or _kind(name, data, VENDOR_DIRS)
        files.append(RepoFile(name, data, 1, kind))
    return Repo(tuple(files))


def _kind(path: str, data: bytes, vendored: Sequence[str]) -> str:
    if any(part in vendored for part in path.split("/")[:-1]):
        return "vendored"
    if not data:
        return "empty"
    if b"\0" in data:
        return "binary"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "binary"
    return "gitignore" if path.rsplit("/", 1)[-1] == ".gitignore" else "text"


def preflight(session: Session) -> None:
    """Run the packer once on a tiny repository: it must start and succeed, else it
    cannot be tested at all (exit 2)."""
    from packverify.strategies import RepoFile

    tiny = Repo((RepoFile("README.md", b"# Preflight\n\nA tiny repository.\n", 1, "markdown"),
                 RepoFile("src/main.py", b"print('hello')\n", 1, "code")))
    [output] = session.pack(Spec(tiny, 1000))
    run = output.run
    if run.returncode is None:
        raise PackerUnavailable(f"the packer did not finish on a two-file repository: {run.stderr}")
    if run.returncode != 0:
        tail = " | ".join(run.stderr.strip().splitlines()[-3:])
        raise PackerUnavailable(f"the packer exited {run.returncode} on a two-file repository"
                                + (f": {tail}" if tail else ""))
    if run.data is None:
        raise PackerUnavailable("the packer wrote no pack for a two-file repository "
                                "(with {out} it must write there, without it to standard output)")


@dataclass
class MetaReport:
    packer: str
    seed: int
    examples: int
    results: list[RelationResult]

    @property
    def verdict(self) -> str:
        return "fail" if any(r.status == "fail" for r in self.results) else "pass"

    def to_json(self) -> dict[str, Any]:
        from packverify import __version__

        return {"tool": {"name": "packverify", "version": __version__}, "verdict": self.verdict,
                "packer": self.packer, "seed": self.seed, "examples": self.examples,
                "relations": {r.name: r.to_json() for r in self.results}}


def run_meta(packer, *, relations: Sequence[str] | None = None, examples: int = 10, seed: int = 0,
             repo: str | Path | None = None, artifacts: str | Path | None = "artifacts",
             shrink_runs: int = DEFAULT_SHRINK_RUNS, progress: Callable[[str, str], None] | None = None,
             workdir: str | Path | None = None, budgets: tuple[int, int] | None = None) -> MetaReport:
    """Check ``relations`` (default: all) against ``packer``; write a reproducer under
    ``artifacts/meta/<relation>/`` for each failure (``artifacts=None``: none).
    ``budgets``: (lo, hi) of the drawn budgets (default: 1000 up to 1.2 × the tree).
    Raises :class:`PackerUnavailable` when the packer cannot be run at all."""
    from packverify.meta.reproducer import write_reproducer

    names = list(relations or RELATIONS)
    session = Session(packer, workdir)
    try:
        packer.check_runnable()
        preflight(session)
        fixed = load_tree(repo) if repo is not None else None
        git = repo is not None and (Path(repo) / ".git").exists()
        results = []
        for name in names:
            result = check_relation(name, session, examples=examples, seed=seed, fixed=fixed, git=git,
                                    shrink_runs=shrink_runs, budgets=budgets, progress=progress)
            if result.failure is not None and artifacts is not None:
                result.reproducer = write_reproducer(Path(artifacts), name, packer, result, seed)
            results.append(result)
            if progress:
                progress(name, "done")
    finally:
        session.close()
    return MetaReport(packer.describe, seed, examples, results)
