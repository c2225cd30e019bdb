"""What each real tool should have packed from the awkward repository — written from the
tools' documented behaviour (their source, read for docs/formats/), not from any reader.

Each function maps a path as the tool names it to the text it carries (or to a
placeholder string for gitingest's stand-ins). The transformations are spelled out here
on their own (JavaScript's ``trim``, Python's universal newlines, ``errors='ignore'``), so
a reader that mis-splits or mis-decodes disagrees with them.
"""

from __future__ import annotations

from awkward_repo import FILES, SPECIAL

# ECMAScript WhiteSpace and LineTerminator: what String.prototype.trim removes.
JS_WHITESPACE = ("\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
                 "\u2028\u2029\u202f\u205f\u3000\ufeff")

BINARY = "data/blob.bin"
LATIN1 = "data/latin1.txt"
EMPTY = "data/empty.txt"
NOTEBOOK = "notebook.ipynb"
HIDDEN = ".hidden.cfg"

# gitingest's process_notebook on the generator's notebook, worked out by hand from
# utils/notebook.py: a header comment, a markdown cell as a triple-quoted string, a code cell
# with its stream output as '# Output:' comments, the empty cell skipped, cells joined by a
# blank line, and a final newline.
NOTEBOOK_AS_SCRIPT = ('# Jupyter notebook converted to Python script.\n\n"""\n# A notebook\nwith *markdown*\n"""\n\n'
                      "x = 1 + 2\nprint(x)\n# Output:\n#   3\n\n")


def js_trim(text: str) -> str:
    return text.strip(JS_WHITESPACE)


def universal_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def repomix() -> dict[str, str]:
    """repomix 1.18.1: binary files left out; BOM dropped; Latin-1 transcoded; every file trimmed."""
    out = {}
    for rel, data in FILES.items():
        if rel == BINARY:
            continue
        text = data.decode("cp1252") if rel == LATIN1 else data.decode("utf-8")
        out[rel] = js_trim(text.removeprefix("\ufeff"))
    return out


def gitingest() -> dict[str, str]:
    """gitingest 0.3.1 under a UTF-8 locale: *.bin ignored; universal newlines; BOM kept;
    Latin-1 is '[Binary file]', empty is '[Empty file]', the notebook a script."""
    out = {}
    for rel, data in FILES.items():
        if rel == BINARY:
            continue
        if rel == LATIN1:
            out[rel] = "[Binary file]"
        elif rel == EMPTY:
            out[rel] = "[Empty file]"
        elif rel == NOTEBOOK:
            out[rel] = NOTEBOOK_AS_SCRIPT
        else:
            out[rel] = universal_newlines(data.decode("utf-8"))
    return out


def files_to_prompt(prefix: str = "./") -> dict[str, str]:
    """files-to-prompt 0.6 run as ``files-to-prompt .``: dotfiles and undecodable files skipped."""
    out = {}
    for rel, data in FILES.items():
        if rel.startswith(".") or "/." in rel:
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        out[prefix + rel] = universal_newlines(text)
    return out


def scribe() -> dict[str, str]:
    """scribe 1.0.0 (the repository without the <|endoftext|> file): dotfiles skipped, every
    file read with errors='ignore' and universal newlines, a BOM kept."""
    return {rel: universal_newlines(data.decode("utf-8", "ignore"))
            for rel, data in FILES.items() if rel != SPECIAL and not rel.startswith(".")}


def scribe_lines() -> dict[str, int]:
    """scribe's ``lines: N``: FastScanner's ``content.count('\\n') + 1`` of each file."""
    return {rel: text.count("\n") + 1 for rel, text in scribe().items()}


# The PackRepo library run (budget 4000): its chunker only chunks the Python files, and
# demotes all but one to 'signature', whose text is the chunk's text plus '...'. Written by
# hand from the files' lines (CRLF read as LF, the BOM kept) and checked against the
# recording by eye; (path, start, end, mode, text).
PACKREPO = (
    ("a/b/c/deep.py", 1, 1, "signature", "DEPTH = 3\n..."),
    ("src/bom.py", 1, 2, "signature", "\ufeff# starts with a UTF-8 byte order mark\nVALUE = 1\n..."),
    ("src/crlf.py", 1, 4, "signature", "def crlf():\n    return 'windows'\n\nprint(crlf())..."),
    ("src/main.py", 4, 5, "signature", "def main():\n    return 42..."),
    ("src/no_newline.py", 1, 2, "signature", "def no_final_newline():\n    return None..."),
    ("src/trailing.py", 1, 6, "full", "\n\n   # leading blank lines, trailing spaces   \nx = 1   \n\n\n"),
)
