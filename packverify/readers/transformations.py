"""The transformations of ``base.TRANSFORMATIONS`` as functions: what a tool does to a file's
bytes or text before packing it, so a checker can tell "the tool's documented
transformation" from "a changed file" (the source oracle, part 2 of issue 9).

Each function is the tool's rule, re-stated from its source (docs/formats/): JavaScript's
``String.prototype.trim`` whitespace for repomix, Python's universal newlines and
``errors='ignore'`` for the Python tools, gitingest's notebook conversion. Functions on
bytes decode; functions on text transform. Nothing here reads a pack.
"""

from __future__ import annotations

import json
from typing import Any

# ECMAScript WhiteSpace + LineTerminator (ECMA-262 §12.2, §12.3): what trim() removes.
JS_WHITESPACE = ("\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
                 "\u2028\u2029\u202f\u205f\u3000\ufeff")


def bom_removed(text: str) -> str:
    return text.removeprefix("\ufeff")


def crlf_to_lf(text: str) -> str:
    """Python's universal newlines on reading: CRLF, then a lone CR, become LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def surrounding_whitespace_trimmed(text: str) -> str:
    return text.strip(JS_WHITESPACE)


def undecodable_bytes_dropped(raw: bytes) -> str:
    return raw.decode("utf-8", "ignore")


def legacy_encoding_transcoded(raw: bytes) -> str:
    """UTF-8 if it decodes, else windows-1252 (what jschardet guesses for Latin-1 text)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


def notebook_as_script(raw: bytes) -> str | None:
    """gitingest 0.3.1 ``process_notebook`` (outputs included); ``None`` when it is not a notebook."""
    try:
        notebook = json.loads(raw.decode("utf-8"))
        worksheets = notebook.get("worksheets")
        cells = [c for ws in worksheets for c in ws["cells"]] if worksheets else notebook["cells"]
        parts = ["# Jupyter notebook converted to Python script."]
        for cell in cells:
            text = _cell(cell)
            if text:
                parts.append(text)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return "\n\n".join(parts) + "\n"


def _cell(cell: dict[str, Any]) -> str | None:
    kind = cell["cell_type"]
    if kind not in ("markdown", "code", "raw"):
        raise ValueError(kind)
    text = "".join(cell["source"])
    if not text:
        return None
    if kind in ("markdown", "raw"):
        return f'"""\n{text}\n"""'
    lines: list[str] = []
    for output in cell.get("outputs") or []:
        kind = output["output_type"]
        if kind == "stream":
            lines += output["text"]
        elif kind in ("execute_result", "display_data"):
            lines += output["data"]["text/plain"]
        elif kind == "error":
            lines.append(f"Error: {output['ename']}: {output['evalue']}")
        else:
            raise ValueError(kind)
    if lines:
        text += "\n# Output:\n#   " + "\n#   ".join(lines)
    return text
