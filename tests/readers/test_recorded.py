"""The real tools' recorded outputs (tests/data/foreign/) are detected as their formats and
read into exactly the files the tools packed, as tool_model.py derives them from the
generated repository and the tools' documented transformations."""

from __future__ import annotations

import hashlib
import os

import pytest
import tool_model
import tools
from awkward_repo import FILES, SPECIAL

import packverify.readers as readers

RECORDED = [run for run in tools.RUNS]


def recording(run: tools.Run) -> bytes:
    with open(os.path.join(tools.FOREIGN, tools.DIRECTORIES[run.tool], run.output), "rb") as handle:
        return handle.read()


def as_dict(pack) -> dict[str, str]:
    return {entry.path: entry.text if entry.text is not None else entry.placeholder for entry in pack.files}


@pytest.mark.parametrize("run", RECORDED, ids=lambda run: f"{run.tool}-{run.output}")
def test_recording_is_detected_as_its_format_and_reads_without_findings(run):
    raw = recording(run)
    assert readers.detect(raw).NAME == run.reader
    pack = readers.read(raw, f"{run.tool}/{run.output}")
    assert pack.format == run.reader
    assert pack.findings == []
    assert pack.text == raw.decode("utf-8")


@pytest.mark.parametrize("output", ["repo.xml", "repo.parsable.xml", "repo.md", "repo.txt", "repo.json"])
def test_repomix_files_are_the_trimmed_transcoded_files(output):
    pack = readers.read(recording(next(r for r in RECORDED if r.output == output)))
    assert as_dict(pack) == tool_model.repomix()
    assert len(pack.files) == len(tool_model.repomix())  # each once
    assert {"bom-removed", "surrounding-whitespace-trimmed", "legacy-encoding-transcoded"} <= pack.transformations
    assert all(entry.start_line is None and entry.claims == () for entry in pack.files)


def test_repomix_xml_knows_separators_inside_a_file_by_the_tree():
    pack = readers.read(recording(next(r for r in RECORDED if r.output == "repo.xml")))
    separators = next(entry for entry in pack.files if entry.path == "tricky/separators.txt")
    assert '</file>\n\n<file path="fake/inside.py">\n</files>' in separators.text
    assert "fake/inside.py" not in as_dict(pack)


def test_gitingest_files_in_tree_order_with_placeholders():
    pack = readers.read(recording(next(r for r in RECORDED if r.reader == "gitingest")))
    assert as_dict(pack) == tool_model.gitingest()
    # README first, then files, dotfiles, directories (FileSystemNode.sort_children)
    assert [entry.path for entry in pack.files][:5] == ["README.md", "notebook.ipynb", "special.txt", ".hidden.cfg",
                                                         "a/b/c/deep.py"]
    placeholders = {entry.path: entry.placeholder for entry in pack.files if entry.placeholder}
    assert placeholders == {"data/latin1.txt": "[Binary file]", "data/empty.txt": "[Empty file]"}
    assert {"crlf-to-lf", "notebook-as-script"} <= pack.transformations
    assert "bom-removed" not in pack.transformations


@pytest.mark.parametrize("output", ["default.txt", "cxml.txt", "markdown.md"])
def test_files_to_prompt_files_as_read_with_universal_newlines(output):
    pack = readers.read(recording(next(r for r in RECORDED if r.output == output)))
    assert as_dict(pack) == tool_model.files_to_prompt()
    assert len(pack.files) == len(tool_model.files_to_prompt())


@pytest.mark.parametrize("output", ["pack.txt", "stdout.txt"])
def test_scribe_sections_lines_and_header(output):
    pack = readers.read(recording(next(r for r in RECORDED if r.output == output)))
    assert as_dict(pack) == tool_model.scribe()
    lines = {entry.path: entry.claims[0].claimed for entry in pack.files}
    assert lines == tool_model.scribe_lines()
    # the carried text is each file whole, so every 'lines' claim recomputes to itself
    assert all(claim.recompute(None) == claim.claimed for entry in pack.files for claim in entry.claims)
    header = {claim.subject: claim.claimed for claim in pack.claims}
    assert header["header total_files"] == 15 and header["header target_budget"] == 120000
    expected_claims = 2 if output == "pack.txt" else 6
    assert len(pack.claims) == expected_claims


def test_packrepo_sections_are_the_index_chunks():
    pack = readers.read(recording(next(r for r in RECORDED if r.reader == "packrepo")))
    got = tuple((e.path, e.start_line, e.end_line, e.mode, e.text) for e in pack.files)
    assert got == tool_model.PACKREPO
    assert pack.tool_version == "0.1.0"


@pytest.mark.parametrize("variant,name", [(True, "input.sha256"), (False, "input-nospecial.sha256")])
def test_generator_still_makes_the_recorded_input(variant, name):
    """A changed generator would make the recordings describe another repository."""
    expected = {rel: hashlib.sha256(data).hexdigest() for rel, data in FILES.items() if variant or rel != SPECIAL}
    for directory in sorted(set(tools.DIRECTORIES.values())):
        with open(os.path.join(tools.FOREIGN, directory, name), encoding="utf-8") as handle:
            recorded = dict(reversed(line.split("  ", 1)) for line in handle.read().splitlines())
        assert recorded == expected
