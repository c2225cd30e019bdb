"""Foreign pack documents built from fuzzer choices: files → a format's output template →
damage, for the reader targets (:mod:`packverify.fuzz.foreign`).

Each writer renders ``[(path, content)]`` the way its tool does (docs/formats/; the same
templates as ``tests/readers/renderers.py``, which the test suite compares them with byte
for byte) and says which files a reader must give back: the content after the tool's own
documented transformations (repomix trims, the Python tools read with universal newlines,
gitingest writes ``[Empty file]``). That promise is withdrawn (``expected=None``) when the
document was damaged afterwards — truncated, a line dropped, doubled or swapped, a
structure line, an entity or a stray byte inserted — or when a file holds text its format
cannot tell from a boundary (:func:`ambiguous`): those documents still exercise every
invariant except the round trip.

Contents and paths are drawn from pools of every format's structure lines (closing tags,
fences, separators, entry headers, XML entities and CDATA, JSON fragments), so the
structure-aware path reaches the boundary logic at once; random text comes from the
fuzzer. Nothing here is random: the same bytes give the same document.

Leaves alone: judging what a reader returns (``foreign``) and the formats' rules, which
live in the readers and docs/formats/.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

Files = list[tuple[str, str]]

# ECMAScript WhiteSpace and LineTerminator: what repomix's String.prototype.trim removes.
_JS_WHITESPACE = ("\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
                 "\u2028\u2029\u202f\u205f\u3000\ufeff")
REPOMIX_HEADER = ("This file is a merged representation of the entire codebase, combined into a single document by "
                  "Repomix.\nThe content has been processed where security check has been disabled.")
SCRIBE_RULE = "=" * 50

# Lines that are structure in one format or another, and text that escapes or fences care about.
STRUCTURE_LINES = (
    "</file>", "", '<file path="src/a.py">', "</files>", "<files>", "<![CDATA[ x ]]>", "]]>", "&amp; &lt; &#x41; &#65;",
    "&bogus;", "&#xZZ;", "&#99999999;", "&", "<repomix>", "</repomix>", "<directory_structure>", "<file_summary>",
    "### path: src/a.py lines: 1-2 mode: full", "### path: src/a.py lines: 1 mode: python", "### path:",
    "=" * 16, "File: src/a.py", "=" * 48, "FILE: src/a.py", "SYMLINK: a -> b", "=" * 64, "End of Codebase", "Files",
    "Directory Structure", "--- ", "---", "----", "src/a.py", "</document_content>", "</document>",
    '<document index="2">', "<source>src/a.py</source>", "<document_content>", "</documents>", "## File: src/a.py",
    "# Files", "```", "````python", "`" * 7, "x = '`'", "Directory structure:", "└── repo/", "├── a.py",
    '{"files": {}}', '"fileSummary": {', "<|endoftext|>", "\t indented", "trailing   ", "é ü ф 日本 😀",
    "\u00a0nbsp", "\ufeffbom", "[Empty file]", "[Binary file]", "...", "(content truncated)",
    "(Content truncated due to token budget constraints)", SCRIBE_RULE, "SCRIBE PERFORMANCE STATISTICS",
    '"performance_stats": {"finalized_pack": {"total_tokens": 3}}', "\x00", "\x0c", "\u2028", "\r",
)
SEGMENTS = ("src", "a.py", "b.txt", "README.md", "é日ф.md", "x y", "a&b", "<t>", "q'\"", "`tick`", "-", "_", "dir.d",
            "---", "File:", "[Empty file]")
_SEGMENT_CHARS = "abcXYZ019_-.é日ф<&'\"` "


@dataclass(frozen=True)
class Document:
    raw: bytes
    expected: Files | None  # what the reader must give back, or None when not promised


def _pick(fdp, options):
    return options[fdp.ConsumeIntInRange(0, len(options) - 1)]


def _segment(fdp) -> str:
    if fdp.ConsumeIntInRange(0, 2):
        return _pick(fdp, SEGMENTS)
    size = fdp.ConsumeIntInRange(1, 8)
    text = "".join(_pick(fdp, _SEGMENT_CHARS) for _ in range(size)).strip(" ")
    return text if text not in ("", ".", "..") else "x"


def _content(fdp) -> str:
    lines = []
    for _ in range(fdp.ConsumeIntInRange(0, 10)):
        if fdp.ConsumeIntInRange(0, 2):
            lines.append(_pick(fdp, STRUCTURE_LINES))
        else:
            lines.append(fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 24)))
    newline = _pick(fdp, ("\n", "\n", "\r\n"))
    final = _pick(fdp, ("", newline, newline * 2)) if lines else ""
    return newline.join(lines) + final


def files(fdp, most: int = 5) -> Files:
    """Up to ``most`` files: unique paths, none also a directory of another."""
    paths: list[str] = []
    for _ in range(fdp.ConsumeIntInRange(0, most)):
        path = "/".join(_segment(fdp) for _ in range(fdp.ConsumeIntInRange(1, 3)))
        if path not in paths:
            paths.append(path)
    paths = [p for p in paths if not any(q.startswith(p + "/") for q in paths)]
    return [(path, _content(fdp)) for path in paths]


# --------------------------------------------------------------------------- the tools' transformations

def js_trim(text: str) -> str:
    return text.strip(_JS_WHITESPACE)


def universal_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _expected(files_: Files, transform: Callable[[str], str]) -> Files:
    return [(path, transform(content)) for path, content in files_]


# --------------------------------------------------------------------------- repomix

def repomix_tree(paths: list[str]) -> str:
    """fileTreeGenerate.treeToString: two spaces per level, directories first, then files."""
    root: dict = {}
    for path in paths:
        node = root
        parts = path.split("/")
        for part in parts[:-1]:
            node = node.setdefault(part + "/", {})
        node[parts[-1]] = None
    lines: list[str] = []

    def walk(node: dict, prefix: str) -> None:
        for name in sorted(node, key=lambda n: (node[n] is None, n)):
            lines.append(prefix + name)
            if node[name] is not None:
                walk(node[name], prefix + "  ")

    walk(root, "")
    return "\n".join(lines)


def _repomix_xml(files_: Files) -> tuple[str, Files]:
    expected = _expected(files_, js_trim)
    out = [REPOMIX_HEADER, "", "<file_summary>", "This section contains a summary of this file.", "</file_summary>", "",
           "<directory_structure>", repomix_tree([p for p, _ in files_]), "</directory_structure>", "",
           "<files>", "This section contains the contents of the repository's files.", ""]
    for path, text in expected:
        out += [f'<file path="{path}">', text, "</file>", ""]
    out.append("</files>")
    return "\n".join(out).strip() + "\n", expected


def xml_escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("'", "&apos;"))


def _repomix_parsable_xml(files_: Files) -> tuple[str, Files]:
    expected = _expected(files_, js_trim)
    body = "".join(f'<file path="{xml_escape(p)}">{xml_escape(t)}</file>' for p, t in expected)
    tree = xml_escape(repomix_tree([p for p, _ in files_]))
    return (f"<repomix><file_summary>{xml_escape(REPOMIX_HEADER)}</file_summary>"
            f"<directory_structure>{tree}</directory_structure><files>This section contains the contents of "
            f"the repository&apos;s files.{body}</files></repomix>"), expected


def _repomix_markdown(files_: Files) -> tuple[str, Files]:
    expected = _expected(files_, js_trim)
    tree = repomix_tree([p for p, _ in files_])
    runs = [len(m) for text in [t for _, t in expected] + [tree] for m in re.findall("`+", text)]
    fence = "`" * max(3, max(runs, default=0) + 1)
    out = [REPOMIX_HEADER, "", "# File Summary", "", "## Purpose", "A packed representation.", "",
           "# Directory Structure", fence, tree, fence, "", "# Files", ""]
    for path, text in expected:
        out += [f"## File: {path}", fence + ("python" if path.endswith(".py") else ""), text, fence, ""]
    return "\n".join(out).strip() + "\n", expected


def _repomix_plain(files_: Files) -> tuple[str, Files]:
    expected = _expected(files_, js_trim)
    long, sep = "=" * 64, "=" * 16
    out = [REPOMIX_HEADER, "", long, "File Summary", long, "", "Purpose:", "--------", "A packed representation.", "",
           "", long, "Directory Structure", long, repomix_tree([p for p, _ in files_]), "", long, "Files", long, ""]
    for path, text in expected:
        out += [sep, f"File: {path}", sep, text, ""]
    out += ["", "", "", "", long, "End of Codebase", long]
    return "\n".join(out).strip() + "\n", expected


def _repomix_json(files_: Files) -> tuple[str, Files]:
    expected = _expected(files_, js_trim)
    doc = {"fileSummary": {"generationHeader": REPOMIX_HEADER, "notes": "- notes"},
           "directoryStructure": repomix_tree([p for p, _ in files_]), "files": dict(expected)}
    return json.dumps(doc, indent=2, ensure_ascii=False), expected


# --------------------------------------------------------------------------- gitingest, files-to-prompt

def gitingest_tree(paths: list[str]) -> str:
    """_create_tree_structure under a root 'repo/': box drawing, four columns per level."""
    root: dict = {}
    for path in paths:
        node = root
        parts = path.split("/")
        for part in parts[:-1]:
            node = node.setdefault(part + "/", {})
        node[parts[-1]] = None
    lines = ["└── repo/"]

    def walk(node: dict, prefix: str) -> None:
        names = list(node)
        for i, name in enumerate(names):
            last = i == len(names) - 1
            lines.append(prefix + ("└── " if last else "├── ") + name)
            if node[name] is not None:
                walk(node[name], prefix + ("    " if last else "│   "))

    walk(root, "    ")
    return "\n".join(lines) + "\n"


def _gitingest(files_: Files) -> tuple[str, Files]:
    expected = _expected(files_, lambda content: universal_newlines(content) or "[Empty file]")
    sep = "=" * 48
    blocks = ["\n".join([sep, f"FILE: {path}", sep, text]) + "\n\n" for path, text in expected]
    return "Directory structure:\n" + gitingest_tree([p for p, _ in files_]) + "\n" + "\n".join(blocks), expected


def _files_to_prompt(files_: Files) -> tuple[str, Files]:
    expected = _expected(files_, universal_newlines)
    return "".join(f"{p}\n---\n{t}\n\n---\n" for p, t in expected), expected


def _files_to_prompt_cxml(files_: Files) -> tuple[str, Files]:
    expected = _expected(files_, universal_newlines)
    out = ["<documents>\n"]
    for i, (path, text) in enumerate(expected, 1):
        out.append(f'<document index="{i}">\n<source>{path}</source>\n<document_content>\n{text}\n'
                   "</document_content>\n</document>\n")
    out.append("</documents>\n")
    return "".join(out), expected


def _files_to_prompt_markdown(files_: Files) -> tuple[str, Files]:
    expected = _expected(files_, universal_newlines)
    out = []
    for path, text in expected:
        backticks = "```"
        while backticks in text:
            backticks += "`"
        language = {"py": "python", "md": ""}.get(path.split(".")[-1], "")
        out.append(f"{path}\n{backticks}{language}\n{text}\n{backticks}\n")
    return "".join(out), expected


# --------------------------------------------------------------------------- scribe, PackRepo, our JSON

def _scribe(files_: Files) -> tuple[str, Files]:
    expected = _expected(files_, universal_newlines)
    header = json.dumps({"mode": "fast_path", "repo_path": ".", "generation_time": 1.5, "target_budget": 120000,
                         "selector": "mmr", "total_files": len(files_), "effective_budget": 114000}, indent=2)
    segments = [f"### path: {p} lines: {t.count(chr(10)) + 1} mode: text\n{t}" for p, t in expected]
    return header + "\n\n" + "\n\n".join(segments), expected


def _packrepo(files_: Files) -> tuple[str, Files]:
    chunks = [{"id": f"c{i}", "rel_path": p, "start_line": 1, "end_line": max(1, t.count("\n") + 1),
               "selected_mode": "full", "selected_tokens": 0} for i, (p, t) in enumerate(files_)]
    index = {"format_version": "0.3", "packrepo_version": "0.1.0", "tokenizer": "cl100k_base", "chunks": chunks}
    body = "\n".join(f"### path: {c['rel_path']} lines: {c['start_line']}-{c['end_line']} mode: full\n\n{t}\n"
                     for c, (_, t) in zip(chunks, files_))
    return json.dumps(index, indent=2, ensure_ascii=False) + ("\n\n" + body if body else ""), list(files_)


def _packverify_json(files_: Files) -> tuple[str, Files]:
    from packverify.canonical import jcs_bytes
    from packverify.format import canonical_chunk_id, count_lines, hash_content

    chunks = []
    for path, text in files_:
        end = max(1, count_lines(text))
        chunks.append({"id": canonical_chunk_id(path, 1, end), "file_path": path, "start_line": 1, "end_line": end,
                       "tokens": 0, "content_hash": hash_content(text), "content": text})
    doc = {"metadata": {"version": "1.0.0"}, "tokenizer_info": {"name": "cl100k"},
           "budget_info": {"target_budget": 1000, "actual_tokens": 0}, "chunks": chunks}
    return jcs_bytes(doc).decode("utf-8"), list(files_)


def _scribe_stats(fdp) -> tuple[str, dict]:
    """A ``--stats`` block; what it states is given back as the claims it makes."""
    values: dict = {}
    for key in ("total_tokens", "budget_utilization", "overflow_tokens", "files_included", "files_demoted"):
        if fdp.ConsumeBool():
            values[key] = _pick(fdp, (0, 1, 1310, -1, 2**63, 0.5, 1e308, "12", None, True, [], {}))
    final = _pick(fdp, ({"finalized_pack": values}, values, [values], None, "x"))
    stats = {"execution_summary": {"target_mode": "fast_path"}, "performance_stats": final}
    before = _pick(fdp, ("Pack written to ../out/stats.txt.pack\n", "", "stray text\n"))
    text = (f"{before}\n{SCRIBE_RULE}\nSCRIBE PERFORMANCE STATISTICS\n{SCRIBE_RULE}\n"
            f"{json.dumps(stats, indent=2)}\n{SCRIBE_RULE}\n")
    return text, values if isinstance(final, dict) and final.get("finalized_pack") is values else {}


WRITERS: dict[str, tuple[Callable[[Files], tuple[str, Files]], ...]] = {
    "repomix-xml": (_repomix_xml, _repomix_parsable_xml),
    "repomix-markdown": (_repomix_markdown,),
    "repomix-plain": (_repomix_plain,),
    "repomix-json": (_repomix_json,),
    "gitingest": (_gitingest,),
    "files-to-prompt": (_files_to_prompt,),
    "files-to-prompt-cxml": (_files_to_prompt_cxml,),
    "files-to-prompt-markdown": (_files_to_prompt_markdown,),
    "scribe": (_scribe,),
    "packrepo": (_packrepo,),
    "packverify-json": (_packverify_json,),
}

# What each format's own boundary looks like inside a file's content, when the format has no
# escaping; ``None``: the format can carry any content (escaping or a fence chosen per file).
_BOUNDARY_HINTS: dict[str, tuple[str, ...] | None] = {
    "repomix-xml": ("</file>",),  # the default template (parsable XML escapes everything)
    "repomix-markdown": None,
    "repomix-plain": ("File: ", "=" * 64),
    "repomix-json": None,
    "gitingest": ("FILE: ", "SYMLINK: "),
    "files-to-prompt": ("---",),
    "files-to-prompt-cxml": ("<document index=", "</documents>"),
    "files-to-prompt-markdown": None,
    "scribe": ("### path: ", "(content truncated)", "(Content truncated", SCRIBE_RULE),
    "packrepo": ("### path: ",),
    "packverify-json": None,
}
_ALWAYS_AMBIGUOUS = {"files-to-prompt", "scribe"}  # no tree, no index: any boundary-shaped text splits


def ambiguous(fmt: str, writer: Callable, expected: Files) -> bool:
    """Whether a file holds text the format cannot tell from its own structure (docs/formats/:
    a boundary naming another packed file, or any boundary where the format has nothing to
    tell them apart) — or a stand-in gitingest would write itself. Conservative on purpose:
    the round trip is promised only where the format promises it."""
    hints = _BOUNDARY_HINTS[fmt]
    if writer is _repomix_parsable_xml:
        hints = None
    if hints is None:
        return False
    paths = [path for path, _ in expected]
    for _, text in expected:
        if any(hint in text for hint in hints) and (fmt in _ALWAYS_AMBIGUOUS or any(p in text for p in paths)
                                                     or fmt in ("files-to-prompt-cxml", "repomix-plain")):
            return True
    return False


# --------------------------------------------------------------------------- damage

def _lines(text: str) -> list[str]:
    return text.split("\n")


def damage(fdp, text: str, fmt: str) -> tuple[str, bool]:
    """0–4 edits that keep most of the structure: the damaged text and whether any applied."""
    changed = False
    for _ in range(max(0, fdp.ConsumeIntInRange(-3, 4))):  # half the documents stay whole
        lines = _lines(text)
        op = fdp.ConsumeIntInRange(0, 8)
        i = fdp.ConsumeIntInRange(0, len(lines) - 1)
        j = fdp.ConsumeIntInRange(0, len(lines) - 1)
        if op == 0:  # truncated at any character
            text = text[:fdp.ConsumeIntInRange(0, len(text))]
        elif op == 1:
            del lines[i]
            text = "\n".join(lines)
        elif op == 2:
            lines.insert(i, lines[j])
            text = "\n".join(lines)
        elif op == 3:
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        elif op in (4, 5):
            lines.insert(i, _pick(fdp, STRUCTURE_LINES))
            text = "\n".join(lines)
        elif op == 6:  # a header's path changed or emptied, a number in it changed
            lines[i] = re.sub(_pick(fdp, (r'path="[^"]*"', r"(?<=: )\S+", r"\d+", r'"[^"]*"')),
                              _pick(fdp, ('path=""', "", "0", "-1", "99999999999", '"x"', "&bogus;")), lines[i],
                              count=1)
            text = "\n".join(lines)
        elif op == 7:
            text = text.replace("\n", "\r\n") if fdp.ConsumeBool() else "\ufeff" + text
        else:
            cut = fdp.ConsumeIntInRange(0, len(text))
            text = text[:cut] + _pick(fdp, ("&", "&#xD800;", "&#0;", "\\ud800", "\\", '"', "{", "}", "\n\n")) + text[cut:]
        changed = True
    return text, changed


def document(fdp, fmt: str) -> Document:
    """A document of ``fmt`` built from the fuzzer's choices (``scribe-stats``: see :func:`stats_document`)."""
    writers = WRITERS[fmt]
    writer = writers[fdp.ConsumeIntInRange(0, len(writers) - 1)]
    chosen = files(fdp)
    text, expected = writer(chosen)
    text, damaged = damage(fdp, text, fmt)
    raw = text.encode("utf-8", "surrogatepass")
    if fdp.ConsumeIntInRange(0, 15) == 0:  # a byte that is not UTF-8
        cut = fdp.ConsumeIntInRange(0, len(raw))
        raw, damaged = raw[:cut] + _pick(fdp, (b"\xff", b"\xc3", b"\xed\xa0\x80")) + raw[cut:], True
    if damaged or not text.strip() or ambiguous(fmt, writer, expected):  # a tool writing nothing: parse.empty
        return Document(raw, None)
    return Document(raw, expected)


def stats_document(fdp) -> tuple[bytes, dict | None]:
    """A scribe ``--stats`` output and the ``finalized_pack`` values it states (None once damaged)."""
    text, values = _scribe_stats(fdp)
    text, damaged = damage(fdp, text, "scribe-stats")
    return text.encode("utf-8", "surrogatepass"), (None if damaged else values)
