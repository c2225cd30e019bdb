"""Every finding code the readers emit, in one table (part 2 exposes ``structure.*`` through a
``structure`` oracle and docs/codes.md).

``parse.*``: the input cannot be read as the format at all (or not as text). ``structure.*``:
it was read, but its structure is broken or contradicts itself. Codes the ``parse`` oracle
already defines (``parse.invalid-utf8``, ``parse.invalid-json``, ``parse.duplicate-key``)
are reused with their meaning and listed in ``REUSED``; the new ones are in ``CODES``.
"""

from __future__ import annotations

from packverify.model import Code, Severity

ERROR, WARNING = Severity.ERROR, Severity.WARNING

REUSED = ("parse.invalid-utf8", "parse.invalid-json", "parse.duplicate-key")

CODES: dict[str, Code] = {
    "parse.empty": Code(
        "Empty input", ERROR,
        "An empty file is no pack of any format; a packer that writes nothing failed silently.", "a 0-byte pack.txt"),
    "parse.not-this-format": Code(
        "Not this format", ERROR,
        "The format was forced (--input-format) but the input does not begin the way the format always begins, "
        "so nothing it contains can be trusted to mean what the format says.",
        "--input-format gitingest on a repomix XML file"),
    "structure.unterminated-entry": Code(
        "Entry never closed", ERROR,
        "A file entry whose end marker (</file>, closing fence, </document>) never comes: the pack was truncated, "
        "and the last file's text runs to the end of the input.", '<file path="a.py"> … end of input'),
    "structure.unterminated-section": Code(
        "Section never closed", ERROR,
        "A section the format always closes (</files>, </documents>, the 'End of Codebase' trailer, a JSON "
        "header) ends with the input: the pack was cut off.", "<files> without </files>"),
    "structure.malformed-header": Code(
        "Malformed entry header", ERROR,
        "A line in the place of an entry header that does not have the header's shape, so the entry's path, "
        "range or mode cannot be known.", "### path: a.py lines: x-y mode: full"),
    "structure.missing-path": Code(
        "Entry without a path", ERROR,
        "A file entry whose path is empty cannot be compared with any file.", '<file path="">'),
    "structure.unexpected-text": Code(
        "Text outside any entry", ERROR,
        "Text where the format allows none (between entries, after the last one) is read by a model as part "
        "of the pack but belongs to no file.", "stray lines between two </file> … <file> entries"),
    "structure.invalid-escape": Code(
        "Invalid escape", ERROR,
        "An XML entity or JSON escape that does not decode: the text it stands for is unknown.",
        "&bogus; in repomix --parsable-style XML"),
    "structure.invalid-header": Code(
        "Invalid JSON header or index", ERROR,
        "The JSON header (scribe) or index (PackRepo) is not a JSON object of the documented shape, so none of "
        "its statements about the sections can be checked.", '{"chunks": 3}'),
    "structure.index-mismatch": Code(
        "Index and sections disagree", ERROR,
        "The index lists a chunk the body does not have (or the body has a section the index does not list, "
        "or with another path, range or mode): one of them lies about what the pack holds.",
        "index chunk 2 is src/a.py 1-9 full, section 2 is src/b.py 1-4 full"),
    "structure.not-in-tree": Code(
        "File missing from the directory tree", ERROR,
        "The pack's own directory tree, which it tells the model lists every file, does not list a file it "
        "packs.", "a <file path='x.py'> entry while <directory_structure> has no x.py"),
    "structure.ambiguous-boundary": Code(
        "Ambiguous entry boundary", WARNING,
        "The format does not escape file content, and a line inside a file looks exactly like an entry boundary "
        "that could not be told apart (e.g. it names a file the pack also packs): the split shown may not be "
        "the tool's.", "a file containing '</file>' followed by '<file path=\"src/a.py\">'"),
    "structure.missing-section": Code(
        "Required section missing", ERROR,
        "A part every output of the tool has (the files section, the body after an index) is not there.",
        "a repomix XML without <files>"),
}


def severity_of(code: str) -> Severity:
    """The severity of a reader's finding code (the reused parse codes are errors)."""
    return CODES[code].severity if code in CODES else ERROR
