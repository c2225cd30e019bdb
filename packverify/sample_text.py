"""Deterministic, realistic file text from a seed — without hypothesis.

The vocabulary (words, line templates of code, markdown, config and prose) that
``packverify.strategies`` draws file texts from, and :func:`synthetic_text`, the
same text for a fixed seed: ``packverify meta`` builds bulky and vendored files
with it, also when a reproducer replays a case without hypothesis installed.

Every list starts with its simplest entry, and seed 0 fills every template with
those: that is where shrinking goes. Leaves alone: drawing seeds and line counts
(``packverify.strategies``).
"""

from __future__ import annotations

import os
import random
from collections.abc import Sequence

WORDS = ("a", "value", "index", "parse", "token", "budget", "chunk", "render", "cache", "queue", "node", "graph",
         "state", "model", "buffer", "stream", "packet", "widget", "layer", "config")
UNICODE_WORDS = ("café", "naïve", "über", "Straße", "数据", "данные", "λόγος", "مرحبا", "שלום", "日本語", "e\u0301t\u0301e",
                 "Ωmega", "emoji😀", "ﬁle", "ǅungla")
_CODE = ("x = {n}", "def {w}({v}):", "    return {v} + {n}", "class {W}:", '    """{s}."""', "import {w}", "# {s}",
         "", "    if {v} > {n}:", "        {w}({v})", "print('<|endoftext|>')", "    {w}: int = {n}", "\t{w} = [{n}, {n}]",
         "    raise ValueError(\"{s}\")")
_MARKDOWN = ("{s}", "# {S}", "", "- {s}", "## {S}", "```python", "```", "> {s}", "| {w} | {n} |", "1. {S}.")
_CONFIG = ("{w} = {n}", "[{w}]", '{w} = "{s}"', "", "# {s}", "{w}:", "  {w}: {n}", "  - {s}", '"{w}": {n},')
_PROSE = ("{S}.", "{s}", "", "{S}, {s}; {s}!")
KINDS = {"code": _CODE, "markdown": _MARKDOWN, "config": _CONFIG, "text": _PROSE}
_EXT_KIND = {".py": "code", ".js": "code", ".rs": "code", ".go": "code", ".c": "code", ".sh": "code",
             ".md": "markdown", ".rst": "markdown", ".toml": "config", ".yaml": "config", ".json": "config",
             ".cfg": "config", ".txt": "text", "": "text"}


def kind_of(path: str) -> str:
    """Which kind of text a file of this name holds (by its extension; ``text`` when unknown)."""
    return _EXT_KIND.get(os.path.splitext(path)[1], "text")


def fill_template(template: str, seed: int, unicode: bool) -> str:
    """Fill a template's slots from ``seed``: 0 gives the simplest filling (first words,
    zeros), so shrinking the seed simplifies the line; two draws per line keep
    generation fast (one ``random.Random`` per line instead of a draw per word)."""
    words = WORDS + UNICODE_WORDS if unicode else WORDS
    if seed == 0:
        def word(pool):
            return pool[0]

        def number():
            return 0

        def sentence():
            return words[0]
    else:
        rng = random.Random(seed)

        def word(pool):
            return pool[rng.randrange(len(pool))]

        def number():
            return rng.randrange(1000)

        def sentence():
            return " ".join(word(words) for _ in range(rng.randint(1, 6)))
    return template.format(n=number(), w=word(words), v=word(WORDS), W=word(words).capitalize(), s=sentence(),
                           S=sentence().capitalize())


def build_lines(kind: str, *, count: int, seed: int, unicode: bool = False, max_lines: int | None = None,
                crlf: bool = False, unterminated: bool = False, free: Sequence[tuple[int, str]] = ()) -> list[str]:
    """A file's lines, each with its line ending (docs/format.md §Lines): ``count`` lines
    of ``kind`` from ``seed``, the ``free`` lines inserted where they say, at most
    ``max_lines``; CRLF endings and a missing final newline when asked."""
    rng = random.Random(seed)
    templates = KINDS[kind]
    bodies = [fill_template(templates[rng.randrange(len(templates))] if seed else templates[0],
                            rng.randrange(1, 2**24) if seed else 0, unicode) for _ in range(count)]
    for position, line in free:  # hypothesis-made Unicode lines, where the list says
        bodies.insert(position % (len(bodies) + 1), line)
    if max_lines is not None:
        del bodies[max_lines:]
    if not bodies:
        return []
    ending = "\r\n" if crlf else "\n"
    lines = [b + ending for b in bodies]
    if unterminated:  # no newline at the end of the file
        lines[-1] = lines[-1][: -len(ending)] or "x"
    return lines


def synthetic_text(kind: str, seed: int, *, lines: int = 20, unicode: bool = False) -> str:
    """Deterministic realistic text (what ``packverify.strategies.file_texts`` draws,
    without hypothesis): ``lines`` lines of ``kind`` from ``seed``; seed 0 is the
    simplest text. Raises ``ValueError`` for an unknown kind.

    >>> synthetic_text("code", 0, lines=2)
    'x = 0\\nx = 0\\n'
    """
    if kind not in KINDS:
        raise ValueError(f"kind={kind!r} must be one of {sorted(KINDS)}")
    return "".join(build_lines(kind, count=lines, seed=seed, unicode=unicode, max_lines=lines))
