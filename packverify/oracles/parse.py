"""parse — the file is UTF-8 I-JSON that a pack can be read from.

Checks (in packverify.load, which never raises): UTF-8 without BOM, JSON syntax,
no duplicate keys, no NaN/Infinity, integers within ±(2**53−1), no lone surrogate
escapes, at most ``MAX_DEPTH`` levels, a size limit, an object at the top. Any
parse finding makes every other oracle ``skipped``: what a duplicated key means is
a guess, and packverify does not judge guesses. Leaves alone: everything about the
document's shape (``schema``) and meaning (the other oracles).

A pack in another format (docs/formats/) is read by its reader, which reports here where
the input is not that format at all (empty, not UTF-8, a JSON part that is not JSON, a
format forced with ``--input-format`` that does not fit), located by line:column. Invalid
UTF-8 alone does not stop the other oracles: the reader goes on with U+FFFD, and ``source``
then names the file and line the bytes broke.
"""

from __future__ import annotations

from collections.abc import Iterator

from packverify.oracles._base import ERROR, Code
from packverify.readers import codes as reader_codes

NAME = "parse"

CODES = {
    "parse.too-large": Code("File over the size limit", ERROR,
                            "A pack larger than --max-bytes is refused before it is read, so a runaway packer cannot exhaust memory.",
                            "a 3 GiB pack with the default --max-bytes 512 MiB"),
    "parse.invalid-utf8": Code("Not UTF-8", ERROR, "JSON text exchanged between systems must be UTF-8 (RFC 8259 §8.1).",
                               "a Latin-1 byte 0xE9 in a path"),
    "parse.byte-order-mark": Code("Byte order mark", ERROR, "RFC 8259 forbids a BOM; many parsers reject it.",
                                  "EF BB BF before '{'"),
    "parse.invalid-json": Code("Not JSON", ERROR, "The file is not JSON text at all.", "a truncated file: '{\"chunks\": ['"),
    "parse.duplicate-key": Code("Duplicate key", ERROR,
                                "Parsers disagree on which of two equal keys wins (first, last, error); a pack must mean one thing.",
                                '{"tokens": 10, "tokens": 99}'),
    "parse.non-finite-number": Code("NaN or Infinity", ERROR, "Not JSON; Python's json module writes them unless told not to.",
                                    '{"utilization": NaN}'),
    "parse.number-out-of-range": Code("Number out of range", ERROR,
                                      "A number beyond the range of an IEEE double has no value in most JSON implementations (I-JSON, RFC 7493); 100,000-digit integers also stall naive parsers.",
                                      "1e400, or an integer of 100,000 digits"),
    "parse.lone-surrogate": Code("Lone surrogate", ERROR,
                                 "A \\ud800-style escape without its pair is not Unicode text; it cannot be hashed or tokenized as UTF-8.",
                                 '{"content": "\\ud800"}'),
    "parse.too-deep": Code("Nesting too deep", ERROR,
                           "Deeply nested input exhausts recursive parsers (a depth bomb); a pack needs about five levels.",
                           "[[[[...]]]] 100,000 levels deep"),
    "parse.not-an-object": Code("Top level is not an object", ERROR, "A pack is a JSON object.", "[] or null"),
}


# A foreign pack's reader reports where its input cannot be read as its format at all; the
# codes it shares with JSON (invalid UTF-8, invalid JSON, duplicate keys) are the ones above.
CODES.update({code: info for code, info in reader_codes.CODES.items() if code.startswith("parse.")})


def check(pack, ctx) -> Iterator:
    yield from pack.loaded.findings


def check_foreign(view, ctx) -> Iterator:
    """The reader's ``parse.*`` findings, each at its line:column of the input."""
    yield from view.reader_findings("parse.")
