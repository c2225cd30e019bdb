"""Searching for a relation's counterexample, and shrinking it.

Each relation runs as one hypothesis test: inputs (:class:`Case`: a ``repos()``
tree, a budget, plain directory or git) come from :mod:`packverify.strategies`,
or a fixed ``--repo`` with drawn budgets; everything else a relation chooses is
drawn through :class:`~packverify.meta.trace.Trace` and recorded. The run is
deterministic for a given seed (``@seed``, no example database, no wall-clock
decisions — except the shrink budget, below). On a failure hypothesis shrinks the
case; the last failing call is the minimal one, kept for the reproducer.

Shrinking runs the packer once per candidate (cached by input), so it is given a
budget counted in packer runs (not seconds: the result must not depend on the
machine's speed or load): past it, inputs never run before count as passing
without running (cached ones replay their result, so hypothesis never sees a flaky
test). The tree is then reduced file by file (greedy delta debugging) with the
same recorded choices — for a fixed ``--repo`` that is the only shrinking.

hypothesis and the strategies are imported inside the functions that search, not
at the top: ``packverify.meta`` is imported by the reproducer, which replays a case
without hypothesis, and ``packverify check`` never loads it.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from packverify.meta.packers import OutOfTime, PackerUnavailable, RelationFailed, Session, Unjudged
from packverify.meta.relations import RELATIONS, Case
from packverify.meta.trace import ChoiceNotApplicable, Failure, Trace, replay
from packverify.repo_fixtures import Repo, RepoFile
from packverify.sample_text import synthetic_text

DEFAULT_SHRINK_RUNS = 150  # packer runs to shrink one failure (≈ 100 s with the reference packer's start-up)
HYPOTHESIS_SHARE = 0.6  # of the shrink budget; the rest goes to reduce_repository


@dataclass
class RelationResult:
    name: str
    title: str
    status: str  # pass | fail | skipped
    examples: int
    message: str
    reproducer: str | None = None
    failure: Failure | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
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

    from packverify.strategies import repos

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


@dataclass
class _SearchState:
    """What the probe learnt: examples run (shrinking aside), their notes, the last failure.
    An example the relation could not judge (a run failed: a validity problem) is noted
    ``unjudged: why`` and counts as holding — the run's validity section reports it."""

    examples: int = 0
    notes: list[str] = field(default_factory=list)
    failure: Failure | None = None

    def message(self) -> str:
        vacuous = sum(1 for n in self.notes if n.startswith("vacuous"))
        unjudged = [n[len("unjudged: "):] for n in self.notes if n.startswith("unjudged: ")]
        extra = [f"{vacuous} vacuous"] if vacuous else []
        if unjudged:
            extra.append(f"{len(unjudged)} not judged: {unjudged[0]}")
        return f"held on {self.examples} example(s)" + (f" ({'; '.join(extra)})" if extra else "")


def _probe(name: str, session: Session, state: _SearchState, *, examples: int, seed: int, fixed: Repo | None,
           git: bool | None, shrink_runs: int, budgets: tuple[int, int] | None, notify: Callable[[str, str], None]):
    """The hypothesis test that checks relation ``name`` on drawn cases (module docstring).

    Health checks stay on (a strategy too slow or filtering too much is a packverify bug
    to see); the deadline is off because a packer run takes what it takes."""
    from hypothesis import Phase, Verbosity, given, settings
    from hypothesis import seed as seed_decorator
    from hypothesis import strategies as st

    relation = RELATIONS[name]

    @seed_decorator(seed)
    @settings(parent=settings.get_profile("default"), database=None, max_examples=examples,
              deadline=None, derandomize=False, phases=[Phase.generate, Phase.shrink], report_multiple_bugs=False,
              verbosity=Verbosity.quiet, print_blob=False)
    @given(case=cases(fixed, git, budgets=budgets), data=st.data())
    def probe(case: Case, data) -> None:
        trace = Trace(session, data)
        shrinking = state.failure is not None
        try:
            note = relation.check(trace, case)
        except OutOfTime:
            return
        except Unjudged as reason:
            note = f"unjudged: {session.clean(str(reason))}"
        except RelationFailed as failure:
            if not shrinking:
                state.examples += 1
                session.run_limit = session.runs + int(shrink_runs * HYPOTHESIS_SHARE)
            state.failure = Failure(case, session.clean(str(failure)), dict(trace.draws), list(trace.runs), seed)
            notify(name, "shrink")
            raise
        if not shrinking:
            state.examples += 1
            state.notes.append(note)
            notify(name, "example")

    return probe


