"""The suites the hermetic build knows, and the constants that make builds repeatable."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Suite:
    name: str  # the Debian codename
    python: str  # the minor version Debian ships as python3 in it
    lock: str  # packverify's lock for that Python (repository-relative)

    @property
    def debian_lock(self) -> str:
        return f"hermetic/debian-{self.name}.lock.json"


SUITES = {
    "bookworm": Suite("bookworm", "3.11", "requirements.lock"),
    "trixie": Suite("trixie", "3.13", "requirements-py313.lock"),
}

# The Debian packages asked for; apt adds what they depend on (recommends off). git: the
# source oracle and the tests' repositories; python3-venv: the image's virtualenv;
# passwd: useradd for the image's user (bookworm's apt variant has it anyway, trixie's not);
# tzdata: zone names for `repro --vary tz` (trixie's Python pulls it in, bookworm's not).
INCLUDE = ("python3", "python3-venv", "git", "passwd", "tzdata")

# Any fixed value works; it must only never change between the builds compared.
# 2025-01-01T00:00:00Z.
SOURCE_DATE_EPOCH = 1735689600

# The reference pack made inside each image and compared byte for byte.
REFERENCE_BUDGET = 8000
