"""Which target a free worker fuzzes next, for how long, and which targets a shard owns.

* Sharding (``--shard K/N``, the syntax of ``check --shard`` and ``scripts/mutation
  --shard``): target number i (0-based, in registry order) belongs to shard ``i mod N + 1``
  — round robin, so shards are as even as they can be and every runner of a CI matrix
  agrees on them.
* Interleaving: the targets take turns in slices (:class:`Rotation`), so a long session
  gives each target its share of the wall time whatever order they are listed in; a free
  worker takes the next target in turn that no other worker is running (with more workers
  than targets, targets are shared: their workers use the same corpus directory and
  libFuzzer reloads what the others found). Where the rotation stopped is kept in the
  corpus directory, so short sessions (a nightly CI job) continue it rather than always
  starting with the first target.
* A slice lasts ``seconds × workers / targets`` clamped to [``MIN_SLICE``, ``MAX_SLICE``]:
  each start costs a few seconds (interpreter, instrumentation, replaying the corpus),
  so slices are long enough to amortise that and short enough that every target comes
  round several times an hour.

Leaves alone: running the slices (``session``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path

MIN_SLICE = 20.0
MAX_SLICE = 600.0
STATE_FILE = ".rotation.json"  # in the corpus root: the target the next session starts with



def shard_names(names: Sequence[str], index: int, count: int) -> list[str]:
    """The names shard ``index`` of ``count`` owns: every ``count``-th from position ``index - 1``."""
    return [names[i] for i in range(index - 1, len(names), count)]


def slice_seconds(seconds: float, targets: int, workers: int) -> float:
    """How long one slice lasts (see the module docstring)."""
    share = seconds * max(workers, 1) / max(targets, 1)
    return max(MIN_SLICE, min(MAX_SLICE, share))


class Rotation:
    """Round robin over target names, skipping the ones being fuzzed; thread-safe."""

    def __init__(self, names: Sequence[str], first: str | None = None) -> None:
        if not names:
            raise ValueError("no targets to rotate")
        self.names = list(names)
        self.position = self.names.index(first) if first in self.names else 0
        self._lock = threading.Lock()

    def take(self, busy: set[str], retired: set[str] = frozenset()) -> str | None:
        """The next name in turn that is neither busy nor retired; when every live one is
        busy, the next live one anyway (workers share it). None when all are retired."""
        with self._lock:
            live = [i for i in range(len(self.names)) if self.names[(self.position + i) % len(self.names)]
                    not in retired]
            if not live:
                return None
            order = [(self.position + i) % len(self.names) for i in live]
            chosen = next((k for k in order if self.names[k] not in busy), order[0])
            self.position = (chosen + 1) % len(self.names)
            return self.names[chosen]

    @property
    def next_name(self) -> str:
        with self._lock:
            return self.names[self.position]


def load_first(corpus_root: Path, names: Sequence[str]) -> str | None:
    """The target the last session would have run next, when it is one of ``names``."""
    try:
        state = json.loads((corpus_root / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    first = state.get("next") if isinstance(state, dict) else None
    return first if first in names else None


def save_next(corpus_root: Path, name: str) -> None:
    try:
        corpus_root.mkdir(parents=True, exist_ok=True)
        (corpus_root / STATE_FILE).write_text(json.dumps({"next": name}) + "\n", encoding="utf-8")
    except OSError:
        pass  # losing the rotation's place only costs fairness across sessions
