"""The pytest plugin as a packer author gets it: a test file in a fresh directory, run by
pytest in a subprocess, finds the ``packverify`` fixture through the installed
``pytest11`` entry point; a bad pack fails the test with the findings listed."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from helpers import mutated, valid_doc, write

TEST_FILE = textwrap.dedent('''
    def test_good(packverify):
        report = packverify.assert_valid("good.json")
        assert report.verdict.value == "pass"


    def test_bad(packverify):
        packverify.assert_valid("bad.json")


    def test_bytes_and_check(packverify):
        data = open("bad.json", "rb").read()
        assert packverify.check(data, strict=False).verdict.value == "fail"
''')


def test_the_fixture_comes_from_the_entry_point(tmp_path):
    write(tmp_path, "good.json", valid_doc())
    write(tmp_path, "bad.json", mutated(lambda d: d["chunks"][0].update(tokens=1)))
    (tmp_path / "test_mypacker.py").write_text(TEST_FILE, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "test_mypacker.py"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert "1 failed, 2 passed" in done.stdout, done.stdout + done.stderr
    assert "PackAssertionError: bad.json is not a valid pack" in done.stdout
    assert "tokens.mismatch at /chunks/0/tokens" in done.stdout and "budget.sum-mismatch" in done.stdout
