"""Malformed input: findings at the right line:column, never an exception.

Hand-made cases give exact codes and locations; every recording cut at every line (and in
the middle of it) must read without raising and with every location inside the input; a
hypothesis property feeds arbitrary bytes to every reader.
"""

from __future__ import annotations

import os

import pytest
import tools
from hypothesis import given
from hypothesis import strategies as st

import packverify.readers as readers
from packverify.readers import READERS
from packverify.readers.codes import CODES, REUSED


def codes_at(pack) -> list[tuple[str, str]]:
    return [(f.code, str(f.location)) for f in pack.findings]


def assert_inside(pack) -> None:
    """Every finding and every entry is located inside the decoded input."""
    lines = pack.text.split("\n")
    located = [f.location for f in pack.findings]
    located += [e.location for e in pack.files] + [e.text_location for e in pack.files if e.text_location]
    located += [c.location for c in pack.all_claims() if c.location] + [loc for _, _, loc in pack.metadata]
    if pack.format == "packverify-json":  # the loader's findings are located by JSON pointer
        located = [loc for loc in located if loc is not None]
    for location in located:
        assert location is not None
        assert 1 <= location.line <= len(lines), location
        assert 1 <= location.column <= len(lines[location.line - 1]) + 1, location
    for f in pack.findings:
        assert f.code in CODES or f.code in REUSED, f.code


