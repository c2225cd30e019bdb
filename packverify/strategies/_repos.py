"""Synthetic repository trees (:class:`~packverify.repo_fixtures.Repo`): code, markdown,
config and prose files, nested and Unicode names, and — each with some probability —
a README, ``.gitignore``-d files, vendored directories, binary, non-UTF-8, empty and
oversized files, secret files. The values and writing them to disk are
:mod:`packverify.repo_fixtures` (hypothesis-free); here are only the draws."""

from __future__ import annotations

from functools import cache

from hypothesis import strategies as st

from packverify.format import COMMON_VENDOR_DIRS
from packverify.repo_fixtures import Repo, RepoFile
from packverify.sample_text import kind_of
from packverify.strategies._paths import file_paths, folded, no_prefix_conflicts
from packverify.strategies._text import file_lines, sentences, texts_of_kind
from packverify.strategies._validate import check_bool_argument, check_int_argument

_IGNORE_RULES = (("*.log", "debug.log"), ("tmp/", "tmp/scratch.py"), ("/local.cfg", "local.cfg"),
                 ("*.bak", "src/old.py.bak"), ("cache/", "cache/data.json"))
_BINARY = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"\x00\x01\x02\x03", b"PK\x03\x04\x14\x00\x00\x00")


def aws_like_key() -> str:
    """An AWS access key id a secret scanner flags (not a real one).

    Built at run time: a literal here would make this very file a "file holding a
    credential" for the reference packer (it would leave this module out)."""
    return "AK" + "IA" + "QWERTYUIOPASDFGH"


@st.composite
def _text_file(draw, unicode: bool, large: bool) -> RepoFile:
    path = draw(file_paths(unicode))
    kind = kind_of(path)
    text = "".join(draw(file_lines(kind, unicode, 1, 16)))
    repeat = 1
    if large and draw(st.integers(0, 5)) == 5:
        if not text.endswith("\n"):
            text += "\n"
        repeat = draw(st.integers(2, 400))
    return RepoFile(path, text.encode("utf-8"), repeat, kind)


def _folded(f: RepoFile) -> str:
    return folded(f.path)


@cache
def _text_files(unicode: bool, large: bool, min_files: int, max_files: int):
    return st.lists(_text_file(unicode, large), min_size=min_files, max_size=max_files, unique_by=_folded)


@st.composite
def _extra_files(draw, unicode: bool, binary: bool, large: bool, ignored: bool, vendored: bool,
                 secrets: bool) -> list[RepoFile]:
    out: list[RepoFile] = []
    if draw(st.booleans()):
        readme = "# " + draw(sentences(unicode)) + "\n\n" + draw(texts_of_kind("markdown", unicode))
        out.append(RepoFile("README.md", readme.encode(), 1, "markdown"))
    if ignored and draw(st.booleans()):
        rules = draw(st.lists(st.sampled_from(_IGNORE_RULES), min_size=1, max_size=3, unique=True))
        out.append(RepoFile(".gitignore", "".join(rule + "\n" for rule, _ in rules).encode(), 1, "gitignore"))
        for _, path in rules:
            out.append(RepoFile(path, b"ignored = True\n", 1, "ignored"))
    if vendored and draw(st.booleans()):
        top = draw(st.sampled_from(COMMON_VENDOR_DIRS))
        for i in range(draw(st.integers(1, 3))):
            body = draw(texts_of_kind("code", False)).encode()
            out.append(RepoFile(f"{top}/pkg{i}/index.js", body, draw(st.integers(1, 50)), "vendored"))
    if binary and draw(st.booleans()):
        out.append(RepoFile("assets/logo.png", draw(st.sampled_from(_BINARY)), 1, "binary"))
        if draw(st.booleans()):
            out.append(RepoFile("docs/latin1.txt", "caf\xe9 cr\xe8me\n".encode("latin-1"), 1, "latin1"))
        if draw(st.booleans()):
            out.append(RepoFile("empty.txt", b"", 1, "empty"))
    if large and draw(st.integers(0, 9)) == 9:
        line = b"x = 1  # generated\n"
        out.append(RepoFile("data/huge.py", line, (1 << 20) // len(line) + 1, "oversized"))
    if secrets and draw(st.booleans()):
        out.append(RepoFile(draw(st.sampled_from((".env", "config/.env", "deploy/id_rsa", "certs/server.key"))),
                            b"SECRET=1\n", 1, "secret"))
        if draw(st.booleans()):
            out.append(RepoFile("settings/keys.py", f"AWS_KEY = '{aws_like_key()}'\n".encode(), 1, "secret"))
    return out


@st.composite
def _repos(draw, min_files, max_files, unicode, binary, large, ignored, vendored, secrets) -> Repo:
    texts = draw(_text_files(unicode, large, min_files, max_files))
    extras = draw(_extra_files(unicode, binary, large, ignored, vendored, secrets))
    by_path: dict[str, RepoFile] = {}
    for f in extras + texts:  # extras first: a drawn text file never shadows them
        by_path.setdefault(f.path, f)
    files = list(by_path.values())
    # Drop files whose path is another's directory (a/b and a/b/c), keeping the first.
    kept: list[RepoFile] = []
    for f in files:
        if no_prefix_conflicts([k.path for k in kept] + [f.path]):
            kept.append(f)
    return Repo(tuple(kept))


def repos(*, min_files: int = 0, max_files: int = 6, unicode: bool = True, binary: bool = True, large: bool = True,
          ignored: bool = True, vendored: bool = True, secrets: bool = False):
    """Synthetic repository trees (:class:`Repo`): ``min_files``–``max_files`` text files
    (code, markdown, config, prose; nested, Unicode names; ``large`` ones repeated
    up to 400 times) plus, each with some probability, a ``README.md``, a
    ``.gitignore`` with files it ignores, a vendored directory, binary / non-UTF-8 /
    empty files, a file over 1 MiB (``large``), and secret files (``secrets``).

    >>> import tempfile
    >>> from hypothesis import given, settings
    >>> from packverify.repo_fixtures import materialize
    >>> @settings(max_examples=5)
    ... @given(repos(max_files=2))
    ... def test(repo):
    ...     with tempfile.TemporaryDirectory() as tmp:
    ...         root = materialize(repo, tmp + "/repo")
    ...         assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) == repo.paths
    >>> test()
    """
    check_int_argument("min_files", min_files)
    check_int_argument("max_files", max_files, max(min_files, 0))
    for name, value in (("unicode", unicode), ("binary", binary), ("large", large), ("ignored", ignored),
                        ("vendored", vendored), ("secrets", secrets)):
        check_bool_argument(name, value)
    return _repos(min_files, max_files, unicode, binary, large, ignored, vendored, secrets)
