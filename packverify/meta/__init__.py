"""Metamorphic testing of packers (``packverify meta``).

Relations between two runs of a packer on related inputs (docs/metamorphic.md):
``relations`` defines them (one function each), ``packers`` runs a packer command
template and checks every output with the engine, ``trace`` records and replays a
relation's choices, ``search`` generates and shrinks inputs with hypothesis,
``reproducer`` writes and replays ``artifacts/meta/<relation>/``, ``suite`` runs
them all. Importing this package does not import hypothesis (a reproducer replays
without it); searching does. ``packverify check`` never imports this package.
"""

from __future__ import annotations

from packverify.meta.packers import (
    DEFAULT_TEMPLATE,
    InProcessPacker,
    PackerUnavailable,
    RelationFailed,
    TemplatePacker,
)
from packverify.meta.relations import RELATIONS, Case, Relation
from packverify.meta.search import RelationResult
from packverify.meta.suite import MetaReport, run_meta

__all__ = [
    "DEFAULT_TEMPLATE", "RELATIONS", "Case", "InProcessPacker", "MetaReport", "PackerUnavailable", "Relation",
    "RelationFailed", "RelationResult", "TemplatePacker", "run_meta",
]
