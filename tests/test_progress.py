"""Progress on stderr (packverify/cli/_progress.py): a line at most every 5 s off a
terminal (so minutes are never silent), nothing with -q, a bar on a terminal; and the
commands that can run long use it."""

from __future__ import annotations

import io

from helpers import run_captured, valid_doc, write

from packverify.cli._progress import Progress


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_plain_lines_at_most_every_interval():
    stream, clock = io.StringIO(), _Clock()
    with Progress(stream, "check", clock=clock) as progress:
        for second in range(13):
            clock.now = float(second)
            progress.update("packs", second, 12, f"p{second}.json")
    assert stream.getvalue() == "check: packs 5/12 p5.json\ncheck: packs 10/12 p10.json\n"


def test_quiet_prints_nothing():
    stream, clock = io.StringIO(), _Clock()
    with Progress(stream, "meta", quiet=True, clock=clock) as progress:
        clock.now = 100.0
        progress.update("M1", 1, 10)
    assert stream.getvalue() == ""


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_on_a_terminal():
    stream = _Terminal()
    with Progress(stream, "pack") as progress:
        assert progress.tty
        progress.update("count", 3, 10)
    assert stream.getvalue(), "rich drew (and erased) a bar"


def test_check_shows_progress_off_a_terminal_for_long_runs(tmp_path, monkeypatch):
    """Every pack reports progress; a zero interval makes each update a line."""
    monkeypatch.setitem(Progress.__init__.__kwdefaults__, "interval", 0.0)
    for name in ("a.json", "b.json"):
        write(tmp_path, name, valid_doc())
    code, _, err = run_captured(["check", str(tmp_path), "--no-run-log"])
    assert code == 0 and "check: packs 1/2 a.json" in err and "check: packs 2/2 b.json" in err
    code, _, err = run_captured(["check", str(tmp_path), "--no-run-log", "-q"])
    assert code == 0 and err == ""


def test_meta_reports_each_relation_as_it_goes():
    from packverify.cli.meta_cmd import _relation_progress

    stream = io.StringIO()
    with Progress(stream, "meta", interval=0.0) as progress:
        report = _relation_progress(progress, 3)
        for event in ("example", "example", "shrink", "done"):
            report("M1", event)
    assert stream.getvalue().splitlines() == ["meta: M1 1/3", "meta: M1 2/3", "meta: M1 2/3 shrinking a failure",
                                              "meta: M1 3/3 done"]
