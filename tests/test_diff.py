"""``packverify diff A B``: repro's structural differ on two packs; exit 0 same document,
1 different, 2 unreadable. Expected pointers and values are written by hand."""

from __future__ import annotations

import io
import json

import pytest
from helpers import mutated, pretty, run_captured, valid_doc, write

from packverify.cli import run


@pytest.fixture
def packs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "a.json", valid_doc())
    write(tmp_path, "b.json", mutated(lambda d: (d["chunks"][1].update(tokens=5), d["statistics"].pop("total_chunks"))))
    write(tmp_path, "pretty.json", raw=pretty(valid_doc()))
    return tmp_path


def test_different_packs_list_every_pointer(packs):
    code, out, err = run_captured(["diff", "a.json", "b.json", "--format", "json"])
    result = json.loads(out)
    assert code == 1 and result["verdict"] == "different" and err == ""
    changes = result["difference"]["json"]["changes"]
    assert [(c["pointer"], c["kind"]) for c in changes] == [("/chunks/1/tokens", "changed"),
                                                            ("/statistics/total_chunks", "removed")]
    assert (changes[0]["a"], changes[0]["b"]) == (valid_doc()["chunks"][1]["tokens"], 5)
    code, out, _ = run_captured(["diff", "a.json", "b.json"])
    assert code == 1 and "/chunks/1/tokens:" in out and "→ 5" in out and out.endswith("2 differing pointer(s)\n")


def test_the_same_document_serialised_otherwise_is_the_same(packs):
    code, out, _ = run_captured(["diff", "a.json", "pretty.json"])
    assert code == 0 and "only the serialization differs" in out and "same:" in out
    code, out, _ = run_captured(["diff", "a.json", "a.json", "--format", "json"])
    assert code == 0 and json.loads(out) == {"verdict": "same", "a": "a.json", "b": "a.json", "difference": None}


def test_one_side_from_standard_input_and_a_report_file(packs):
    out, err = io.StringIO(), io.StringIO()
    code = run(["diff", "a.json", "-", "-o", "d.json", "--format", "json"], out, err,
               stdin=io.BytesIO((packs / "b.json").read_bytes()))
    assert code == 1 and out.getvalue() == "" and json.loads((packs / "d.json").read_text())["b"] == "-"


@pytest.mark.parametrize(("b", "needle"), [("missing.json", "no such file"), ("package.json", "not a pack"),
                                           ("broken.json", "parse.invalid-json"), ("-", "only one side")])
def test_unreadable_sides_are_exit_2(packs, b, needle):
    (packs / "package.json").write_text('{"name": "x"}')
    (packs / "broken.json").write_text('{"chunks": [], "budget_info":')
    a = "-" if b == "-" else "a.json"
    code, out, err = run_captured(["diff", a, b])
    assert code == 2 and out == "" and needle in err
