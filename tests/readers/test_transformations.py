"""The transformation functions reproduce what the real tools packed from the awkward
repository (the recordings are the reference: the tools' own output)."""

from __future__ import annotations

import os

import tools
from awkward_repo import FILES

import packverify.readers as readers
from packverify.readers import transformations as t
from packverify.readers.base import TRANSFORMATIONS


def recorded(directory: str, name: str):
    with open(os.path.join(tools.FOREIGN, directory, name), "rb") as handle:
        return {e.path: e for e in readers.read(handle.read(), name).files}


def test_every_function_is_a_named_transformation():
    names = {name.replace("-", "_") for name in TRANSFORMATIONS}
    public = {n for n in vars(t) if not n.startswith("_") and callable(getattr(t, n)) and n != "annotations"}
    assert public - {"Any"} <= names


def test_repomix_text_is_the_file_transformed_as_documented():
    packed = recorded("repomix-1.18.1", "repo.xml")
    for path, raw in FILES.items():
        if path in packed:
            expected = t.surrounding_whitespace_trimmed(t.bom_removed(t.legacy_encoding_transcoded(raw)))
            assert packed[path].text == expected, path


def test_gitingest_notebook_and_newlines():
    packed = recorded("gitingest-0.3.1", "digest.txt")
    assert packed["notebook.ipynb"].text == t.notebook_as_script(FILES["notebook.ipynb"])
    assert packed["src/crlf.py"].text == t.crlf_to_lf(FILES["src/crlf.py"].decode())
    assert t.notebook_as_script(b"not json") is None


def test_scribe_drops_undecodable_bytes():
    packed = recorded("scribe-1.0.0", "pack.txt")
    for path in ("data/latin1.txt", "data/blob.bin", "src/bom.py", "src/crlf.py"):
        assert packed[path].text == t.crlf_to_lf(t.undecodable_bytes_dropped(FILES[path])), path
