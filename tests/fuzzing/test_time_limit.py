"""The fuzz targets' per-input time limit blames the input, not the process's warm-up:
a slow input in a process that has not built its tokenizers yet is timed again once
they are built (packverify/fuzz/targets.py, ``_raise``)."""

from __future__ import annotations

import types

import pytest

from packverify.fuzz import foreign, targets

VALID = b'{"a": 1}'  # not a pack: parse findings, a report, no problem of the target's own


class _Clock:
    """perf_counter for the targets module alone: the given readings, in order."""

    def __init__(self, readings):
        self.readings = iter(readings)

    def perf_counter(self):
        return next(self.readings)


def test_an_input_slow_only_while_cold_passes_and_warms_the_process(monkeypatch):
    monkeypatch.setattr(targets, "_warmed", [])
    # cold run: 0 → 100 s (over the limit); warm run: 200 → 200.5 s
    monkeypatch.setattr(targets, "time", types.SimpleNamespace(perf_counter=_Clock([0.0, 100.0, 200.0, 200.5]).perf_counter))
    targets.check_raw(VALID)
    assert targets._warmed == [True]


def test_an_input_slow_when_warm_is_a_slow_input(monkeypatch):
    monkeypatch.setattr(targets, "_warmed", [])
    monkeypatch.setattr(targets, "time", types.SimpleNamespace(perf_counter=_Clock([0.0, 100.0, 200.0, 300.0]).perf_counter))
    with pytest.raises(targets.FuzzFailure, match=r"slow input: 100\.0 s, over the 10\.0 s limit"):
        targets.check_raw(VALID)


def test_a_warm_process_is_not_timed_twice(monkeypatch):
    monkeypatch.setattr(targets, "_warmed", [True])
    monkeypatch.setattr(targets, "time", types.SimpleNamespace(perf_counter=_Clock([0.0, 100.0]).perf_counter))
    with pytest.raises(targets.FuzzFailure, match="slow input"):
        targets.check_raw(VALID)


# the readers' and convert's targets (packverify/fuzz/foreign.py) keep the same rule
# (an input each reaches the end of its target: a readable pack, converted and checked)
FOREIGN = [("read", lambda: foreign.read_foreign("repomix-xml", b"hello world 1234567890" * 3),
            r"read repomix-xml: slow input: 100\.0 s, over the 10\.0 s limit"),
           ("convert", lambda: foreign.convert_round_trip(bytes(range(256))),
            r"convert: slow input: 100\.0 s, over the 30\.0 s limit")]


def _one_clock(monkeypatch, readings):
    clock = types.SimpleNamespace(perf_counter=_Clock(readings).perf_counter)
    monkeypatch.setattr(targets, "time", clock)
    monkeypatch.setattr(foreign, "time", clock)


@pytest.mark.parametrize(("name", "run", "message"), FOREIGN, ids=[f[0] for f in FOREIGN])
def test_a_foreign_input_slow_only_while_cold_passes(monkeypatch, name, run, message):
    monkeypatch.setattr(targets, "_warmed", [])
    _one_clock(monkeypatch, [0.0, 100.0, 200.0, 200.5])
    run()
    assert targets._warmed == [True]


@pytest.mark.parametrize(("name", "run", "message"), FOREIGN, ids=[f[0] for f in FOREIGN])
def test_a_foreign_input_slow_when_warm_is_a_slow_input(monkeypatch, name, run, message):
    monkeypatch.setattr(targets, "_warmed", [])
    _one_clock(monkeypatch, [0.0, 100.0, 200.0, 300.0])
    with pytest.raises(targets.FuzzFailure, match=message):
        run()