def check_relation(name: str, session: Session, *, examples: int, seed: int, fixed: Repo | None = None,
                   git: bool | None = None, shrink_runs: int = DEFAULT_SHRINK_RUNS,
                   budgets: tuple[int, int] | None = None,
                   progress: Callable[[str, str], None] | None = None) -> RelationResult:
    """Search for a counterexample to relation ``name``; shrink it if found.

    Only a relation failure is caught — and hypothesis' ``FlakyFailure``, a relation
    failure that did not fail again when replayed (past the shrink budget an input
    never run counts as passing). Anything else is a packverify bug and propagates."""
    from hypothesis.errors import FlakyFailure

    title = RELATIONS[name].title
    state = _SearchState()
    probe = _probe(name, session, state, examples=examples, seed=seed, fixed=fixed, git=git, shrink_runs=shrink_runs,
                   budgets=budgets, notify=progress or (lambda *_: None))
    session.run_limit = None
    interrupted: str | None = None
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            probe()
    except RelationFailed:
        pass
    except FlakyFailure as exc:
        unavailable = _find(exc, PackerUnavailable)
        if unavailable is not None:
            raise unavailable from None
        interrupted = type(exc).__name__
    finally:
        session.run_limit = None
    if state.failure is None:
        unjudged = [n for n in state.notes if n.startswith("unjudged: ")]
        if state.notes and len(unjudged) == len(state.notes):
            return RelationResult(name, title, "skipped", state.examples,
                                  f"skipped: not judged on any example ({unjudged[0]}; see validity)")
        return RelationResult(name, title, "pass", state.examples, state.message())
    share = 1 - HYPOTHESIS_SHARE if fixed is None else 1
    failure = reduce_repository(name, session, state.failure, runs=max(1, int(shrink_runs * share)))
    if interrupted:
        failure.message += f" (the search was interrupted: {interrupted})"
    return RelationResult(name, title, "fail", state.examples, failure.message, failure=failure)


def _find(exc: BaseException, kind: type) -> BaseException | None:
    if isinstance(exc, kind):
        return exc
    for inner in getattr(exc, "exceptions", ()) or ():
        found = _find(inner, kind)
        if found is not None:
            return found
    return _find(exc.__cause__, kind) if exc.__cause__ is not None else None


def _drop_files(repo: Callable[[], Repo], attempt: Callable[[Repo], bool]) -> bool:
    """Drop files from the tree while ``attempt`` says it still fails: halves of the
    files, then quarters … then one at a time (delta debugging's complements, largest
    files first), so a tree of n files where one matters costs about 2·log2(n) attempts
    instead of n. Returns whether anything went."""
    changed = False
    size = max(1, len(repo()) // 2)
    while True:
        files = sorted(repo(), key=lambda f: (-f.size, f.path))
        for start in range(0, len(files), size):
            present = {f.path for f in repo()}
            group = [f.path for f in files[start:start + size] if f.path in present]
            if group:
                smaller = repo()
                for path in group:
                    smaller = smaller.without(path)
                changed |= attempt(smaller)
        if size == 1:
            return changed
        size = max(1, size // 2)


def reduce_repository(name: str, session: Session, failure: Failure, *, runs: int) -> Failure:
    """Greedy delta debugging of the failing tree with the same recorded choices:
    drop files (halves of them, then quarters … then one at a time), then halve repeated contents and cut files to their
    first half, while the relation still fails — until nothing more goes or ``runs``
    packer runs are spent.
    For a fixed ``--repo`` this is the only shrinking; for generated trees it finishes
    what hypothesis' shrinker had no time for."""
    current = failure
    session.run_limit = session.runs + runs

    def attempt(repo: Repo) -> bool:
        nonlocal current
        if session.runs >= session.run_limit:
            return False
        smaller = Case(repo, current.case.budget, current.case.git)
        try:
            found, _ = replay(name, session, smaller, current.draws)
        except (ChoiceNotApplicable, OutOfTime, Unjudged):
            return False
        if found is None:
            return False
        current = Failure(smaller, found.message, found.draws, found.runs, failure.seed)
        return True

    changed = True
    while changed and session.runs < session.run_limit:
        changed = _drop_files(lambda: current.case.repo, attempt)
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
