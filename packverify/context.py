"""What oracles receive besides the pack: options and services, nothing global."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import tiktoken

from packverify import tokenizer as _tokenizer
from packverify.format import DEFAULT_UNDERFLOW

DEFAULT_MAX_FINDINGS = 10_000


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
