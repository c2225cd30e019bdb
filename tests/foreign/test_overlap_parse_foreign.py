"""The overlap and parse oracles on packs of other tools (check_foreign).

overlap: a path packed twice in a format without line ranges (files-to-prompt, its cxml
variant, scribe) is ``overlap.duplicate-file``; PackRepo's line ranges are swept for
shared lines and inverted ranges; stated line counts are recounted. parse: the readers'
``parse.*`` findings (an empty input, a forced ``--input-format`` that does not fit, bytes
that are not UTF-8, a ``--claims`` file that is not JSON) are surfaced, and only they stop
the other oracles. Every pack is written here; each location is computed from its text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import packverify.readers as readers
from packverify import engine
from packverify.context import Context
from packverify.foreign_view import ForeignView, TokenServices
from packverify.model import Location, Severity, Status
from packverify.oracles import overlap
from packverify.readers.base import ForeignPack, PackedFile

RULE = "=" * 50
A_PY = "def main():\n    return 42\n"
B_PY = "import os\n\nprint(os.sep)\n"


def location(text: str, offset: int) -> Location:
    """line:column (1-based, in characters) of ``offset`` in ``text``, computed here."""
    return Location(text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1)


def nth(text: str, needle: str, n: int) -> int:
    """Offset of the ``n``-th (1-based) occurrence of ``needle``."""
    offset = -1
    for _ in range(n):
        offset = text.index(needle, offset + 1)
    return offset


def files_to_prompt(entries: list[tuple[str, str]]) -> str:
    return "".join(f"{path}\n---\n{text}\n---\n" for path, text in entries)


def cxml(entries: list[tuple[str, str]]) -> str:
    docs = "".join(f'<document index="{k}">\n<source>{path}</source>\n<document_content>\n{text}\n'
                   "</document_content>\n</document>\n" for k, (path, text) in enumerate(entries, 1))
    return "<documents>\n" + docs + "</documents>\n"


def scribe(sections: list[tuple[str, int, str]]) -> str:
    """scribe 1.0: header JSON, a blank line, sections ``### path: P lines: N mode: L``."""
    header = {"mode": "fast_path", "repo_path": ".", "generation_time": 1.5, "target_budget": 100_000,
              "selector": "mmr", "total_files": len(sections), "effective_budget": 95_000}
    body = "\n\n".join(f"### path: {path} lines: {lines} mode: python\n{text}" for path, lines, text in sections)
    return json.dumps(header, indent=2) + "\n\n" + body


def packrepo(sections: list[tuple[str, int, int, str, str]]) -> str:
    """A PackRepo pack (index + sections) without digest or spans: only ranges matter here."""
    chunks = [{"id": f"c{k}", "rel_path": path, "start_line": start, "end_line": end, "selected_mode": mode}
              for k, (path, start, end, mode, _) in enumerate(sections)]
    index = {"format_version": "0.3", "packrepo_version": "0.1.0", "tokenizer": "cl100k_base",
             "target_budget": 1000, "chunks": chunks}
    body = "\n".join(f"### path: {path} lines: {start}-{end} mode: {mode}\n\n{text}\n"
                     for path, start, end, mode, text in sections)
    return json.dumps(index, indent=2) + "\n\n" + body


def header_at(text: str, path: str, start: int, end: int, mode: str) -> Location:
    return location(text, text.index(f"### path: {path} lines: {start}-{end} mode: {mode}\n"))


def check(tmp_path: Path, data: str | bytes, *, name: str = "pack.txt", only=("overlap", "parse"), **options):
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    report = engine.check(str(path), only=only, context=Context(**options))
    assert len(report.packs) == 1
    return report.packs[0]


def findings(pack, oracle: str) -> list:
    return sorted((f for f in pack.findings if f.oracle == oracle), key=lambda f: (f.location or Location(0), f.code))


def passes(pack, oracle: str) -> None:
    assert pack.oracles[oracle].status is Status.PASS, [(f.code, f.message) for f in findings(pack, oracle)]
    assert findings(pack, oracle) == []


# --- overlap: the same file twice ---------------------------------------------------------

