"""What repomix's four styles share: the header that states its processing, the
directory tree, and the rule that tells a real entry boundary from one inside a file.

repomix (1.18.1, ``outputGenerate.js``) writes file content verbatim into its xml, markdown
and plain templates — Handlebars triple-stash, no escaping — so a file can contain text
that looks exactly like the next entry's header. The directory tree, which lists every
file it read (packed or not: binary files too), is what tells them apart: a boundary is
real only if it names a file the tree lists and that has not been packed yet
(:class:`Boundaries`). Without a tree (``--no-directory-structure``) every boundary-shaped
line counts.
"""

from __future__ import annotations

TOOL = "repomix"
MARK = "combined into a single document by Repomix."

# Every file repomix packs: BOM dropped (fileRead.js), content.trim() (fileProcess.js), a
# non-UTF-8 text file decoded with jschardet's guess via iconv-lite (fileRead.js).
BASE_TRANSFORMATIONS = frozenset({"bom-removed", "surrounding-whitespace-trimmed", "legacy-encoding-transcoded"})
# outputStyleDecorate.js generateHeader / generateSummaryNotes: processing the header states.
_STATED = (
    ("comments have been removed", "comments-removed"),
    ("empty lines have been removed", "empty-lines-removed"),
    ("line numbers have been added", "line-numbers-added"),
    ("content has been compressed", "compressed"),
    ("base64 data strings", "base64-truncated"),
)


def transformations(header: str) -> frozenset[str]:
    """The base transformations plus those the pack's header or notes say were applied."""
    lowered = header.lower()
    return BASE_TRANSFORMATIONS | {name for phrase, name in _STATED if phrase in lowered}


def indented_tree_files(tree: str) -> set[str]:
    """File paths listed in repomix's directory tree (two spaces per level, directories end in '/')."""
    files: set[str] = set()
    stack: list[str] = []
    for line in tree.split("\n"):
        stripped = line.lstrip(" ")
        if not stripped:
            continue
        depth = (len(line) - len(stripped)) // 2
        del stack[depth:]
        if stripped.endswith("/"):
            stack.append(stripped[:-1])
        else:
            # treeToStringWithLineCounts appends " (N lines)"; the plain tree does not.
            files.add("/".join([*stack, stripped]))
    return files


class Boundaries:
    """Which boundary-shaped lines are real: each listed file once (any, without a tree)."""

    def __init__(self, listed: set[str] | None) -> None:
        self.listed = listed
        self.used: set[str] = set()

    def acceptable(self, path: str) -> bool:
        return path not in self.used and (self.listed is None or path in self.listed)

    def repeated(self, path: str) -> bool:
        return path in self.used and (self.listed is None or path in self.listed)

    def take(self, path: str) -> None:
        self.used.add(path)

