"""Pack-controlled strings never reach a terminal or CI log raw (issue 12).

A file path holding ESC (``\\x1b[2K`` erases the log line), C1 CSI (``\\x9b``), CR, a
line separator and a right-to-left override goes through every human-readable
format; each must show the visible escapes written here by hand, and none of the raw
characters.
"""

from __future__ import annotations

import json

import pytest
from helpers import mutated, run_captured, write

from packverify.printable import printable

HOSTILE = "src/a\x1b[2Kb\x9bc\rd\u2028e\u202ef.py"
SHOWN = "src/a\\x1b[2Kb\\x9bc\\x0dd\\u2028e\\u202ef.py"
RAW = ("\x1b", "\x9b", "\r", "\u2028", "\u202e")


@pytest.mark.parametrize(("text", "shown"), [
    ("plain é 😀 \u200d", "plain é 😀 \u200d"),  # printable text and joiners stay
    ("tab\tnl\n", "tab\\x09nl\\x0a"),
    ("\x00\x1f\x7f\x80\x9f\xa0", "\\x00\\x1f\\x7f\\x80\\x9f\xa0"),
    ("\u061c\u200e\u200f\u202a\u202d\u2066\u2069", "\\u061c\\u200e\\u200f\\u202a\\u202d\\u2066\\u2069"),
    ("\ud800", "\\ud800"),
    (HOSTILE, SHOWN),
])
def test_printable_by_hand(text, shown):
    assert printable(text) == shown


@pytest.mark.parametrize("fmt", ["text", "junit", "sarif"])
def test_a_hostile_path_is_escaped_in_every_human_readable_format(tmp_path, fmt):
    doc = mutated(lambda d: d["chunks"][0].update(file_path=HOSTILE))
    pack = write(tmp_path, "p.json", doc)
    code, out, err = run_captured(["check", str(pack), "--format", fmt, "--no-run-log", "--no-color"])
    assert code == 1
    assert not any(c in out for c in RAW), [c for c in RAW if c in out]
    text = out if fmt != "sarif" else " ".join(r["message"]["text"] for r in json.loads(out)["runs"][0]["results"])
    if fmt == "junit":
        text = text.replace("&amp;", "&")
    assert SHOWN in text


def test_the_json_report_keeps_the_path_exactly(tmp_path):
    doc = mutated(lambda d: d["chunks"][0].update(file_path=HOSTILE))
    code, out, _ = run_captured(["check", str(write(tmp_path, "p.json", doc)), "--format", "json", "--no-run-log"])
    actual = {f["actual"] for f in json.loads(out)["packs"][0]["findings"] if f["code"] == "security.control-character"}
    assert actual == {HOSTILE}


def test_stderr_messages_are_escaped(tmp_path):
    code, out, err = run_captured(["check", str(tmp_path / "gone\x1b[2K.json"), "--no-run-log"])
    assert code == 2 and "\x1b" not in err and "gone\\x1b[2K.json" in err
