"""structure — a pack in another format is well formed as that format.

What its reader (packverify/readers/<format>.py) found broken in the pack's own structure,
each at its line:column: an entry or section never closed (a truncated pack), a malformed
entry header, an entry without a path, text outside any entry, an escape that does not
decode, a JSON header or index of the wrong shape, an index that disagrees with the
sections, a file missing from the pack's own directory tree, a boundary that cannot be
told apart from file content (a warning), a section every output of the tool has. With
``--claims``, what is broken in that file too (named in the message). The codes are the
readers' (``packverify/readers/codes.py``).

Leaves alone: packverify JSON, whose structure the ``schema`` oracle judges; and whether the
content is the repository's (``source``), or the counts true (``tokens``, ``stats``).
"""

from __future__ import annotations

from collections.abc import Iterator

from packverify.model import Finding
from packverify.oracles._base import NotApplicable
from packverify.readers import codes as reader_codes

NAME = "structure"

CODES = {code: info for code, info in reader_codes.CODES.items() if code.startswith("structure.")}


def requires(pack, ctx) -> str:
    return NotApplicable("the schema oracle judges the structure of packverify JSON")


def check(pack, ctx) -> Iterator[Finding]:
    """Nothing for packverify JSON (``requires`` always skips it): ``schema`` judges it."""
    yield from ()


def check_foreign(view, ctx) -> Iterator[Finding]:
    yield from view.reader_findings("structure.")
