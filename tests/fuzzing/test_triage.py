"""Crash triage: signatures (hand-written tracebacks), one entry per cause with its
smallest input, the summary, ``--known``; and a planted crash that a real session finds
again and again is reported once (the planted fuzzer lives in planted.py, test-only)."""

from __future__ import annotations

import json
from pathlib import Path

import planted
import pytest
from helpers import run_captured

from packverify.fuzz.session import FuzzSession, Options
from packverify.fuzz.triage import Triage, load_known, signature

TRACE = '''
 === Uncaught Python exception: ===
AttributeError: 'list' object has no attribute 'get'
Traceback (most recent call last):
  File "/opt/venv/lib/python3.11/site-packages/packverify/fuzz/foreign.py", line 201, in read_foreign
    pack = readers.read(raw, "fuzz.pack", format=fmt)
  File "/opt/venv/lib/python3.11/site-packages/packverify/readers/__init__.py", line 98, in read
    pack = module.read(raw, path=path)
  File "/opt/venv/lib/python3.11/site-packages/packverify/readers/scribe_stats.py", line 49, in read
    pack.claims.extend(_scribe.stats_claims(stats, offsets, locate, None, None, None))
  File "/opt/venv/lib/python3.11/site-packages/packverify/readers/_scribe.py", line 59, in stats_claims
    final = (stats.get("performance_stats") or {}).get("finalized_pack")
AttributeError: 'list' object has no attribute 'get'

==4242== ERROR: libFuzzer: fuzz target exited
'''


def test_a_crash_is_known_by_its_exception_and_innermost_frames_not_its_lines():
    text, exception, frames = signature("crash", TRACE)
    assert exception == "AttributeError: 'list' object has no attribute 'get'"
    assert frames == ["packverify/readers/_scribe.py:stats_claims", "packverify/readers/scribe_stats.py:read",
                      "packverify/readers/__init__.py:read"]
    assert text == ("AttributeError at packverify/readers/_scribe.py:stats_claims < "
                    "packverify/readers/scribe_stats.py:read < packverify/readers/__init__.py:read")
    moved = TRACE.replace("line 59", "line 75").replace("'list'", "'str'").replace("/opt/venv", "/home/x/.venv")
    assert signature("crash", moved)[0] == text


def test_a_failed_property_is_known_by_the_invariants_it_breaks():
    def trace(message: str) -> str:
        return (" === Uncaught Python exception: ===\n"
                f"packverify.fuzz.targets.FuzzFailure: {message}\nTraceback (most recent call last):\n"
                '  File "/x/packverify/fuzz/targets.py", line 130, in _raise\n    raise FuzzFailure(...)\n')

    one = signature("crash", trace("read gitingest: file 3 ('a.py') text_location 7:2: outside the input (5 lines)"))
    two = signature("crash", trace("read gitingest: file 0 ('b/c.md') text_location 19:40: outside the input "
                                   "(12 lines)"))
    other = signature("crash", trace("read gitingest: reading the same bytes twice gave different results"))
    assert one[0] == two[0] == ("FuzzFailure: read gitingest: file N ('…') text_location N:N: outside the input "
                                "(N lines)")
    assert other[0] != one[0]


def test_an_apostrophe_in_the_message_does_not_hide_the_particulars():
    """Found in a real session: "the reference packer's pack … NFC: 'é.txt'" — the
    apostrophe opened a "quote" that ended at the path's, leaving the path in the
    signature, so one cause was reported twice."""
    def trace(message: str) -> str:
        return f" === Uncaught Python exception: ===\npackverify.fuzz.targets.FuzzFailure: {message}\n"

    one = signature("crash", trace("pack: the reference packer's pack fails check --strict --repo: "
                                   "security.non-nfc-path at /chunks/0/file_path: the path is not NFC: 'e\u0301.txt/a.js'"))
    two = signature("crash", trace("pack: the reference packer's pack fails check --strict --repo: "
                                   "security.non-nfc-path at /chunks/4/file_path: the path is not NFC: 'e\u0301.txt'"))
    normalised = ("pack: the reference packer's pack fails check --strict --repo: "
                  "security.non-nfc-path at /chunks/N/file_path: the path is not NFC: '…'")
    assert one[0] == two[0] == "FuzzFailure: " + normalised[:120].rstrip()  # each problem: its first 120 characters
    said = signature("crash", trace('read x: file "it\'s.md" and file "b.md" differ'))
    assert said[0] == "FuzzFailure: read x: file '…' and file '…' differ"


def test_timeouts_and_out_of_memory_are_one_cause_each():
    assert signature("timeout", "==1== ERROR: libFuzzer: timeout after 30 seconds")[0] == "timeout"
    assert signature("oom", "")[0] == "oom"


def _crash(directory: Path, name: str, data: bytes) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_bytes(data)
    return path


