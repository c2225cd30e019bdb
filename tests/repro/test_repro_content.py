"""repro names the difference between two outputs of a foreign format by what they carry:
which file, which line (content_diff.py, docs/repro.md). Expected values are read off the
recorded tool outputs by hand (tests/data/foreign/, line numbers counted in the files),
and the real files-to-prompt is run under the ``order`` variation."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import reader_tools
from repro_helpers import require

from packverify.repro.compare import difference
from packverify.repro.content_diff import content_difference

FOREIGN = Path(__file__).resolve().parents[1] / "data" / "foreign"
F2P = (FOREIGN / "files-to-prompt-0.6" / "default.txt").read_bytes()
SCRIBE = (FOREIGN / "scribe-1.0.0" / "pack.txt").read_bytes()
REPOMIX = (FOREIGN / "repomix-1.18.1" / "repo.xml").read_bytes()


def _block(data: bytes, path: bytes) -> bytes:
    """One files-to-prompt block: path line, '---', text, blank line, '---'."""
    start = data.index(path + b"\n---\n")
    return data[start:data.index(b"\n\n---\n", start) + len(b"\n\n---\n")]


def test_a_changed_line_is_named_by_file_and_line():
    # README.md's sixth line is "print('a fenced block inside a file')" (default.txt lines 3-9)
    changed = F2P.replace(b"print('a fenced block inside a file')", b"print('changed')")
    diff = content_difference(F2P, changed)
    assert diff.format == "files-to-prompt" and diff.total == 1
    assert diff.changes[0] == {"kind": "text", "path": "./README.md", "line": 6,
                               "a": "print('a fenced block inside a file')", "b": "print('changed')"}


def test_the_same_files_in_another_order():
    main, deep = _block(F2P, b"./src/main.py"), _block(F2P, b"./a/b/c/deep.py")
    swapped = F2P.replace(main, b"\x00").replace(deep, main).replace(b"\x00", deep)
    diff = content_difference(F2P, swapped)
    # main.py is the 6th block (default.txt line 86), deep.py the 10th (line 118)
    assert [c["kind"] for c in diff.changes] == ["order"]
    assert diff.changes[0]["position"] == 6
    assert diff.changes[0]["a"][0] == "./src/main.py" and diff.changes[0]["b"][0] == "./a/b/c/deep.py"


def test_a_file_left_out_and_one_added():
    dropped = F2P.replace(_block(F2P, b"./src/main.py"), b"")
    assert content_difference(F2P, dropped).changes == ({"kind": "removed", "path": "./src/main.py"},)
    assert content_difference(dropped, F2P).changes == ({"kind": "added", "path": "./src/main.py"},)


def test_a_difference_outside_every_file_is_located_by_line():
    later = SCRIBE.replace(b"1795971640.2602587", b"1795971641.0")  # scribe's header, line 4
    diff = content_difference(SCRIBE, later)
    assert diff.format == "scribe" and diff.changes == ({
        "kind": "outside", "line": 4, "column": 31, "a": '  "generation_time": 1795971640.2602587,',
        "b": '  "generation_time": 1795971641.0,'},)


def test_repomix_xml_entities_are_compared_unescaped():
    changed = REPOMIX.replace(b"    return 42\n</file>", b"    return 43\n</file>")
    [change] = content_difference(REPOMIX, changed).changes
    # src/main.py: docstring, two blank lines, def main():, return 42 on line 5
    assert change == {"kind": "text", "path": "src/main.py", "line": 5, "a": "    return 42", "b": "    return 43"}


def test_outputs_no_reader_knows_get_bytes_only():
    assert content_difference(b"hello\n", b"hullo\n") is None
    found = difference("run-1", b"hello\n", "run-2", b"hullo\n")
    assert found.content is None and found.first_byte_offset == 1 and "byte comparison only" in found.note


def test_our_json_keeps_its_pointers():
    found = difference("run-1", b'{"a": 1}', "run-2", b'{"a": 2}')
    assert found.content is None and found.json.changes[0]["pointer"] == "/a"


def test_files_to_prompt_walks_in_listing_order_and_repro_names_it(repro, capabilities):
    """files-to-prompt 0.6 sorts the files of a directory but walks subdirectories in
    readdir order (os.walk, unsorted): created in another order (the ``order`` variation,
    on a tmpfs that lists newest first), docs/ and src/ swap. The demo repository has five
    files at its root, so the order first differs at position 6."""
    tools = reader_tools()
    tools.require("files-to-prompt")
    require(capabilities, "order")
    result = repro("--vary", "order", command=[tools.EXECUTABLES["files-to-prompt"], ".", "-o", "{out}"])
    assert result.code == 1, result.err
    report = result.json
    assert report["causes"] == ["order"]
    first = report["differences"][0]
    assert first["b"] == "run-2" and first["json"] is None
    content = first["content"]
    assert content["format"] == "files-to-prompt" and content["total"] == 1  # no file's text differs
    [change] = content["changes"]
    assert change["kind"] == "order" and change["position"] == 6
    assert {change["a"][0], change["b"][0]} == {"./docs/über.md", "./src/main.py"}
    text = repro("--vary", "order", command=[tools.EXECUTABLES["files-to-prompt"], ".", "-o", "{out}"], fmt="text")
    assert "read as files-to-prompt:" in text.out and "the same files in another order from position 6" in text.out


@pytest.mark.parametrize("kind", ["range", "mode"])
def test_a_range_or_mode_change_is_named(kind):
    from packverify.readers import PackedFile
    from packverify.repro.content_diff import diff_entries

    base = PackedFile(0, "a.py", "x = 1\n", None, None, 1, 1, "full")
    other = PackedFile(0, "a.py", "x = 1\n", None, None, 1, 2 if kind == "range" else 1,
                       "full" if kind == "range" else "summary")
    [change] = diff_entries([base], [other]).changes
    assert change == {"kind": kind, "path": "a.py", "a": "1-1" if kind == "range" else "full",
                      "b": "1-2" if kind == "range" else "summary"}