CASES = [
    # (format, input, expected (code, line:column) findings)
    ("repomix-xml",
     "<directory_structure>\na.py\n</directory_structure>\n\n<files>\nThis section contains the contents of the "
     "repository's files.\n\n<file path=\"a.py\">\nprint(1)\n",
     [("structure.unterminated-section", "5:1"), ("structure.unterminated-entry", "8:1")]),
    ("repomix-xml",
     "<directory_structure>\na.py\n</directory_structure>\n\n<files>\nThis section contains the contents of the "
     "repository's files.\n\n<file path=\"b.py\">\nx\n</file>\n\n</files>\n",
     [("structure.not-in-tree", "8:1")]),
    ("repomix-xml",
     "<directory_structure>\n</directory_structure>\n\n<files>\nThis section contains the contents of the "
     "repository's files.\n\n<file path=\"\">\nx\n</file>\n\n</files>\n",
     [("structure.not-in-tree", "7:1"), ("structure.missing-path", "7:1")]),
    ("repomix-xml", "<repomix><files><file path=\"a\">x &bogus; y</file></files></repomix>",
     [("structure.invalid-escape", "1:34")]),
    ("repomix-xml", "<repomix><files><file path=\"a\">x</file>",
     [("structure.unterminated-section", "1:10"), ("structure.unterminated-section", "1:40")]),
    ("repomix-xml", "<directory_structure>\na.py\n</directory_structure>\n", [("structure.missing-section", "2:5")]),
    ("repomix-xml",
     "<directory_structure>\na.py\nb.py\n</directory_structure>\n\n<files>\nThis section contains the contents of "
     "the repository's files.\n\n<file path=\"a.py\">\nx\n</file>\n\n<file path=\"a.py\">\ny\n</file>\n\n"
     "<file path=\"b.py\">\nz\n</file>\n\n</files>\n",
     [("structure.ambiguous-boundary", "13:1")]),
    ("files-to-prompt-cxml", '<documents>\ngarbage\n<document index="1">\n<source>a</source>\n<document_content>\n'
     'x\n</document_content>\n</document>\n</documents>\n',
     [("parse.not-this-format", "1:1"), ("structure.unexpected-text", "2:1")]),
    ("repomix-markdown", "# Files\n\n## File: a.py\n```python\nx = 1\n",
     [("structure.unterminated-entry", "4:1")]),
    ("repomix-markdown", "# Files\n\n## File: a.py\nnot a fence\n",
     [("structure.malformed-header", "4:1"), ("structure.unexpected-text", "4:1")]),
    ("repomix-plain", "=" * 64 + "\nFiles\n" + "=" * 64 + "\n\n" + "=" * 16 + "\nFile: a.py\n" + "=" * 16 + "\nx\n",
     [("structure.unterminated-section", "9:1")]),
    ("repomix-json", '{\n  "files": {\n    "a.py": 3\n  }\n}\n', [("structure.malformed-header", "3:13")]),
    ("repomix-json", '{\n  "files": {\n    "a.py": "x",\n    "a.py": "y"\n  }\n}\n',
     [("parse.duplicate-key", "2:12")]),
    ("repomix-json", '{\n  "files": {\n    "a.py": "x"\n', [("parse.invalid-json", "4:1")]),
    ("gitingest", "Directory structure:\n└── r/\n    └── a.py\n\n" + "=" * 48 + "\nFILE: a.py\n" + "=" * 48 + "\nx",
     [("structure.unterminated-entry", "8:2")]),
    ("gitingest", "Directory structure:\n└── r/\n    └── a.py\n\n" + "=" * 48 + "\nFILE: b.py\n" + "=" * 48
     + "\nx\n\n", [("structure.not-in-tree", "5:1")]),
    ("files-to-prompt", "a.py\n---\nx\n", [("structure.unterminated-entry", "1:1")]),
    ("files-to-prompt-cxml", '<documents>\n<document index="2">\n<source>a</source>\n<document_content>\nx\n'
     '</document_content>\n</document>\n</documents>\n', [("structure.malformed-header", "2:1")]),
    ("files-to-prompt-cxml", '<documents>\n<document index="1">\n<source>a</source>\n<document_content>\nx\n',
     [("structure.unterminated-section", "6:1"), ("structure.unterminated-entry", "2:1")]),
    ("files-to-prompt-markdown", "a.py\n```python\nx\n", [("structure.unterminated-entry", "2:1")]),
    ("scribe", '{\n  "mode": "fast_path",\n  "total_files": 1\n\n### path: a lines: 1 mode: text\nx',
     [("parse.not-this-format", "1:1"), ("structure.invalid-header", "5:1")]),
    ("scribe", '{\n  "total_files": 2\n}\n\n### path: a lines: x mode: text\nx\n\n### path: b lines: 1 mode: t\ny',
     [("parse.not-this-format", "1:1"), ("structure.malformed-header", "5:1")]),
    ("packrepo", '{\n  "format_version": "0.3",\n  "chunks": [\n    {"rel_path": "a", "start_line": 1, "end_line": 1,'
     ' "selected_mode": "full"},\n    {"rel_path": "b", "start_line": 1, "end_line": 2, "selected_mode": "full"}\n'
     '  ]\n}\n\n### path: a lines: 1-1 mode: full\n\nx\n',
     [("structure.index-mismatch", "5:5")]),
    ("packrepo", '{\n  "format_version": "0.3",\n  "chunks": [\n    {"rel_path": "a", "start_line": 1, "end_line": 1,'
     ' "selected_mode": "full"}\n  ]\n}\n\n### path: a lines: 1-3 mode: lossy\n\nx\n',
     [("structure.index-mismatch", "8:1"), ("structure.malformed-header", "8:1")]),
    ("packrepo", '{\n  "format_version": "0.3",\n  "chunks": 3\n}\n', [("structure.invalid-header", "3:13")]),
    ("scribe-stats", "Pack written to p\n\n" + "=" * 50 + "\nSCRIBE PERFORMANCE STATISTICS\n" + "=" * 50 + "\n{\n",
     [("parse.invalid-json", "7:1")]),
]