def test_files_to_prompt_path_packed_three_times(tmp_path):
    text = files_to_prompt([("./a.py", A_PY), ("./b.py", B_PY), ("./a.py", A_PY), ("./a.py", "other\n")])
    pack = check(tmp_path, text)
    found = findings(pack, "overlap")
    assert pack.oracles["overlap"].status is Status.FAIL
    assert [f.code for f in found] == ["overlap.duplicate-file"] * 2
    second, third = found
    assert second.message == "./a.py is packed again (first at line 1:1)"
    assert second.location == location(text, nth(text, "./a.py\n---\n", 2))
    assert third.message == "./a.py is packed again (first at line 1:1)"  # a copy that differs is no excuse
    assert third.location == location(text, nth(text, "./a.py\n---\n", 3))
    assert (second.actual, third.actual) == ("a.py", "a.py")
    assert second.severity is Severity.ERROR and second.path == ()
    passes(check(tmp_path, files_to_prompt([("./a.py", A_PY), ("./b.py", B_PY)])), "overlap")


def test_cxml_duplicate_is_located_at_its_document(tmp_path):
    text = cxml([("./b.py", B_PY), ("./a.py", A_PY), ("./a.py", A_PY)])
    (found,) = findings(check(tmp_path, text), "overlap")
    assert found.code == "overlap.duplicate-file"
    first = location(text, text.index('<document index="2">'))
    assert found.message == f"./a.py is packed again (first at line {first})"
    assert found.location == location(text, text.index('<document index="3">'))


def test_scribe_duplicate_section_and_line_counts(tmp_path):
    text = scribe([("a.py", 3, A_PY), ("b.py", 7, B_PY), ("a.py", 3, A_PY)])
    found = findings(check(tmp_path, text), "overlap")
    assert [f.code for f in found] == ["overlap.line-count-mismatch", "overlap.duplicate-file"]
    lines, duplicate = found
    b_header = location(text, text.index("### path: b.py"))
    assert lines.location == b_header
    assert lines.message == "b.py lines: 7 lines stated, the text has 4"
    assert (lines.expected, lines.actual) == (4, 7)
    first = location(text, text.index("### path: a.py"))
    assert duplicate.message == f"a.py is packed again (first at line {first})"
    assert duplicate.location == location(text, nth(text, "### path: a.py", 2))
    passes(check(tmp_path, scribe([("a.py", 3, A_PY), ("b.py", 4, B_PY)])), "overlap")


# --- overlap: PackRepo's line ranges --------------------------------------------------------

SWEEP = [("a.py", 5, 12, "signature", "def c():..."), ("a.py", 1, 10, "signature", "def a():..."),
         ("b.py", 6, 8, "signature", "def e():..."), ("a.py", 12, 14, "signature", "def d():..."),
         ("a.py", 2, 3, "signature", "def b():..."), ("b.py", 1, 5, "signature", "def f():...")]


def test_packrepo_ranges_are_swept_for_shared_lines(tmp_path):
    text = packrepo(SWEEP)
    pack = check(tmp_path, text)
    found = findings(pack, "overlap")
    assert [f.code for f in found] == ["overlap.shared-lines"] * 3
    by_start = {f.actual: f for f in found}
    assert sorted(by_start) == [2, 5, 12]
    widest = header_at(text, "a.py", 1, 10, "signature")
    reach = header_at(text, "a.py", 5, 12, "signature")
    assert by_start[2].message == f"lines 2-3 of a.py are also in the entry at line {widest}"
    assert by_start[2].expected == "start_line > 10"
    assert by_start[2].location == header_at(text, "a.py", 2, 3, "signature")
    assert by_start[5].message == f"lines 5-10 of a.py are also in the entry at line {widest}"
    assert by_start[5].expected == "start_line > 10"
    assert by_start[5].location == reach
    assert by_start[12].message == f"lines 12-12 of a.py are also in the entry at line {reach}"
    assert by_start[12].expected == "start_line > 12"
    assert by_start[12].location == header_at(text, "a.py", 12, 14, "signature")
    assert pack.oracles["overlap"].status is Status.FAIL


