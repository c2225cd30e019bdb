"""Pseudo-random inputs for the ``check_raw`` replays: mostly valid UTF-8 and JSON-ish.

Random bytes are almost never UTF-8, so a stream of them tests one branch of the loader
(``parse.invalid-utf8``: 400 of 400 inputs, measured). These inputs reach the rest:

* **edited packs** (40%): a seed of ``corpus/check_raw`` parsed, one to three of its
  values replaced (by edge numbers, strings, literals, objects, arrays), removed or
  added, and written again — still JSON, so every oracle gets to judge it; sometimes
  one number is then written as an extreme literal (NaN, 1e400, 10^30, -0.0 …);
* **mutated seed bytes** (15%, the seeds in turn): one to four byte-level edits — a dictionary token
  inserted, a byte changed, a span deleted or duplicated, the end cut off on a
  character boundary;
* **made-up documents** (25%): a random tree of objects and arrays whose keys are the
  pack format's field names and whose values are edge numbers, strings and literals,
  written by ``json.dumps`` (compact or indented, ASCII-escaped or not);
* **prefixes** (10%): such a document cut at a random character, so still UTF-8;
* **raw bytes** (10%): what the stream used to be.

The same ``random.Random`` seed gives the same inputs everywhere: a failure always
reproduces. ``tests/fuzzing/test_fuzzers.py`` checks the branches they reach.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = "packverify-fuzz-check_raw"

FIELDS = ("metadata", "tokenizer_info", "budget_info", "chunks", "statistics", "manifest_digest", "body_spans",
          "version", "created_at", "repo_info", "path", "commit", "generator", "name", "serialization",
          "chunk_id_scheme", "target_budget", "actual_tokens", "utilization", "underflow_allowed", "id", "file_path",
          "start_line", "end_line", "tokens", "content_hash", "content", "selected_mode", "language",
          "total_files", "total_chunks", "total_tokens", "language_distribution", "chunk_id", "start", "end", "x-note")
NUMBERS = ("0", "-0", "-0.0", "1", "1000", "1001", "0.005", "1.005", "1e-9", "5e-324", "1e308", "-1",
           "9007199254740993", "1" + "0" * 30, "1.0", "2.5e3", "999", "0.995", "20", "12")
EXTREMES = ("NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1" + "0" * 400, "-0.0", "5e-324", "1e-400")
STRINGS = ("", "src/a.py", "../etc/passwd", "/abs", "a\\u0000b", "README.md", "cl100k", "o200k", "full", "summary",
           "rfc8785", "packverify-v1", "1970-01-01T00:00:00Z", "yesterday", "0" * 40, "0" * 64, "é😀", "\\u001b[2K",
           ".env", "signature", "src/app.py", "# Demo\\n")


def _dictionary() -> list[bytes]:
    tokens = []
    for line in (HERE / "check_raw.dict").read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r'(?:[A-Za-z0-9_]+=)?"(.*)"', line.strip())
        if match:
            tokens.append(match.group(1).encode("latin-1").decode("unicode_escape").encode("latin-1"))
    return tokens


def _seeds() -> list[bytes]:
    return [p.read_bytes() for p in sorted((HERE / "corpus" / "check_raw").iterdir()) if p.stat().st_size <= 8192]


def _scalar(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.4:
        return rng.choice(NUMBERS)
    if kind < 0.8:
        return '"' + rng.choice(STRINGS) + '"'
    return rng.choice(("true", "false", "null", str(rng.randint(-5, 5000)), repr(rng.random())))


def _value(rng: random.Random, depth: int) -> str:
    kind = rng.random()
    if depth > 4 or kind < 0.45:
        return _scalar(rng)
    if kind < 0.75:
        keys = [rng.choice(FIELDS) for _ in range(rng.randint(0, 5))]
        return "{" + ",".join(f'"{k}":{_value(rng, depth + 1)}' for k in keys) + "}"
    return "[" + ",".join(_value(rng, depth + 1) for _ in range(rng.randint(0, 4))) + "]"


def _document(rng: random.Random) -> bytes:
    text = "{" + ",".join(f'"{k}":{_value(rng, 1)}' for k in rng.sample(FIELDS[:7], rng.randint(1, 7))) + "}"
    if rng.random() < 0.5:  # re-written by json where it can be: indentation and escaping vary
        try:
            text = json.dumps(json.loads(text), indent=rng.choice((None, 1, 2)), ensure_ascii=rng.random() < 0.5)
        except ValueError:
            pass
    return text.encode("utf-8", "surrogatepass")


def _cut(data: bytes, at: int) -> bytes:
    while 0 < at < len(data) and (data[at] & 0xC0) == 0x80:
        at -= 1  # never inside a UTF-8 sequence: back to the byte that starts it
    return data[:at]


def _mutate(rng: random.Random, data: bytes, dictionary: list[bytes]) -> bytes:
    for _ in range(rng.randint(1, 4)):
        kind = rng.random()
        at = rng.randrange(len(data) + 1)
        if kind < 0.3:
            numbers = [m.span() for m in re.finditer(rb"(?<=[:\[,])-?\d[\d.eE+-]*", data)]
            if numbers:
                start, end = rng.choice(numbers)
                data = data[:start] + rng.choice(NUMBERS + EXTREMES).encode() + data[end:]
        elif kind < 0.55:
            data = data[:at] + rng.choice(dictionary) + data[at:]
        elif kind < 0.7 and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([rng.randrange(0x20, 0x7F)]) + data[at + 1:]
        elif kind < 0.85:
            end = min(len(data), at + rng.randint(1, 40))
            data = data[:at] + data[end:] if rng.random() < 0.5 else data[:end] + data[at:end] + data[end:]
        else:
            data = _cut(data, at)
    return data


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


def _edit(rng: random.Random, data: bytes) -> bytes:
    """A seed's document with one to three values replaced, removed or added."""
    try:
        document = json.loads(data)
    except ValueError:
        return data
    for _ in range(rng.randint(1, 3)):
        paths = [p for p in _paths(document) if p]
        if not paths:
            break
        path = rng.choice(paths)
        parent = document
        for key in path[:-1]:
            parent = parent[key]
        kind = rng.random()
        if kind < 0.6:
            parent[path[-1]] = json.loads(_value(rng, 3))
        elif kind < 0.8:
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[rng.choice(FIELDS)] = json.loads(_value(rng, 3))
        else:
            parent.insert(path[-1], json.loads(_value(rng, 3)))
    text = json.dumps(document, ensure_ascii=rng.random() < 0.3, sort_keys=rng.random() < 0.7,
                      separators=(",", ":") if rng.random() < 0.7 else None).encode("utf-8", "surrogatepass")
    if rng.random() < 0.25:  # one number written as an extreme literal
        numbers = [m.span() for m in re.finditer(rb"(?<=[:\[,])-?\d[\d.eE+-]*", text)]
        if numbers:
            start, end = rng.choice(numbers)
            text = text[:start] + rng.choice(EXTREMES).encode() + text[end:]
    return text


def raw_inputs(count: int, seed: str = SEED) -> list[bytes]:
    """``count`` inputs for ``check_raw`` (see the module docstring); deterministic."""
    rng = random.Random(seed)
    seeds, dictionary = _seeds(), _dictionary()
    out = []
    mutated = 0
    for _ in range(count):
        kind = rng.random()
        if kind < 0.4:
            out.append(_edit(rng, rng.choice(seeds)))
        elif kind < 0.55:
            # the seeds in turn, not drawn: each parse.* seed (a branch of its own) gets its
            # share of byte edits whatever the number of seeds (a drawn choice missed some)
            out.append(_mutate(rng, seeds[mutated % len(seeds)], dictionary))
            mutated += 1
        elif kind < 0.8:
            out.append(_document(rng))
        elif kind < 0.9:
            document = _document(rng)
            out.append(_cut(document, rng.randrange(len(document) + 1)))
        else:
            out.append(rng.randbytes(rng.choice((8, 64, 256, 1024, 3000))))
    return out
