"""Detection: by content only; unknown and ambiguous inputs are clear errors naming the formats."""

from __future__ import annotations

import pytest

import packverify.readers as readers
from packverify.readers import READERS, AmbiguousFormat, UnknownFormat

EXPECTED_NAMES = {"repomix-xml", "repomix-markdown", "repomix-plain", "repomix-json", "gitingest", "files-to-prompt",
                  "files-to-prompt-cxml", "files-to-prompt-markdown", "scribe", "scribe-stats", "packrepo",
                  "packverify-json"}


def test_registry_has_every_format_and_each_module_the_interface():
    assert set(READERS) == EXPECTED_NAMES
    for name, module in READERS.items():
        assert module.NAME == name
        assert module.TITLE and module.TOOL
        assert callable(module.sniff) and callable(module.read)


@pytest.mark.parametrize("raw", [b"", b"hello world\n", b"\x00\x01\x02garbage", b"[1, 2, 3]", b"   \n\n"])
def test_unknown_input_names_every_format(raw):
    with pytest.raises(UnknownFormat) as info:
        readers.detect(raw)
    for name in EXPECTED_NAMES:
        assert name in str(info.value)
    assert "--input-format" in str(info.value)


def test_ambiguous_input_names_the_tied_formats():
    # repomix's header, then the summary heading of three of its styles at once
    raw = (b"This file is a merged representation of the entire codebase, combined into a single document by "
           b"Repomix.\n\n<file_summary>\n</file_summary>\n\n# File Summary\n\n" + b"=" * 64 + b"\nFile Summary\n"
           + b"=" * 64 + b"\n")
    with pytest.raises(AmbiguousFormat) as info:
        readers.detect(raw)
    message = str(info.value)
    tied = message.split("could be any of ")[1].split(";")[0]
    assert tied == "repomix-markdown, repomix-plain, repomix-xml"
    assert "--input-format" in message
    with pytest.raises(AmbiguousFormat):
        readers.read(raw)


def test_forcing_a_format_reads_anyway_and_says_it_does_not_fit():
    raw = b'<documents>\n<document index="1">\n<source>a.py</source>\n<document_content>\nx\n</document_content>\n'
    pack = readers.read(raw, "x", format="gitingest")
    assert pack.format == "gitingest"
    assert pack.findings[0].code == "parse.not-this-format"
    assert str(pack.findings[0].location) == "1:1"


def test_unknown_forced_format_name():
    with pytest.raises(UnknownFormat, match="repomix-xml"):
        readers.read(b"x", "x", format="repomix-yaml")


def test_detection_ignores_the_file_name():
    raw = b'<documents>\n<document index="1">\n<source>a.py</source>\n'
    assert readers.read(raw, "pack.json").format == "files-to-prompt-cxml"
    assert readers.read(raw, "repomix-output.xml").format == "files-to-prompt-cxml"


def test_packverify_json_is_detected_and_left_to_the_loader():
    raw = (b'{"budget_info":{"target_budget":10},"chunks":[{"content":"x\\n","file_path":"a.py","start_line":1,'
           b'"end_line":1}],"metadata":{},"statistics":{},"tokenizer_info":{"name":"cl100k"}}')
    pack = readers.read(raw)
    assert pack.format == "packverify-json"
    assert [(f.path, f.text, f.start_line, f.end_line) for f in pack.files] == [("a.py", "x\n", 1, 1)]
