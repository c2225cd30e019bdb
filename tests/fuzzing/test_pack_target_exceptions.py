"""The fuzz targets' documented exceptions are narrow: a warning about a name is
tolerated only when the tree really has that name, and convert may leave out a
placeholder but never a text (hand-built trees, findings and packs)."""

from __future__ import annotations

from packverify.fuzz.foreign import _texts_kept
from packverify.fuzz.targets import _faithful_name_warning
from packverify.model import Finding, Location
from packverify.readers.base import ForeignPack, PackedFile

NFD = "cafe\u0301.md"  # decomposed: 'e' + COMBINING ACUTE ACCENT
NFC = "caf\u00e9.md"


def _warning(code: str, path: str) -> Finding:
    return Finding(code, ("chunks", 0, "file_path"), "a warning about a name", actual=path)


def _tree(tmp_path, *names: str) -> str:
    for name in names:
        (tmp_path / name).write_text("x\n")
    return str(tmp_path)


def test_a_decomposed_name_the_tree_has_is_tolerated(tmp_path):
    assert _faithful_name_warning(_warning("security.non-nfc-path", NFD), _tree(tmp_path, NFD), [NFD])


def test_a_decomposed_name_the_tree_does_not_have_is_not(tmp_path):
    assert not _faithful_name_warning(_warning("security.non-nfc-path", NFD), _tree(tmp_path, "other.md"), [NFD])


def test_the_warning_on_a_name_that_is_nfc_is_not(tmp_path):
    assert not _faithful_name_warning(_warning("security.non-nfc-path", NFC), _tree(tmp_path, NFC), [NFC])


def test_a_case_collision_needs_two_names_equal_under_folding(tmp_path):
    root = _tree(tmp_path, "README.md", "readme.md")
    assert _faithful_name_warning(_warning("security.case-collision", "readme.md"), root, ["README.md", "readme.md"])
    assert not _faithful_name_warning(_warning("security.case-collision", "readme.md"), root, ["readme.md", "x.md"])


def test_errors_are_never_tolerated(tmp_path):
    root = _tree(tmp_path, NFD)
    for code in ("security.normalization-collision", "security.control-character", "source.content-mismatch"):
        assert not _faithful_name_warning(_warning(code, NFD), root, [NFD])


# --- the convert target: what convert may leave out, and what it may not ---------------

def _foreign(*files: tuple[str, str | None]) -> ForeignPack:
    return ForeignPack(format="gitingest", tool="gitingest", text="", files=[
        PackedFile(i, path, text, Location(1), placeholder=None if text is not None else "[Empty file]")
        for i, (path, text) in enumerate(files)])


def _converted(*chunks: tuple[str, str]) -> dict:
    return {"chunks": [{"file_path": path, "content": text} for path, text in chunks]}


def test_convert_may_leave_out_a_placeholder_but_no_text():
    pack = _foreign(("a.py", "x = 1\n"), ("empty.txt", None))
    assert _texts_kept(pack, _converted(("a.py", "x = 1\n"))) == []
    assert _texts_kept(pack, _converted(("a.py", "x = 2\n"))) == ["convert lost or changed the text of ['a.py']"]
    assert _texts_kept(pack, _converted()) == ["convert lost or changed the text of ['a.py']"]


def test_a_file_packed_twice_keeps_each_of_its_texts_in_any_order():
    pack = _foreign(("a.py", "one\n"), ("a.py", "two\n"))
    assert _texts_kept(pack, _converted(("a.py", "two\n"), ("a.py", "one\n"))) == []
    assert _texts_kept(pack, _converted(("a.py", "two\n"))) == ["convert lost or changed the text of ['a.py']"]
