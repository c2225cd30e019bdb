"""The startup self-check: a fast counter counts a fixed probe set exactly as
tiktoken does, or it does not count at all.

The probes are hand-picked to stress what differs between BPE implementations:
the pre-tokenizer's pattern (whitespace runs before a word, ``\\s+(?!\\S)``, CRLF,
digit groups of three, contractions in both cases, letters of every script and
case, marks, emoji sequences with joiners and modifiers), the BPE merge order on
long repeated characters, text tiktoken treats specially (``<|endoftext|>`` and the
other special tokens, counted as ordinary text; lone surrogates, replaced first),
and control characters. ~2 ms per tokenizer. Leaves alone: proving equality on
every input — the differential tests do that on everything the test suite builds.
"""

from __future__ import annotations

from packverify.counting.engines import Counter

PROBES: tuple[str, ...] = (
    "",
    " ",
    "hello world",
    "Hello World HELLO",
    "  leading and trailing  ",
    "\t\ttabs\t\tand  spaces   mixed \t ",
    "line\nline\n\nline\n\n\n",
    "crlf\r\nline\r\n\r\nend\r",
    "\r\r\n\n\r",
    " \n \n  \n",
    "word   \n   next",
    "trailing spaces    ",
    "1 12 123 1234 12345 123456 1234567",
    "3.14159 -42 +7 1e10 0x1F 1_000_000",
    "٣٤٥ ١٢٣٤ Ⅻ ½ ²",
    "don't I'm we're they've she'll he'd it's",
    "DON'T I'M WE'RE THEY'VE SHE'LL HE'D IT'S",
    "'s 't 're 've 'm 'll 'd",
    "rock'n'roll o'clock '''triple''' ``back``",
    "naïve café résumé über Straße ĳ ﬁ",
    "İstanbul ıi Iİ ǅ ǈ",
    "Ελληνικά Русский язык עברית العربية हिन्दी",
    "中文字符 日本語のテキスト 한국어 텍스트",
    "e\u0301 a\u0308 n\u0303 \u0915\u094d\u0937",
    "😀 👍🏽 👩‍👩‍👧‍👦 🏳️‍🌈 🇩🇪",
    "\U0001d518\U0001d52b\U0001d526 \U00020000\U0002a6d6",
    "<|endoftext|>",
    "text<|endoftext|>more<|fim_prefix|><|fim_middle|><|fim_suffix|><|endofprompt|>",
    "<|endoftext|> <|endoftext|>\n<|endoftext",
    "\ud800",
    "a\udfffb\ud83dc",
    "\x00\x01\x1b[2K\x7f\u0085\u00a0\u2028\u2029\ufeff\u200b",
    "a" * 1000,
    " " * 1000,
    "\n" * 500,
    "ab" * 500,
    "😀" * 200,
    "1" * 301,
    "=" * 120 + "\n" + "-" * 121,
    "é" * 400,
    "def f(x):\n    return {'a': [1, 2, 3], \"b\": x ** 2}  # comment\n",
    "    if (a && b || !c) { return a->b; } // C++\r\n",
    "SELECT * FROM t WHERE id = 'x';\n<div class=\"a\">&amp;</div>\n",
    "https://example.com/path?q=1&r=%20#frag user@example.com",
    "$HOME ~/.bashrc C:\\Windows\\System32 ../../etc/passwd",
    "\\u00e9 \\n \\t \\\\ \\\"",
    "!!!??? ... --- +++ *** ### @@@",
    "camelCaseWord snake_case_word SCREAMING_CASE kebab-case-word",
)


def self_check(fast: Counter, reference: Counter) -> str | None:
    """``None`` when ``fast`` counts every probe (and all of them joined) as
    ``reference`` does; otherwise what differed, for the note that explains the
    fallback."""
    for text in (*PROBES, "".join(PROBES)):
        try:
            got = fast.count(text)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 — a Rust panic is a BaseException;
            # a fast engine that fails is refused like one that disagrees
            return f"{fast.engine} failed on probe {text[:40]!r}: {type(exc).__name__}: {exc}"
        want = reference.count(text)
        if got != want:
            return f"{fast.engine} counts {got} tokens for probe {text[:40]!r}, {reference.engine} {want}"
    return None
