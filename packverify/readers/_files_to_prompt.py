"""What files-to-prompt 0.6's three styles share (``files_to_prompt/cli.py``).

Every file is read with ``open(path, "r")``: the locale's encoding (UTF-8 here) and
universal newlines, so CRLF becomes LF and a BOM stays; a file that does not decode
(binary, Latin-1) is skipped with a warning on stderr. Paths are written as
``os.path.join`` made them from the command's arguments (``./src/a.py`` for ``.``),
unnormalised. Directories are walked in ``os.walk`` order (readdir order: not stable
across file systems), files sorted within a directory; dotfiles are skipped unless
``--include-hidden``. No line ranges (``-n`` prefixes numbers into the text), counts or
digests.
"""

from __future__ import annotations

from packverify.readers.base import ForeignPack

TOOL = "files-to-prompt"
READ_TRANSFORMATIONS = frozenset({"crlf-to-lf"})
TYPED_CWD = "./"  # what `files-to-prompt .` writes before every path


def set_path_prefix(pack: ForeignPack) -> ForeignPack:
    """Paths are as the arguments spelled them: when every one starts with './' (the tool
    was run on '.'), that is the prefix before the repository-relative path."""
    if pack.files and all(entry.path.startswith(TYPED_CWD) for entry in pack.files):
        pack.path_prefix = TYPED_CWD
    return pack