@pytest.mark.parametrize("name,text,expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_malformed_input_findings_at_their_location(name, text, expected):
    pack = readers.read(text.encode(), "case", format=name)
    assert codes_at(pack) == expected
    assert_inside(pack)


def test_a_repeated_header_is_kept_as_content_and_reported():
    text = next(case[1] for case in CASES if case[2] == [("structure.ambiguous-boundary", "13:1")])
    pack = readers.read(text.encode(), "case")
    assert [(e.path, e.text) for e in pack.files] == [("a.py", 'x\n</file>\n\n<file path="a.py">\ny'), ("b.py", "z")]
    assert pack.findings[0].severity is None and CODES["structure.ambiguous-boundary"].severity.value == "warning"


def test_every_reader_code_is_documented_and_exercised():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    with open(os.path.join(root, "docs", "formats", "README.md"), encoding="utf-8") as handle:
        docs = handle.read()
    with open(os.path.abspath(__file__), encoding="utf-8") as handle:
        here = handle.read()
    for code, info in CODES.items():
        assert code.split(".")[0] in ("parse", "structure") and info.title and info.why
        assert f"`{code}`" in docs, code
        assert f'"{code}"' in here, code


def test_invalid_utf8_is_located_and_reading_goes_on():
    raw = b"a.py\n---\ncaf\xe9\n\n---\nb.py\n---\nok\n\n---\n"
    pack = readers.read(raw, "x", format="files-to-prompt")
    assert codes_at(pack) == [("parse.invalid-utf8", "3:4")]
    assert [(e.path, e.text) for e in pack.files] == [("a.py", "caf\ufffd"), ("b.py", "ok")]


@pytest.mark.parametrize("name", sorted(READERS))
def test_empty_input(name):
    pack = readers.read(b"", "x", format=name)
    assert "parse.empty" in [f.code for f in pack.findings]
    assert pack.files == []


def _recordings():
    for run in tools.RUNS:
        path = os.path.join(tools.FOREIGN, tools.DIRECTORIES[run.tool], run.output)
        with open(path, "rb") as handle:
            yield run.reader, run.output, handle.read()


@pytest.mark.parametrize("name,output,raw", list(_recordings()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_truncation_of_a_recording_reads_without_raising(name, output, raw):
    cuts = set()
    start = 0
    while start < len(raw):
        end = raw.find(b"\n", start)
        end = len(raw) if end < 0 else end
        cuts.update((start, (start + end) // 2, end))
        start = end + 1
    complete = readers.read(raw, output, format=name)
    for cut in sorted(cuts):
        pack = readers.read(raw[:cut], output, format=name)
        assert_inside(pack)
        assert len(pack.files) <= len(complete.files) + 1
    # Cut inside the last entry: every format that closes its entries or its document says so;
    # scribe and PackRepo end their last section at the end of the input (a shorter pack is a pack).
    last = complete.files[-1] if complete.files else None
    mid = raw.rfind(last.text.encode()[:20]) + 1 if last is not None and last.text else len(raw) // 2
    truncated = readers.read(raw[:mid], output, format=name)
    if name in {"scribe", "packrepo"}:
        assert truncated.findings == [] and truncated.files[-1].text != last.text
    else:
        assert truncated.findings, f"{name}: cut at {mid} of {len(raw)} and nothing noticed"


@given(st.binary(max_size=2000), st.sampled_from(sorted(READERS)))
def test_any_bytes_any_reader_never_raises_and_locates_inside(raw, name):
    pack = readers.read(raw, "fuzz", format=name)
    assert_inside(pack)


@given(st.lists(st.sampled_from(["<file path=\"a\">", "</file>", "", "<files>", "</files>", "```", "## File: a",
                                 "=" * 16, "File: a", "=" * 48, "FILE: a", "---", "a", "{", "}", '"files": {',
                                 "### path: a lines: 1-2 mode: full", "### path: a lines: 3 mode: text",
                                 '<document index="1">', "<source>a</source>", "<document_content>",
                                 "</document_content>", "</document>", "<documents>", "</documents>",
                                 "Directory structure:", "└── r/", "    └── a", "é\r", "&amp;", "<repomix>"]),
                max_size=40),
       st.sampled_from(sorted(READERS)))
def test_structure_shaped_noise_never_raises(lines, name):
    pack = readers.read("\n".join(lines).encode(), "noise", format=name)
    assert_inside(pack)
