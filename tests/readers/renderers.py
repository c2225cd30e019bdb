"""Independent renderers: each tool's output template, re-written here from the tool's
source (docs/formats/), so the round-trip property (render → read → the same files) tests
the readers against a second implementation of every format rule.

``render_<format>(files)`` takes ``[(path, content)]`` and returns ``(bytes, expected)``:
what the tool would write, and the ``[(path, text)]`` the reader must give back — the
content after the tool's own documented transformations (repomix trims, the Python tools
read with universal newlines, gitingest writes ``[Empty file]``).
"""

from __future__ import annotations

import json
import re

from tool_model import js_trim, universal_newlines

REPOMIX_HEADER = ("This file is a merged representation of the entire codebase, combined into a single document by "
                  "Repomix.\nThe content has been processed where security check has been disabled.")


def repomix_tree(paths: list[str]) -> str:
    """repomix's fileTreeGenerate.treeToString: two spaces per level, directories first, then files."""
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


def _expected(files, transform):
    return [(path, transform(content)) for path, content in files]


def render_repomix_xml(files):
    expected = _expected(files, js_trim)
    out = [REPOMIX_HEADER, "", "<file_summary>", "This section contains a summary of this file.", "</file_summary>", "",
           "<directory_structure>", repomix_tree([p for p, _ in files]), "</directory_structure>", "",
           "<files>", "This section contains the contents of the repository's files.", ""]
    for path, text in expected:
        out += [f'<file path="{path}">', text, "</file>", ""]
    out.append("</files>")
    return ("\n".join(out).strip() + "\n").encode(), expected


def _xml_escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("'", "&apos;"))


def render_repomix_parsable_xml(files):
    expected = _expected(files, js_trim)
    body = "".join(f'<file path="{_xml_escape(p)}">{_xml_escape(t)}</file>' for p, t in expected)
    tree = _xml_escape(repomix_tree([p for p, _ in files]))
    return (f"<repomix><file_summary>{_xml_escape(REPOMIX_HEADER)}</file_summary>"
            f"<directory_structure>{tree}</directory_structure><files>This section contains the contents of "
            f"the repository&apos;s files.{body}</files></repomix>").encode(), expected


def render_repomix_markdown(files):
    expected = _expected(files, js_trim)
    tree = repomix_tree([p for p, _ in files])
    runs = [len(m) for text in [t for _, t in expected] + [tree] for m in re.findall("`+", text)]
    fence = "`" * max(3, max(runs, default=0) + 1)
    out = [REPOMIX_HEADER, "", "# File Summary", "", "## Purpose", "A packed representation.", "",
           "# Directory Structure", fence, tree, fence, "", "# Files", ""]
    for path, text in expected:
        language = "python" if path.endswith(".py") else ""
        out += [f"## File: {path}", fence + language, text, fence, ""]
    return ("\n".join(out).strip() + "\n").encode(), expected


def render_repomix_plain(files):
    expected = _expected(files, js_trim)
    long, sep = "=" * 64, "=" * 16
    out = [REPOMIX_HEADER, "", long, "File Summary", long, "", "Purpose:", "--------", "A packed representation.", "",
           "", long, "Directory Structure", long, repomix_tree([p for p, _ in files]), "", long, "Files", long, ""]
    for path, text in expected:
        out += [sep, f"File: {path}", sep, text, ""]
    out += ["", "", "", "", long, "End of Codebase", long]
    return ("\n".join(out).strip() + "\n").encode(), expected


def render_repomix_json(files):
    expected = _expected(files, js_trim)
    doc = {"fileSummary": {"generationHeader": REPOMIX_HEADER, "notes": "- notes"},
           "directoryStructure": repomix_tree([p for p, _ in files]), "files": dict(expected)}
    return json.dumps(doc, indent=2, ensure_ascii=False).encode(), expected


def gitingest_tree(paths: list[str]) -> str:
    """gitingest's _create_tree_structure under a root 'repo/' (box drawing, four columns per level)."""
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


def render_gitingest(files):
    def transform(content: str) -> str:
        return universal_newlines(content) or "[Empty file]"

    expected = _expected(files, transform)
    sep = "=" * 48
    blocks = ["\n".join([sep, f"FILE: {path}", sep, text]) + "\n\n" for path, text in expected]
    text = "Directory structure:\n" + gitingest_tree([p for p, _ in files]) + "\n" + "\n".join(blocks)
    return text.encode(), expected


def render_files_to_prompt(files):
    expected = _expected(files, universal_newlines)
    return "".join(f"{p}\n---\n{t}\n\n---\n" for p, t in expected).encode(), expected


def render_files_to_prompt_cxml(files):
    expected = _expected(files, universal_newlines)
    out = ["<documents>\n"]
    for i, (path, text) in enumerate(expected, 1):
        out.append(f'<document index="{i}">\n<source>{path}</source>\n<document_content>\n{text}\n'
                   "</document_content>\n</document>\n")
    out.append("</documents>\n")
    return "".join(out).encode(), expected


def render_files_to_prompt_markdown(files):
    expected = _expected(files, universal_newlines)
    out = []
    for path, text in expected:
        backticks = "```"
        while backticks in text:
            backticks += "`"
        language = {"py": "python", "md": ""}.get(path.split(".")[-1], "")
        out.append(f"{path}\n{backticks}{language}\n{text}\n{backticks}\n")
    return "".join(out).encode(), expected


def render_scribe(files):
    expected = _expected(files, universal_newlines)
    header = json.dumps({"mode": "fast_path", "repo_path": ".", "generation_time": 1.5, "target_budget": 120000,
                         "selector": "mmr", "total_files": len(files), "effective_budget": 114000}, indent=2)
    segments = [f"### path: {p} lines: {t.count(chr(10)) + 1} mode: text\n{t}" for p, t in expected]
    return (header + "\n\n" + "\n\n".join(segments)).encode(), expected


def render_packrepo(files):
    expected = list(files)
    chunks = [{"id": f"c{i}", "rel_path": p, "start_line": 1, "end_line": max(1, t.count("\n") + 1),
               "selected_mode": "full", "selected_tokens": 0} for i, (p, t) in enumerate(files)]
    index = {"format_version": "0.3", "packrepo_version": "0.1.0", "tokenizer": "cl100k_base", "chunks": chunks}
    body = "\n".join(f"### path: {c['rel_path']} lines: {c['start_line']}-{c['end_line']} mode: full\n\n{t}\n"
                     for c, (_, t) in zip(chunks, files))
    text = json.dumps(index, indent=2, ensure_ascii=False) + ("\n\n" + body if body else "")
    return text.encode(), expected


RENDERERS = {
    "repomix-xml": render_repomix_xml,
    "repomix-xml/parsable": render_repomix_parsable_xml,
    "repomix-markdown": render_repomix_markdown,
    "repomix-plain": render_repomix_plain,
    "repomix-json": render_repomix_json,
    "gitingest": render_gitingest,
    "files-to-prompt": render_files_to_prompt,
    "files-to-prompt-cxml": render_files_to_prompt_cxml,
    "files-to-prompt-markdown": render_files_to_prompt_markdown,
    "scribe": render_scribe,
    "packrepo": render_packrepo,
}
