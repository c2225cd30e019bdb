"""What oracles receive besides the pack: options and services, nothing global."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import tiktoken

from packverify import tokenizer as _tokenizer
from packverify.format import DEFAULT_UNDERFLOW

DEFAULT_MAX_FINDINGS = 10_000
DEFAULT_TOKENIZER = "cl100k"


@dataclass
class Context:
    """Options and services for one check run.

    ``encoding`` is injectable so unit tests may use a fake tokenizer *and say so*;
    everything else gets the real one.
    """

    repo: Path | None = None
    jobs: int = 1
    strict: bool = False
    default_underflow: float = DEFAULT_UNDERFLOW
    max_findings: int = DEFAULT_MAX_FINDINGS  # per oracle per pack; 0 = no limit
    encoding: Callable[[str], tiktoken.Encoding] = field(default=_tokenizer.get_encoding)
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
