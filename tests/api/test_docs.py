"""Every Python example in docs/api.md runs and holds (its asserts are the expectations),
except blocks marked ``<!-- example: not run (why) -->``, which must say why."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_BLOCK = re.compile(r"(?:<!-- example: (?P<mark>[^>]*?) -->\n)?```python\n(?P<code>.*?)```", re.S)


def _blocks(page: str) -> list[tuple[str | None, str]]:
    text = (ROOT / page).read_text(encoding="utf-8")
    return [(m["mark"], m["code"]) for m in _BLOCK.finditer(text)]


def test_every_block_runs_or_says_why_not():
    blocks = _blocks("docs/api.md")
    assert len(blocks) >= 6
    for mark, _ in blocks:
        assert mark is None or re.fullmatch(r"not run \(.+\)", mark), mark


@pytest.mark.parametrize("index", range(len(_blocks("docs/api.md"))))
def test_api_example_runs(index, tmp_path, monkeypatch):
    mark, code = _blocks("docs/api.md")[index]
    if mark is not None:
        pytest.skip(mark)
    monkeypatch.chdir(tmp_path)
    exec(compile(code, f"docs/api.md block {index}", "exec"), {"__name__": "docs_example"})