def test_packrepo_single_lines_and_equal_ends(tmp_path):
    text = packrepo([("c.py", 20, 20, "signature", "def c():..."), ("c.py", 20, 22, "signature", "def d():..."),
                     ("d.py", 1, 10, "signature", "def e():..."), ("d.py", 3, 10, "signature", "def f():..."),
                     ("d.py", 10, 12, "signature", "def g():...")])
    found = findings(check(tmp_path, text), "overlap")
    single = header_at(text, "c.py", 20, 20, "signature")
    first = header_at(text, "d.py", 1, 10, "signature")
    assert [(f.code, f.message, f.location) for f in found] == [
        ("overlap.shared-lines", f"lines 20-20 of c.py are also in the entry at line {single}",
         header_at(text, "c.py", 20, 22, "signature")),
        ("overlap.shared-lines", f"lines 3-10 of d.py are also in the entry at line {first}",
         header_at(text, "d.py", 3, 10, "signature")),
        ("overlap.shared-lines", f"lines 10-10 of d.py are also in the entry at line {first}",
         header_at(text, "d.py", 10, 12, "signature")),
    ]
    assert [f.expected for f in found] == ["start_line > 20", "start_line > 10", "start_line > 10"]


def test_a_path_with_and_without_a_range_is_a_duplicate():
    text = "a\nb\n"
    files = [PackedFile(0, "a.py", text, Location(1, 1), Location(2, 1), 1, 2),
             PackedFile(1, "a.py", text, Location(5, 1), Location(6, 1)),
             PackedFile(2, "b.py", text, Location(9, 1), Location(10, 1), 4, 4)]
    view = ForeignView(ForeignPack("made-up", "hand", text, files=files), "p.txt", "0" * 64, 4,
                       TokenServices(Context()))
    (found,) = overlap.check_foreign(view, Context())
    assert (found.code, found.message, found.actual, found.location) == (
        "overlap.duplicate-file", "a.py is packed again (first at line 1:1)", "a.py", Location(5, 1))


def test_packrepo_adjacent_ranges_and_whole_files_pass(tmp_path):
    text = packrepo([("a.py", 1, 4, "signature", "def a():..."), ("a.py", 5, 9, "signature", "def b():..."),
                     ("b.py", 1, 3, "full", B_PY.rstrip("\n"))])
    passes(check(tmp_path, text), "overlap")


def test_packrepo_inverted_range_is_reported_and_left_out_of_the_sweep(tmp_path):
    text = packrepo([("a.py", 1, 6, "signature", "def a():..."), ("a.py", 5, 3, "signature", "def b():..."),
                     ("b.py", 9, 2, "signature", "def c():...")])
    pack = check(tmp_path, text)
    found = findings(pack, "overlap")
    assert [f.code for f in found] == ["overlap.inverted-range"] * 2
    a_found, b_found = found
    assert a_found.message == "a.py: lines 5-3 end before they start"
    assert (a_found.expected, a_found.actual) == (">= 5", 3)
    assert a_found.location == header_at(text, "a.py", 5, 3, "signature")
    assert b_found.message == "b.py: lines 9-2 end before they start"
    assert (b_found.expected, b_found.actual) == (">= 9", 2)
    assert pack.internal_errors == 0


def test_packrepo_full_chunk_line_range_is_recounted(tmp_path):
    text = packrepo([("a.py", 1, 5, "full", A_PY.rstrip("\n")), ("b.py", 1, 3, "full", B_PY.rstrip("\n"))])
    (found,) = findings(check(tmp_path, text), "overlap")
    assert found.code == "overlap.line-count-mismatch"
    assert found.message == "a.py lines 1-5: 5 lines stated, the text has 2"
    assert (found.expected, found.actual) == (2, 5)
    assert found.location == header_at(text, "a.py", 1, 5, "full")


# --- parse ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "forced"), [("", "scribe"), ("\n\n", "packrepo"), ("  \n", "files-to-prompt")])
def test_an_empty_input_is_parse_empty_and_blocks_the_rest(tmp_path, data, forced):
    pack = check(tmp_path, data, input_format=forced)
    (found,) = findings(pack, "parse")
    assert (found.code, found.message, found.location) == ("parse.empty", "the input is empty", Location(1, 1))
    assert found.severity is Severity.ERROR
    assert pack.oracles["parse"].status is Status.FAIL
    assert pack.oracles["overlap"].status is Status.SKIPPED
    assert pack.oracles["overlap"].reason == f"the file could not be read as {forced} (see parse findings)"


