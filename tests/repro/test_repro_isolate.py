"""--isolate: no network (a new network namespace) and a clean environment."""

from __future__ import annotations

import os
import socket
import sys

import pytest
from repro_helpers import PACKERS, require


@pytest.fixture
def listener():
    """A TCP server on 127.0.0.1 outside any namespace: reachable unless isolated."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield server.getsockname()[1]
    server.close()


def _netcheck(port: int) -> list[str]:
    return [sys.executable, str(PACKERS / "netcheck.py"), "{repo}", "{out}", str(port)]


def test_isolated_runs_see_no_network_and_a_clean_environment(repro, capabilities, listener, monkeypatch):
    require(capabilities, "isolate")
    monkeypatch.setenv("PACKVERIFY_TEST_LEAK", "secret")
    result = repro("--isolate", command=_netcheck(listener))
    assert result.code == 0, result.err
    assert result.json["isolated"] is True


def test_the_same_packer_fails_without_isolate(repro, listener, monkeypatch):
    # Proves the check above can fail: here the packer reaches the listener (and sees the variable).
    monkeypatch.setenv("PACKVERIFY_TEST_LEAK", "secret")
    result = repro("--vary", "tz", command=_netcheck(listener))
    assert result.code == 2
    assert "network reachable" in result.err and "PACKVERIFY_TEST_LEAK is set" in result.err


def test_isolate_without_namespaces_is_an_error(repro, tmp_path, monkeypatch):
    # A PATH without unshare: no namespaces can be made.
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = repro("--isolate", command=[sys.executable, "-c", "pass", "{out}"])
    assert result.code == 2 and result.out == ""
    assert "--isolate needs a network namespace" in result.err and "unshare not found" in result.err
    assert os.environ["PATH"] == str(empty)
