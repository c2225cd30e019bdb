"""Readers of pack formats: detection by content and one explicit registry.

``READERS`` maps each format's ``NAME`` to its module (``NAME``, ``TITLE``, ``TOOL``,
``sniff(head) -> int``, ``read(raw, path=...) -> ForeignPack``), built once from explicit
imports; nothing registers itself. :func:`detect` picks the reader whose ``sniff`` is most
certain, from the content only (never the file name); :func:`read` reads with it, or with
the reader ``format`` names (``--input-format``). Adding a format is one module plus one
line in ``_MODULES``.
"""

from __future__ import annotations

from types import MappingProxyType, ModuleType

from packverify.readers import (
    files_to_prompt,
    files_to_prompt_cxml,
    files_to_prompt_markdown,
    gitingest,
    packrepo,
    packverify_json,
    repomix_json,
    repomix_markdown,
    repomix_plain,
    repomix_xml,
    scribe,
    scribe_stats,
)
from packverify.readers.base import (
    TRANSFORMATIONS,
    Claim,
    ForeignPack,
    Locator,
    PackedFile,
    Services,
    finding,
)
from packverify.readers.codes import CODES, REUSED

__all__ = ["CODES", "READERS", "FORMATS", "REUSED", "TRANSFORMATIONS", "AmbiguousFormat", "Claim", "ForeignPack",
           "Locator", "PackedFile", "Services", "UnknownFormat", "detect", "read", "HEAD_BYTES"]

_MODULES = (repomix_xml, repomix_markdown, repomix_plain, repomix_json, gitingest, files_to_prompt,
            files_to_prompt_cxml, files_to_prompt_markdown, scribe, scribe_stats, packrepo, packverify_json)

HEAD_BYTES = 64 * 1024  # what sniff sees: every format states itself in its first lines


def _build(modules: tuple[ModuleType, ...]) -> MappingProxyType:
    registry: dict[str, ModuleType] = {}
    for module in modules:
        if module.NAME in registry:
            raise RuntimeError(f"duplicate reader name {module.NAME!r}")
        registry[module.NAME] = module
    return MappingProxyType(registry)


READERS = _build(_MODULES)
FORMATS: tuple[str, ...] = tuple(READERS)


class UnknownFormat(ValueError):
    """No reader recognises the input (exit 2 in the CLI); the message names the formats."""


class AmbiguousFormat(ValueError):
    """Several readers are equally sure; the message names them and how to choose."""


def _known() -> str:
    return ", ".join(FORMATS)


def detect(raw: bytes) -> ModuleType:
    """The reader for ``raw``, by the highest ``sniff`` score of its first bytes."""
    head = raw[:HEAD_BYTES]
    scores = sorted(((module.sniff(head), name) for name, module in READERS.items()), reverse=True)
    best, name = scores[0]
    if best <= 0:
        raise UnknownFormat(f"not a pack format packverify reads (it reads: {_known()}); "
                            "name one with --input-format")
    tied = sorted(n for score, n in scores if score == best)
    if len(tied) > 1:
        raise AmbiguousFormat(f"the input could be any of {', '.join(tied)}; choose with --input-format "
                              f"(formats: {_known()})")
    return READERS[name]


def read(raw: bytes, path: str = "<bytes>", format: str | None = None) -> ForeignPack:  # noqa: A002 - the CLI's word
    """Read ``raw`` as ``format`` (a reader name), or as the detected format.

    Raises :class:`UnknownFormat`/:class:`AmbiguousFormat` when detection fails and
    :class:`UnknownFormat` for an unknown ``format`` name; never raises on the content itself."""
    if format is None:
        module = detect(raw)
    elif format in READERS:
        module = READERS[format]
    else:
        raise UnknownFormat(f"unknown input format {format!r} (formats: {_known()})")
    pack = module.read(raw, path=path)
    if format is not None and raw.strip() and module.sniff(raw[:HEAD_BYTES]) <= 0 and not any(
            f.code == "parse.not-this-format" for f in pack.findings):
        pack.findings.insert(0, finding("parse.not-this-format", f"the input does not look like {module.TITLE}",
                                        Locator(pack.text)(0)))
    return pack
