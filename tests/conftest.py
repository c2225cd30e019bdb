"""Shared fixtures and hypothesis profiles.

Profiles (choose with HYPOTHESIS_PROFILE=... or --hypothesis-profile=...):
``ci`` (default: derandomized, no database, fast), ``dev`` (random, local database),
``mutmut`` (few examples, derandomized), ``nightly`` (many examples, for dedicated runners),
``shared`` (example database in PACKVERIFY_HYPOTHESIS_DB, shared between machines).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

settings.register_profile("ci", derandomize=True, database=None, print_blob=True, max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("mutmut", derandomize=True, database=None, max_examples=15, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("nightly", max_examples=5000, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
# shared: the example database in a directory shared between runs or machines (a CI cache, a network mount):
# PACKVERIFY_HYPOTHESIS_DB, default .hypothesis/shared. Failures found anywhere replay everywhere; HypoFuzz
# reads and writes the same database (docs/properties.md).
settings.register_profile("shared", max_examples=100, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow],
                          database=DirectoryBasedExampleDatabase(
                              os.environ.get("PACKVERIFY_HYPOTHESIS_DB", os.path.join(".hypothesis", "shared"))))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _state_dir(tmp_path_factory, monkeypatch):
    """Run logs made inside a checked tree go to the user state directory (cli/_common.py):
    a fresh one per test, never the real ~/.local/state."""
    state = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("PACKVERIFY_STATE_DIR", str(state))
    return state


# ---------------------------------------------------------------- differential counting
# Every count the fast engine makes anywhere in the suite (every pack a test checks,
# every fuzz replay, every strategy-built pack) is also made by tiktoken, the
# reference; a disagreement fails the test that caused it (issue 13). The fast
# engine's own answer is what the code under test receives.

import pytest  # noqa: E402

DIFFERENTIAL: dict = {"compared": {}, "disagreed": []}


@pytest.fixture(autouse=True, scope="session")
def differential():
    """The comparisons made so far: ``{"compared": {tokenizer: n}, "disagreed": [...]}``."""
    from packverify.counting import engines

    original = engines.RiptokenCounter.count
    references: dict = {}  # tiktoken itself, per tokenizer, independent of the counter under test

    def compared(self, text):
        got = original(self, text)
        if self.tokenizer not in references:
            references[self.tokenizer] = engines.TiktokenCounter(self.tokenizer)
        want = references[self.tokenizer].count(text)
        DIFFERENTIAL["compared"][self.tokenizer] = DIFFERENTIAL["compared"].get(self.tokenizer, 0) + 1
        if got != want:
            DIFFERENTIAL["disagreed"].append((self.tokenizer, text, got, want))
        return got

    engines.RiptokenCounter.count = compared
    yield DIFFERENTIAL
    engines.RiptokenCounter.count = original


@pytest.fixture(autouse=True)
def _counts_agreed_with_tiktoken(differential):
    before = len(DIFFERENTIAL["disagreed"])
    yield
    new = DIFFERENTIAL["disagreed"][before:]
    assert not new, "the fast engine disagreed with tiktoken: " + "; ".join(
        f"{name} {text[:60]!r}: fast {got}, tiktoken {want}" for name, text, got, want in new[:5])
