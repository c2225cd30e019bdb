"""Recording a relation check's choices and packer runs, and replaying them.

A relation draws what it needs through :meth:`Trace.draw` (a file to copy, a new
name, an order) and runs the packer through :meth:`Trace.run`. During the search the
draws come from hypothesis and are recorded by label; :func:`replay` runs a relation
again with recorded draws — the reproducer on a saved case, and the search's own
tree reduction. Replaying never needs hypothesis (a reproducer runs where it is not
installed), so hypothesis is imported only when a draw is really drawn.

A reproducer may have to make a choice that was never recorded — the failure it saved
came before that choice (a run that failed earlier; another packer, ``--packer``, that
gets further on the same case) — or whose recorded value is not among the choices any
more (another packer packed other files). It then takes the simplest value — the first
of a list, the lower bound, the order given: what hypothesis shrinks every choice
towards — and lists the label in ``substituted`` (``lenient``). The search's own
reduction never does: a case that gets further than the recorded failure is another
failure, not a smaller one.

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

    def __init__(self, session: Session, data: Any = None, replay: dict[str, Any] | None = None, *,
                 lenient: bool = False) -> None:
        self.session = session
        self.data = data
        self.replay = replay
        self.lenient = lenient
        self.substituted: list[str] = []
        self.draws: dict[str, Any] = {}
        self.runs: list[TracedRun] = []

    def draw(self, label: str, kind: str, args: Sequence) -> Any:
        """A choice: ``sampled_from`` a list, ``integers`` in [lo, hi], ``permutations`` of a list."""
        value = self._recorded(label, kind, args) if self.replay is not None else self._drawn(label, kind, args)
        self.draws[label] = list(value) if kind == "permutations" else value
        return value

    def _recorded(self, label: str, kind: str, args: Sequence) -> Any:
        value = self.replay.get(label)
        if label in self.replay and kind == "permutations" and isinstance(value, list):
            value = [item for item in value if item in args]  # a reduced tree: the recorded order of what is left
        valid = label in self.replay and (
            value in args if kind == "sampled_from" else
            isinstance(value, int) and args[0] <= value <= args[1] if kind == "integers" else
            sorted(value) == sorted(args) if isinstance(value, list) else False)
        if valid:
            return value
        if self.lenient and args and (kind != "integers" or args[0] <= args[1]):
            self.substituted.append(label)
            return list(args) if kind == "permutations" else args[0]
        raise ChoiceNotApplicable(label)

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


def replay(name: str, session: Session, case: Case, draws: dict[str, Any], *,
           lenient: bool = False) -> tuple[Failure | None, list[str]]:
    """Run relation ``name`` on ``case`` with recorded ``draws``: (the failure, or ``None``
    when it holds; the labels whose choice was substituted — only when ``lenient``).
    Raises :class:`ChoiceNotApplicable` when a recorded choice was never made or no
    longer applies (unless ``lenient``), and :class:`~packverify.meta.packers.Unjudged`
    when a run the relation needs failed."""
    trace = Trace(session, replay=draws, lenient=lenient)
    try:
        RELATIONS[name].check(trace, case)
    except RelationFailed as failure:
        return Failure(case, session.clean(str(failure)), dict(trace.draws), list(trace.runs)), trace.substituted
    return None, trace.substituted