def test_a_forced_format_that_does_not_fit(tmp_path):
    text = files_to_prompt([("./a.py", A_PY), ("./a.py", A_PY)])
    pack = check(tmp_path, text, input_format="scribe", only=("overlap", "parse", "stats"))
    (found,) = findings(pack, "parse")
    assert found.code == "parse.not-this-format"
    assert found.message == ("the input does not look like scribe 1.0 CLI pack (header JSON + "
                             "'### path: P lines: N mode: LANG' sections)")
    assert found.location == Location(1, 1)
    for oracle in ("overlap", "stats"):
        assert pack.oracles[oracle].status is Status.SKIPPED
        assert pack.oracles[oracle].reason == "the file could not be read as scribe (see parse findings)"
    fitting = check(tmp_path, text, input_format="files-to-prompt")
    passes(fitting, "parse")
    assert [f.code for f in findings(fitting, "overlap")] == ["overlap.duplicate-file"]


def test_invalid_utf8_is_reported_but_does_not_block(tmp_path):
    text = files_to_prompt([("./a.py", A_PY), ("./b.py", "y = \udcff2\n"), ("./a.py", A_PY)])
    raw = text.encode("utf-8", "surrogateescape")
    bad = raw.index(b"\xff")
    pack = check(tmp_path, raw)
    (found,) = findings(pack, "parse")
    assert found.code == "parse.invalid-utf8"
    assert found.message == f"byte 0xFF at offset {bad} is not UTF-8; undecodable bytes were read as U+FFFD"
    assert found.location == Location(raw.count(b"\n", 0, bad) + 1, len("y = ") + 1) == Location(9, 5)
    assert pack.oracles["overlap"].status is Status.FAIL  # still judged
    assert [f.code for f in findings(pack, "overlap")] == ["overlap.duplicate-file"]


def test_structure_findings_are_not_parse_findings(tmp_path):
    clean = scribe([("a.py", 3, A_PY)])
    text = clean.replace("\n\n### path: ", "\n\nstray\n\n### path: ")
    assert [f.code for f in readers.read(text.encode()).findings] == ["structure.unexpected-text"]
    pack = check(tmp_path, text)
    passes(pack, "parse")
    assert pack.oracles["overlap"].status is Status.PASS


def stats_file(body: str) -> str:
    return f"Pack written to pack.txt\n\n{RULE}\nSCRIBE PERFORMANCE STATISTICS\n{RULE}\n{body}"


def test_a_claims_file_that_is_not_json_is_named_in_parse(tmp_path):
    claims = tmp_path / "stats.txt"
    stats_text = stats_file('{\n  "performance_stats": [1,,]\n}\n' + RULE + "\n")
    claims.write_text(stats_text, encoding="utf-8")
    pack = check(tmp_path, scribe([("a.py", 3, A_PY)]), claims=claims)
    (found,) = findings(pack, "parse")
    where = location(stats_text, stats_text.index(",,") + 1)
    assert found.code == "parse.invalid-json"
    assert found.location is None
    assert found.message.startswith(f"in {claims} at {where}: the statistics are not JSON: ")
    assert pack.oracles["parse"].status is Status.FAIL
    assert pack.oracles["overlap"].status is Status.PASS  # the pack itself reads


def test_a_claims_file_structure_finding_is_not_a_parse_finding(tmp_path):
    claims = tmp_path / "stats.txt"
    stats_text = stats_file('{\n  "performance_stats": {}\n}\n')  # no closing rule
    claims.write_text(stats_text, encoding="utf-8")
    stats = readers.read(stats_text.encode(), format="scribe-stats")
    assert [f.code for f in stats.findings] == ["structure.unterminated-section"]
    passes(check(tmp_path, scribe([("a.py", 3, A_PY)]), claims=claims), "parse")
