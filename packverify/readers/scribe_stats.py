"""scribe 1.0 ``--stats`` output as its own artefact (``scribe REPO -o pack.txt --stats > stats.txt``).

With ``-o``, scribe writes the pack to the file and prints ``Pack written to FILE``, then
the statistics block (``_scribe``). That stdout is a separate artefact whose claims are
about the pack file: read it with this reader and :func:`bind` it to the pack read by
:mod:`packverify.readers.scribe` (``check pack.txt --claims stats.txt`` in part 2). Read
alone, its claims are stated but cannot be recomputed. When scribe prints the pack itself
to stdout, the statistics follow it and the ``scribe`` reader reads both.
"""

from __future__ import annotations

from packverify.readers import _scribe
from packverify.readers.base import Claim, ForeignPack, Locator, decode, finding

NAME = "scribe-stats"
TITLE = "scribe 1.0 --stats output (pairs with a scribe pack)"
TOOL = "scribe"


def sniff(head: bytes) -> int:
    start = head.lstrip(b"\xef\xbb\xbf")
    if start.startswith(b"{"):
        return 0  # a pack printed to stdout, statistics after it: the scribe reader's
    if _scribe.BANNER.encode() in head[:4000]:
        return 90
    return 0


def read(raw: bytes, *, path: str = "<bytes>") -> ForeignPack:
    text, findings = decode(raw)
    pack = ForeignPack(NAME, TOOL, text, findings=findings)
    locate = Locator(text)
    if not text.strip():
        pack.findings.append(finding("parse.empty", "the input is empty", locate(0)))
        return pack
    banner = _scribe.find_stats(text)
    if banner < 0:
        pack.findings.append(finding("parse.not-this-format", "no 'SCRIBE PERFORMANCE STATISTICS' block",
                                     locate(0)))
        return pack
    if banner > 0:
        pack.metadata.append(("before statistics", text[:banner], locate(0)))
    pack.metadata.append(("statistics", text[banner:], locate(banner + 1)))
    stats, offsets, problems = _scribe.parse_stats(text, banner, locate)
    pack.findings.extend(problems)
    pack.claims.extend(_scribe.stats_claims(stats, offsets, locate, None, None, None))
    return pack


def bind(stats: ForeignPack, pack: ForeignPack) -> list[Claim]:
    """The statistics' claims about ``pack`` (a scribe pack), recomputable; locations are in the statistics file."""
    locate = Locator(stats.text)
    banner = _scribe.find_stats(stats.text)
    if banner < 0:
        return []
    parsed, offsets, _ = _scribe.parse_stats(stats.text, banner, locate)
    budget = next((c.claimed for c in pack.claims if c.subject == "header target_budget"), None)
    return _scribe.stats_claims(parsed, offsets, locate, pack.text, len(pack.files), budget)
