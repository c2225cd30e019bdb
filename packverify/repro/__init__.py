"""``packverify repro``: is a packer's output reproducible?

Runs a packer command several times, each in a fresh copy of the repository,
varying the environment between runs the way reproducible-builds tools do
(reprotest), compares the outputs byte for byte, and names the variation(s)
that change them. See docs/repro.md.

Library use::

    from packverify.repro import reproduce
    report = reproduce(["mypacker", "{repo}", "-o", "{out}"], repo=".", runs=2)
    report.verdict   # "pass" | "fail"
    report.causes    # e.g. ("order",) or ("inherent",)

Modules: variations.py (each variation, once), machine.py (what this machine can
vary), workspace.py (copies and runs), _launch.py (inside the namespace), compare.py
(byte and JSON diff), rebuilds.py (runs, compares, attributes), results.py (what is
reported), render.py (text, JSON).
"""

from __future__ import annotations

from packverify.repro.rebuilds import parse_template, reproduce
from packverify.repro.render import RENDERERS
from packverify.repro.results import Difference, JsonDiff, ReproError, ReproReport, RunRecord
from packverify.repro.variations import VARIATION_NAMES

__all__ = ["RENDERERS", "VARIATION_NAMES", "Difference", "JsonDiff", "ReproError", "ReproReport", "RunRecord",
           "parse_template", "reproduce"]