def test_each_cause_is_kept_once_with_its_smallest_input_and_its_count(tmp_path):
    incoming = tmp_path / "incoming"
    triage = Triage(tmp_path / "artifacts")
    first = triage.add("read_scribe_stats", _crash(incoming, "crash-aaa", b"x" * 50), TRACE)
    smaller = triage.add("read_scribe_stats", _crash(incoming, "crash-bbb", b"x" * 10), TRACE)
    larger = triage.add("read_scribe_stats", _crash(incoming, "crash-ccc", b"x" * 90), TRACE)
    assert first is smaller is larger and first.count == 3 and first.size == 10
    kept = tmp_path / "artifacts" / "read_scribe_stats"
    assert sorted(p.name for p in kept.iterdir()) == ["crash-bbb", "crash-bbb.replay", "crash-bbb.txt"]
    assert (kept / "crash-bbb.replay").read_text().strip() == \
        f"python -m packverify.fuzz.libfuzzer read_scribe_stats {kept / 'crash-bbb'}"
    assert "stats_claims" in (kept / "crash-bbb.txt").read_text()
    assert not any(incoming.iterdir())
    other = triage.add("read_scribe_stats", _crash(incoming, "timeout-ddd", b"y"), "")
    summary = json.loads(triage.write().read_text())
    assert summary["unique"] == 2 and [c["kind"] for c in summary["crashes"]].count("timeout") == 1
    assert {c["id"] for c in summary["crashes"]} == {first.id, other.id}
    again = Triage(tmp_path / "artifacts")  # the next session carries the counts on
    assert again.crashes[first.id].count == 3 and again.this_session == {}


def test_known_crashes_are_read_from_a_summary_a_list_or_lines(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps({"crashes": [{"id": "0123abcd", "signature": "timeout"}]}))
    (tmp_path / "b.json").write_text(json.dumps(["0123abcd", {"id": "ffff"}]))
    (tmp_path / "c.txt").write_text("# accepted while issue 9 fixes the reader\n0123abcd  # scribe-stats\n\ntimeout\n")
    assert load_known(tmp_path / "a.json") == {"0123abcd", "timeout"}
    assert load_known(tmp_path / "b.json") == {"0123abcd", "ffff"}
    assert load_known(tmp_path / "c.txt") == {"0123abcd", "timeout"}


def _session(tmp_path: Path, seconds: float, known=frozenset(), workers: int = 1) -> FuzzSession:
    scripts = planted.write(tmp_path, planted=planted.CRASHING)
    options = Options(targets=["planted"], seconds=seconds, workers=workers, corpus_root=tmp_path / "corpus",
                      artifacts_root=tmp_path / "artifacts", stats_interval=2, known=frozenset(known),
                      command_for=planted.command_for(scripts))
    return FuzzSession(options, targets={"planted": planted.planted_target("planted")})


@pytest.mark.slow
def test_a_planted_crash_found_again_and_again_is_reported_once(tmp_path):
    session = _session(tmp_path, 20)
    session.run()
    summary = session.summary()
    crashes = json.loads((tmp_path / "artifacts" / "crashes.json").read_text())["crashes"]
    assert len(crashes) == 1, crashes
    crash = crashes[0]
    assert crash["count"] >= 2, "the session restarts the target after a crash and finds it again"
    assert crash["signature"] == "RuntimeError at planted_fuzzer.py:check < planted_fuzzer.py:TestOneInput"
    kept = Path(crash["input"])
    assert kept.read_bytes()[:1] == b"B" and crash["size"] == len(kept.read_bytes())
    assert sorted(p.name for p in kept.parent.iterdir()) == sorted([kept.name, kept.name + ".replay",
                                                                    kept.name + ".txt"])
    target = summary["targets"]["planted"]
    assert target["unique_crashes"] == 1 and target["crashes"] == [crash["input"]]
    assert target["restarts"] >= 1 and summary["verdict"] == "fail" and summary["new_crashes"] == [crash["id"]]

    accepted = _session(tmp_path, 8, known={crash["id"]})  # the same crash, now accepted
    accepted.run()
    assert accepted.summary()["verdict"] == "pass" and accepted.summary()["new_crashes"] == []
    again = json.loads((tmp_path / "artifacts" / "crashes.json").read_text())["crashes"]
    assert len(again) == 1 and again[0]["count"] > crash["count"] and again[0]["known"] is True


def test_known_must_be_a_readable_file():
    code, _, err = run_captured(["fuzz", "--known", "/nonexistent/known.json", "--no-run-log"])
    assert code == 2 and "does not exist" in err


def test_the_committed_known_crashes_are_exactly_the_open_bugs():
    """known-crashes.json (for --known in CI) lists the signature of every KNOWN_OPEN
    reproducer, replayed here in-process, and nothing else."""
    import traceback

    from test_fuzzers import FUZZERS, KNOWN_OPEN, REGRESSIONS

    from packverify.fuzz.triage import crash_id

    listed = json.loads((Path(__file__).with_name("known-crashes.json")).read_text())["crashes"]
    replayed = set()
    for key in KNOWN_OPEN:
        target = key.split("/")[0]
        with pytest.raises(Exception) as caught:  # noqa: PT011 - whatever the open bug raises
            FUZZERS[target].TestOneInput((REGRESSIONS / key).read_bytes())
        text = signature("crash", "".join(traceback.format_exception(caught.value)))[0]
        replayed.add(crash_id(target, "crash", text))
    assert {entry["id"] for entry in listed} == replayed
    assert load_known(Path(__file__).with_name("known-crashes.json")) >= replayed
