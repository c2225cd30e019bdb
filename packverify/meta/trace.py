"""Recording a relation check's choices and packer runs, and replaying them.

A relation draws what it needs through :meth:`Trace.draw` (a file to copy, a new
name, an order) and runs the packer through :meth:`Trace.run`. During the search the
draws come from hypothesis and are recorded by label; :func:`replay` runs a relation
again with recorded draws — the reproducer on a saved case, and the search's own
tree reduction. Replaying never needs hypothesis (a reproducer runs where it is not
installed), so hypothesis is imported only when a draw is really drawn.

Leaves alone: generating and shrinking cases (``search``), writing reproducers
(``reproducer``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from packverify.meta.packers import Output, RelationFailed, Session, Spec
from packverify.meta.relations import RELATIONS, Case


class ChoiceNotApplicable(Exception):
    """A recorded choice no longer applies to the case (its file was reduced away, or
    the relation changed since the reproducer was written)."""


@dataclass
class TracedRun:
    """One packer run of a relation check: its label (``base``, ``followup`` …), input and output."""

    label: str
    spec: Spec
    output: Output


@dataclass
class Failure:
    """A relation that did not hold: the case, why, the draws and runs that showed it."""

    case: Case
    message: str
    draws: dict[str, Any]
    runs: list[TracedRun]
    seed: int = 0


class Trace:
    """What one relation check did: its draws (by label) and its packer runs."""

    def __init__(self, session: Session, data: Any = None, replay: dict[str, Any] | None = None) -> None:
        self.session = session
        self.data = data
        self.replay = replay
        self.draws: dict[str, Any] = {}
        self.runs: list[TracedRun] = []

    def draw(self, label: str, kind: str, args: Sequence) -> Any:
        """A choice: ``sampled_from`` a list, ``integers`` in [lo, hi], ``permutations`` of a list."""
        value = self._recorded(label, kind, args) if self.replay is not None else self._drawn(label, kind, args)
        self.draws[label] = list(value) if kind == "permutations" else value
        return value

    def _recorded(self, label: str, kind: str, args: Sequence) -> Any:
        if label not in self.replay:
            raise ChoiceNotApplicable(label)
        value = self.replay[label]
        if kind == "permutations":  # a reduced tree: keep the recorded order of the files that are left
            value = [item for item in value if item in args]
        valid = (value in args if kind == "sampled_from" else
                 args[0] <= value <= args[1] if kind == "integers" else sorted(value) == sorted(args))
        if not valid:
            raise ChoiceNotApplicable(label)
        return value

    def _drawn(self, label: str, kind: str, args: Sequence) -> Any:
        # Imported here, not at the top: a replay (the reproducer) must run without hypothesis.
        from hypothesis import strategies as st

        strategy = {"sampled_from": lambda: st.sampled_from(list(args)),
                    "integers": lambda: st.integers(args[0], args[1]),
                    "permutations": lambda: st.permutations(list(args))}[kind]()
        return self.data.draw(strategy, label=label)

    def run(self, label: str, spec: Spec) -> Output:
        [output] = self.session.pack(spec)
        self.runs.append(TracedRun(label, spec, output))
        return output

    def run_twice(self, label: str, spec: Spec) -> list[Output]:
        outputs = self.session.pack(spec, times=2)
        self.runs.append(TracedRun(label, spec, outputs[0]))
        self.runs.append(TracedRun(label + "-again", spec, outputs[1]))
        return outputs


def replay(name: str, session: Session, case: Case, draws: dict[str, Any]) -> Failure | None:
    """Run relation ``name`` on ``case`` with recorded ``draws``: the failure, or ``None``
    when it holds. Raises :class:`ChoiceNotApplicable` when a recorded choice no longer applies."""
    trace = Trace(session, replay=draws)
    try:
        RELATIONS[name].check(trace, case)
    except RelationFailed as failure:
        return Failure(case, session.clean(str(failure)), dict(trace.draws), list(trace.runs))
    return None
