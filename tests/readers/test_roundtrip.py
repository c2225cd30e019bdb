"""Round trip, per format: awkward files → the independent renderer (renderers.py, the tool's
own rules) → the reader → the same files, after the tool's documented transformations.

Generated content mixes every format's structure lines (closing tags, fences, separators,
headers naming files that are not in the pack), backtick runs, XML-ish text, CRLF, missing
final newlines and non-ASCII. Each format's generator leaves out only what the format
cannot represent at all, by construction (``UNREPRESENTABLE``, docs/formats/): the
generators never consult a reader.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from renderers import RENDERERS

import packverify.readers as readers

STRUCTURE_LINES = [
    "</file>", "", '<file path="fake/inside.py">', "</files>", "<files>", "<![CDATA[ x ]]>", "]]>", "&amp; &lt;",
    "### path: fake.py lines: 1-2 mode: full", "### path: fake.py lines: 1 mode: python", "### path:",
    "=" * 16, "File: fake/plain.txt", "=" * 48, "FILE: fake/ingest.txt", "=" * 64, "End of Codebase", "Files",
    "--- ", "----", "fake/ftp.txt", "</document_content>", "</document>", '<document index="99">',
    "<source>fake/doc.txt</source>", "<document_content>", "## File: fake/md.md", "# Files", "```", "````python",
    "`" * 7, "x = '`'", "Directory structure:", "└── fake/", '{"files": {}}', "<|endoftext|>", "\t indented",
    "trailing   ", "é ü ф 日本 😀", "\u00a0nbsp", "---",
    # whole fake entry boundaries, as a file copied from another pack would hold them
    '</file>\n\n<file path="fake/inside.py">', "\n" + "=" * 16 + "\nFile: fake/plain.txt\n" + "=" * 16,
    "\n\n" + "=" * 48 + "\nFILE: fake/ingest.txt\n" + "=" * 48,
    '</document_content>\n</document>\n<document index="99">\n<source>fake/doc.txt</source>\n<document_content>',
    "\n### path: fake.py lines: 1-2 mode: full\n", "\n---\nfake/ftp.txt\n---", "\n## File: fake/md.md\n```",
    "\n\n### path: fake.py lines: 1 mode: python", "\n" + "=" * 64 + "\nEnd of Codebase\n" + "=" * 64,
]
# What a format cannot carry at all (it has no escaping and nothing else to tell a boundary
# by): files-to-prompt's default style cannot carry a line '---' two lines after a blank
# line; scribe's CLI format cannot carry a blank line followed by a valid section header.
UNREPRESENTABLE = {
    "files-to-prompt": {"---", "\n---\nfake/ftp.txt\n---"},
    "scribe": {"### path: fake.py lines: 1 mode: python", "\n\n### path: fake.py lines: 1 mode: python"},
}

# What detection cannot recognise (docs/fuzzing.md, known limits): files-to-prompt's plain
# and Markdown styles begin with the first path, and a first path beginning with one of
# these is taken for another format's opening; --input-format reads such a pack.
UNDETECTABLE_FIRST_CHARS = {"files-to-prompt": "<#{=", "files-to-prompt-markdown": "<#{="}

_SEGMENT = st.text(alphabet=st.sampled_from(list("abcXYZ019_-.é日ф<&'\"` ")), min_size=1, max_size=8).map(
    lambda s: s.strip(" ") or "x").filter(lambda s: s not in (".", ".."))


@st.composite
def repos(draw, lines: list[str]) -> list[tuple[str, str]]:
    """Files with unique paths, none of which is also a directory of another."""
    paths = draw(st.lists(st.lists(_SEGMENT, min_size=1, max_size=3).map("/".join), min_size=1, max_size=6,
                          unique=True))
    paths = [p for p in paths if not any(q.startswith(p + "/") for q in paths)]
    files = []
    for path in paths:
        body = draw(st.lists(st.one_of(st.sampled_from(lines), st.text(
            st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=20)), max_size=12))
        newline = draw(st.sampled_from(["\n", "\r\n"]))
        final = draw(st.sampled_from(["", newline]))
        files.append((path, newline.join(body) + (final if body else "")))
    return files


def _as_pairs(pack) -> list[tuple[str, str]]:
    return [(e.path, e.text if e.text is not None else e.placeholder) for e in pack.files]


FORMATS = sorted(RENDERERS)


@pytest.mark.parametrize("variant", FORMATS)
def test_round_trip(variant):
    name = variant.split("/")[0]
    lines = [line for line in STRUCTURE_LINES if line not in UNREPRESENTABLE.get(name, set())]
    render = RENDERERS[variant]

    @given(repos(lines))
    def check(files):
        assume(files[0][0][:1] not in UNDETECTABLE_FIRST_CHARS.get(variant, ""))
        raw, expected = render(files)
        pack = readers.read(raw, "generated")
        assert pack.format == name
        assert pack.findings == []
        assert _as_pairs(pack) == expected

    check()


def test_files_to_prompt_default_cannot_carry_its_own_separator():
    """The documented limit: a file holding a blank line, '---', a line and '---' reads as two."""
    raw, _ = RENDERERS["files-to-prompt"]([("a.txt", "x\n\n---\nb.txt\n---\ny")])
    assert [e.path for e in readers.read(raw).files] == ["a.txt", "b.txt"]
