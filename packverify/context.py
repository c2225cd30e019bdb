"""What oracles receive besides the pack: options and services, nothing global."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from packverify import counting
from packverify.format import DEFAULT_UNDERFLOW

DEFAULT_MAX_FINDINGS = 10_000
DEFAULT_TOKENIZER = "cl100k"


@dataclass
class Context:
    """Options and services for one check run.

    ``counter`` is injectable so unit tests may use a fake tokenizer *and say so*;
    everything else gets the real one, chosen by ``engine`` (``--tokenizer-engine``)
    and remembered in ``cache`` (``--cache DIR``) when given.
    """

    repo: Path | None = None
    jobs: int = 1
    strict: bool = False
    default_underflow: float = DEFAULT_UNDERFLOW
    max_findings: int = DEFAULT_MAX_FINDINGS  # per oracle per pack; 0 = no limit
    engine: str = counting.DEFAULT_ENGINE
    cache: Path | None = None
    counter: Callable[[str], counting.Counter] | None = None
    _counters: dict[str, counting.Counter] = field(default_factory=dict, repr=False)

    def counter_for(self, name: str) -> counting.Counter:
        """The counter for tokenizer ``name``; raises ``TokenizerUnavailable`` when none can count."""
        if self.counter is not None:
            return self.counter(name)
        if name not in self._counters:
            built = counting.counter(name, self.engine)
            if self.cache is not None:
                from packverify.counting.cache import CachedCounter

                built = CachedCounter(built, self.cache)
            self._counters[name] = built
        return self._counters[name]

    def result_cache(self, kind: str, depends_on: tuple[str, ...]):
        """The :class:`packverify.result_cache.ResultCache` of ``kind`` under ``--cache DIR``
        (``None`` without one): for an oracle whose per-chunk result is a pure function of
        the content and of ``depends_on`` (its engine's version, its rules' digest)."""
        if self.cache is None:
            return None
        from packverify.result_cache import ResultCache

        return ResultCache(self.cache, kind, depends_on)

    def counting(self) -> dict[str, dict]:
        """Per tokenizer this run counted with: the engine, the vocabulary, and why
        when it is not the engine asked for — sorted, so reports stay byte-identical."""
        return {name: self._counters[name].describe() for name in sorted(self._counters)}
    # Options for packs in other formats (packverify.foreign_view; docs/formats/README.md):
    input_format: str | None = None  # --input-format: a reader's name instead of detection
    rev: str | None = None  # --rev: compare with this revision of --repo, not its working tree
    budget: int | None = None  # --budget: the real tokens of the whole pack text must not exceed it
    tokenizer: str | None = None  # --tokenizer: for counts a format states without naming one
    claims: Path | None = None  # --claims: a scribe --stats output stating facts about the pack
    require_complete: bool = False  # --require-complete: a tracked text file left out is an error

    @property
    def tokenizer_name(self) -> str:
        """The tokenizer for counts no format names: ``--tokenizer``, else cl100k (what
        scribe's default model, gpt-4, uses)."""
        return self.tokenizer or DEFAULT_TOKENIZER
