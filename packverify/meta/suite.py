"""``run_meta``: every relation against one packer, with a reproducer per failure, and
the validity of every output the packer wrote, reported once.

Checks that the packer can run at all (a two-file repository must pack, in a format
packverify reads: otherwise exit 2, not eight failed relations), skips the relations the
template cannot express (no ``{budget}``: M3, M4; no ``{tokenizer}``: M4), searches each
other relation in turn (:mod:`packverify.meta.search`), writes
``artifacts/meta/<relation>/`` for each failure and ``artifacts/meta/validity/<code>/``
for each validity problem (:mod:`packverify.meta.reproducer`). The verdict fails when a
relation fails or an output has a validity error. Leaves alone: rendering and exit codes
(packverify/cli/meta_cmd.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packverify._version import tool_info
from packverify.meta.packers import PackerUnavailable, Session, Spec
from packverify.meta.relations import RELATIONS
from packverify.meta.reproducer import write_reproducer, write_validity_example
from packverify.meta.search import DEFAULT_SHRINK_RUNS, RelationResult, check_relation
from packverify.meta.validity import Validity
from packverify.repo_fixtures import Repo, RepoFile, read_tree


def preflight(session: Session) -> None:
    """Run the packer once on a tiny repository: it must start and succeed, else it
    cannot be tested at all (exit 2)."""
    tiny = Repo((RepoFile("README.md", b"# Preflight\n\nA tiny repository.\n", 1, "markdown"),
                 RepoFile("src/main.py", b"print('hello')\n", 1, "code")))
    [output] = session.pack(Spec(tiny, 1000))  # the first output: its format is the session's
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
    if output.contents is not None and output.contents.unreadable:
        raise PackerUnavailable(f"its output for a two-file repository cannot be read as {session.format}: "
                                f"{output.contents.unreadable}")


def missing_placeholders(packer, name: str) -> list[str]:
    """The placeholders relation ``name`` needs that the packer's template lacks."""
    given = {"budget": packer.takes_budget, "tokenizer": packer.takes_tokenizer}
    return [p for p in RELATIONS[name].needs if not given[p]]


@dataclass
class MetaReport:
    packer: str
    seed: int
    examples: int
    results: list[RelationResult]
    validity: Validity
    format: str | None = None  # the format the packer's outputs were read as

    @property
    def verdict(self) -> str:
        failed = any(r.status == "fail" for r in self.results) or self.validity.status == "fail"
        return "fail" if failed else "pass"

    def to_dict(self) -> dict[str, Any]:
        return {"tool": tool_info(), "verdict": self.verdict, "packer": self.packer, "format": self.format,
                "seed": self.seed, "examples": self.examples,
                "relations": {r.name: r.to_dict() for r in self.results}, "validity": self.validity.to_dict()}


def run_meta(packer, *, relations: Sequence[str] | None = None, examples: int = 10, seed: int = 0,
             repo: str | Path | None = None, artifacts: str | Path | None = "artifacts",
             shrink_runs: int = DEFAULT_SHRINK_RUNS, progress: Callable[[str, str], None] | None = None,
             workdir: str | Path | None = None, budgets: tuple[int, int] | None = None) -> MetaReport:
    """Check ``relations`` (default: all) against ``packer``; write a reproducer under
    ``artifacts/meta/<relation>/`` for each failure (``artifacts=None``: none).
    ``budgets``: (lo, hi) of the drawn budgets (default: 1000 up to 1.2 × the tree).
    Raises :class:`PackerUnavailable` when the packer cannot be run at all."""
    names = list(relations or RELATIONS)
    session = Session(packer, workdir)
    try:
        packer.check_runnable()
        preflight(session)
        fixed = read_tree(repo) if repo is not None else None
        git = repo is not None and (Path(repo) / ".git").exists()
        results = []
        for name in names:
            missing = missing_placeholders(packer, name)
            if missing:
                result = RelationResult(name, RELATIONS[name].title, "skipped", 0, "skipped: the packer takes no "
                                        + " and no ".join("{" + p + "}" for p in missing))
            else:
                result = check_relation(name, session, examples=examples, seed=seed, fixed=fixed, git=git,
                                        shrink_runs=shrink_runs, budgets=budgets, progress=progress)
            if result.failure is not None and artifacts is not None:
                result.reproducer = write_reproducer(Path(artifacts), name, packer, result, seed, session.format)
            results.append(result)
            if progress:
                progress(name, "done")
        if artifacts is not None:
            for tally in session.validity.findings():
                tally.where = write_validity_example(Path(artifacts), tally, packer)
    finally:
        session.close()
    return MetaReport(packer.describe, seed, examples, results, session.validity, session.format)
