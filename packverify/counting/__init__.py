"""Exact token counts: fast, and proven equal to tiktoken's.

``counter(name, engine)`` gives the :class:`Counter` that the ``tokens`` oracle
uses. Engines (``--tokenizer-engine``):

* ``auto`` (default): the fast engine (riptoken) if it passes the startup
  self-check against tiktoken on a fixed probe set (packverify.counting.probes),
  otherwise tiktoken, with a note saying why;
* ``fast``: the fast engine or nothing — a fast engine that is missing or fails
  the self-check makes the tokenizer unavailable (the ``tokens`` oracle is then
  ``skipped`` with the reason, never passed);
* ``tiktoken``: the reference path only.

Counters are built once per process and tokenizer, and say which engine they are
(``Counter.describe``, recorded in the report's ``environment``). Counting with a
cache lives in packverify.counting.cache. Leaves alone: the vocabularies (verified
by packverify.tokenizer) and the packer, which counts with tiktoken itself.
"""

from __future__ import annotations

import threading

from packverify.counting.engines import Counter, RiptokenCounter, TiktokenCounter
from packverify.counting.probes import self_check
from packverify.tokenizer import KNOWN, TokenizerUnavailable, release

ENGINES = ("auto", "fast", "tiktoken")
DEFAULT_ENGINE = "auto"

__all__ = ["DEFAULT_ENGINE", "ENGINES", "Counter", "counter"]

_lock = threading.Lock()
_built: dict[tuple[str, str], Counter | TokenizerUnavailable] = {}


def counter(name: str, engine: str = DEFAULT_ENGINE) -> Counter:
    """The counter for tokenizer ``name`` under ``engine``; raises
    :class:`~packverify.tokenizer.TokenizerUnavailable` when it cannot count."""
    if engine not in ENGINES:
        raise ValueError(f"unknown tokenizer engine {engine!r} (choose from {', '.join(ENGINES)})")
    if name not in KNOWN:
        raise TokenizerUnavailable(f"unknown tokenizer {name!r} (known: {', '.join(KNOWN)})")
    with _lock:
        key = (name, engine)
        if key not in _built:
            try:
                _built[key] = _build(name, engine)
            except TokenizerUnavailable as exc:  # refused once, refused for the whole process
                _built[key] = exc
        built = _built[key]
        if isinstance(built, TokenizerUnavailable):
            raise TokenizerUnavailable(str(built))
        return built


def _build(name: str, engine: str) -> Counter:
    reference = TiktokenCounter(name)
    if engine == "tiktoken":
        return reference
    try:
        fast: Counter = RiptokenCounter(name, reference.vocabulary)
        problem = self_check(fast, reference)
    except ImportError as exc:
        problem = f"the fast engine is not installed ({exc})"
    if problem is None:
        release(name)  # the reference has done its job; tiktoken is rebuilt if anything asks again
        return fast
    if engine == "fast":
        raise TokenizerUnavailable(f"--tokenizer-engine fast refused: {problem}")
    reference.note = f"counted by the reference engine: {problem}"
    return reference
