"""The loader's and the canonical forms' edges that the mutation run found untested:
the ``--max-bytes`` boundary (a file exactly at the limit is read; one byte more is
refused), a file that grows while it is read (a FIFO: its size is 0 when asked),
the sha256 of refused files, ``LoadError`` messages, ``release_raw``, duplicate-key
reporting, and the manifest digest's row order."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import pytest
from killer_cases import digest_reference, digest_rows

from packverify.format import manifest_digest
from packverify.load import Loaded, LoadError, parse_bytes, read_pack

DOC = b'{"a":"bc"}'  # ten bytes


def test_a_file_exactly_at_the_limit_is_read_and_one_byte_more_is_refused(tmp_path):
    path = tmp_path / "p.json"
    path.write_bytes(DOC)
    loaded = read_pack(str(path), max_bytes=len(DOC))
    assert loaded.findings == [] and loaded.document == {"a": "bc"} and loaded.path == str(path)
    refused = read_pack(str(path), max_bytes=len(DOC) - 1)
    (finding,) = refused.findings
    assert (finding.code, finding.path, finding.expected, finding.actual) == ("parse.too-large", (), 9, 10)
    assert finding.message == "the file is 10 bytes, over the limit of 9 (--max-bytes)"
    assert refused.raw == b"" and refused.document is None and refused.path == str(path)
    assert refused.sha256 == hashlib.sha256(DOC).hexdigest()


def test_the_sha256_of_a_refused_file_covers_every_block(tmp_path):
    data = bytes(range(256)) * (5 * 4096 + 7)  # > 1 MiB: several read blocks
    path = tmp_path / "big.json"
    path.write_bytes(data)
    refused = read_pack(str(path), max_bytes=100)
    assert refused.sha256 == hashlib.sha256(data).hexdigest()


def _fifo(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / "pipe.json"
    os.mkfifo(path)

    def feed():
        with open(path, "wb") as handle:
            handle.write(data)

    threading.Thread(target=feed, daemon=True).start()
    return str(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_file_that_grows_while_it_is_read_is_refused_at_limit_plus_one(tmp_path):
    data = b'{"a":"' + b"x" * 100 + b'"}'
    loaded = read_pack(_fifo(tmp_path, data), max_bytes=10)  # fstat says 0 bytes
    (finding,) = loaded.findings
    assert (finding.code, finding.path, finding.expected, finding.actual) == ("parse.too-large", (), 10, 11)
    assert finding.message == "the file is over the limit of 10 bytes (--max-bytes)"
    assert loaded.raw == b"" and loaded.sha256 == hashlib.sha256(data[:11]).hexdigest()
    assert loaded.path.endswith("pipe.json")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_stream_exactly_at_the_limit_is_read(tmp_path):
    loaded = read_pack(_fifo(tmp_path, DOC), max_bytes=len(DOC))
    assert loaded.findings == [] and loaded.document == {"a": "bc"}


def test_load_errors_name_the_path_and_the_reason(tmp_path):
    with pytest.raises(LoadError) as missing:
        read_pack(str(tmp_path / "nope.json"))
    assert str(missing.value) == f"{tmp_path / 'nope.json'}: no such file"
    with pytest.raises(LoadError) as directory:
        read_pack(str(tmp_path))
    assert str(directory.value) == f"{tmp_path}: is a directory"
    (tmp_path / "file").write_text("x")
    with pytest.raises(LoadError) as other:
        read_pack(str(tmp_path / "file" / "below.json"))
    assert str(other.value) == f"{tmp_path / 'file' / 'below.json'}: cannot read: Not a directory"


def test_release_raw_drops_canonical_bytes_only():
    canonical = parse_bytes(DOC)
    assert canonical.canonical is True
    canonical.release_raw()
    assert canonical.raw == b""
    pretty = parse_bytes(b'{ "a": "bc" }')
    pretty.release_raw()
    assert pretty.raw == b'{ "a": "bc" }'
    assert Loaded("p", b"xyz", "0").size == 3


def test_each_duplicate_key_is_reported_once_and_unique_keys_never():
    loaded = parse_bytes(b'{"a":1,"b":2,"a":3,"a":4,"c":{"d":1,"d":2}}')
    assert sorted((f.code, f.path, f.actual) for f in loaded.findings) == [
        ("parse.duplicate-key", (), "a"), ("parse.duplicate-key", ("c",), "d")]


def test_invalid_utf8_is_located_by_offset_and_line():
    (finding,) = parse_bytes(b'\n{"a":\n"x\xff\xfe\xfd\xfc\xfb"\n\n}').findings
    assert finding.code == "parse.invalid-utf8"
    assert finding.message.startswith("invalid UTF-8 at byte offset 9 (line 3): ")
    assert finding.actual == "ff fe fd fc"


def test_manifest_digest_orders_rows_by_path_start_end_then_id():
    rows = digest_rows()
    expected = digest_reference("cl100k", rows)
    assert manifest_digest("cl100k", rows) == expected
    assert manifest_digest("cl100k", list(reversed(rows))) == expected
    assert manifest_digest("o200k", rows) != expected
