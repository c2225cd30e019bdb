"""packverify meta catches the one error it means and lets its own bugs surface: a
relation that raises anything but ``RelationFailed`` is a packverify bug — never a
relation failure, never "cannot replay" — and the command says so with exit 2."""

from __future__ import annotations

import json

import pytest
from helpers import run_captured

from packverify.meta import InProcessPacker, Relation
from packverify.meta import relations as relations_module
from packverify.meta.packers import DEFAULT_TEMPLATE, Session
from packverify.meta.reproducer import replay_directory
from packverify.meta.search import check_relation
from packverify.repo_fixtures import Repo, RepoFile, materialize


def _broken(trace, case):
    raise ZeroDivisionError("a bug in a relation")


@pytest.fixture
def broken_m0(monkeypatch):
    monkeypatch.setitem(relations_module.RELATIONS, "M0", Relation("M0", "broken on purpose", _broken))


def _case_dir(tmp_path, **changes):
    record = {"relation": "M0", "draws": {}, "budget": 1000, "git": False, "packer": DEFAULT_TEMPLATE,
              "kinds": {"a.py": "code"}}
    record.update(changes)
    materialize(Repo((RepoFile("a.py", b"x = 1\n", 1, "code"),)), tmp_path / "repo")
    (tmp_path / "case.json").write_text(json.dumps(record), encoding="utf-8")
    return tmp_path


def test_a_bug_in_a_relation_propagates_from_the_search(broken_m0, tmp_path):
    session = Session(InProcessPacker(), tmp_path / "work")
    try:
        with pytest.raises(ZeroDivisionError):
            check_relation("M0", session, examples=2, seed=0)
    finally:
        session.close()


def test_a_bug_in_a_relation_propagates_from_a_replay(broken_m0, tmp_path):
    with pytest.raises(ZeroDivisionError):
        replay_directory(_case_dir(tmp_path))


@pytest.mark.parametrize("change,needle", [
    (lambda d: (d / "case.json").unlink(), "cannot read"),
    (lambda d: (d / "case.json").write_text("[1, 2]"), "cannot read"),
    (lambda d: (d / "case.json").write_text('{"relation": "M0"}'), "KeyError"),
    (lambda d: (d / "case.json").write_text(json.dumps({"relation": "M9", "draws": {}, "budget": 1000, "git": False,
                                                          "packer": DEFAULT_TEMPLATE})), "names no relation"),
])
def test_an_unreadable_reproducer_is_exit_2_with_the_reason(tmp_path, change, needle):
    directory = _case_dir(tmp_path)
    change(directory)
    code, message = replay_directory(directory)
    assert code == 2 and needle in message, message


def test_a_recorded_choice_that_no_longer_applies_takes_the_simplest_and_says_so(tmp_path, monkeypatch):
    def needs_a_choice(trace, case):
        assert trace.draw("source", "sampled_from", ["a.py", "b.py"]) == "a.py"
        return "drew"

    monkeypatch.setitem(relations_module.RELATIONS, "M0", Relation("M0", "draws", needs_a_choice))
    code, message = replay_directory(_case_dir(tmp_path, draws={"source": "gone.py"}))
    assert code == 0 and "source — the simplest choice was taken" in message, message


def test_the_search_reduction_never_substitutes_a_choice(tmp_path):
    from packverify.meta.trace import ChoiceNotApplicable, Trace

    session = Session(InProcessPacker(), tmp_path / "work")
    try:
        with pytest.raises(ChoiceNotApplicable):
            Trace(session, replay={"source": "gone.py"}).draw("source", "sampled_from", ["a.py"])
        with pytest.raises(ChoiceNotApplicable):
            Trace(session, replay={}).draw("copy", "sampled_from", ["a.py"])
        lenient = Trace(session, replay={}, lenient=True)
        assert lenient.draw("n", "integers", [3, 9]) == 3 and lenient.draw("o", "permutations", ["b", "a"]) == ["b", "a"]
        assert lenient.substituted == ["n", "o"]
    finally:
        session.close()


def test_the_command_reports_a_bug_as_an_internal_error(broken_m0, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_captured(["meta", "--relations", "M0", "--examples", "1", "--no-run-log"])
    assert code == 2, out + err
    assert "internal error (a packverify bug): ZeroDivisionError: a bug in a relation" in err
    assert "Traceback" not in err
    code, _, err = run_captured(["meta", "--relations", "M0", "--examples", "1", "--no-run-log", "--debug"])
    assert code == 2 and "Traceback" in err
