"""The pytest plugin (entry point ``pytest11``: ``packverify``): a ``packverify`` fixture for
a packer's own tests.

    def test_my_packer_writes_valid_packs(packverify, tmp_path):
        out = tmp_path / "pack.json"
        run_my_packer(repo=".", out=out)
        packverify.assert_valid(out, repo=".")      # fails listing every finding

``packverify.assert_valid`` is :func:`packverify.testing.assert_valid_pack`;
``packverify.check`` is :func:`packverify.testing.check_pack` (the report, no assertion).
packverify itself is imported only when a test asks for the fixture, so installing
packverify costs other test suites nothing.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest


@pytest.fixture
def packverify() -> SimpleNamespace:
    """``assert_valid(pack, repo=None, strict=True, …)`` and ``check(pack, …)`` for one pack
    (a path or its bytes); see packverify.testing."""
    from packverify import testing

    return SimpleNamespace(assert_valid=testing.assert_valid_pack, check=testing.check_pack)
