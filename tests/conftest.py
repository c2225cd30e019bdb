"""Shared fixtures and hypothesis profiles.

Profiles (choose with HYPOTHESIS_PROFILE=... or --hypothesis-profile=...):
``ci`` (default: derandomized, no database, fast), ``dev`` (random, local database),
``mutmut`` (few examples, derandomized), ``nightly`` (many examples, for dedicated runners).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", derandomize=True, database=None, print_blob=True, max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("mutmut", derandomize=True, database=None, max_examples=15, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("nightly", max_examples=5000, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
