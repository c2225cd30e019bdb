"""Metamorphic testing of packers (``packverify meta``).

Relations between two runs of a packer on related inputs (docs/metamorphic.md):
``relations`` defines them (one function each), ``runner`` runs a packer command
template and checks every output with the engine, ``search`` generates and
shrinks inputs with hypothesis, ``reproducer`` writes and replays
``artifacts/meta/<relation>/``. Importing this package imports hypothesis;
``packverify check`` never does.
"""

from __future__ import annotations

from packverify.meta.relations import RELATIONS, Case, Relation
from packverify.meta.runner import (
    DEFAULT_TEMPLATE,
    InProcessPacker,
    PackerUnavailable,
    RelationFailed,
    TemplatePacker,
)
from packverify.meta.search import MetaReport, RelationResult, run_meta

__all__ = [
    "DEFAULT_TEMPLATE", "RELATIONS", "Case", "InProcessPacker", "MetaReport", "PackerUnavailable", "Relation",
    "RelationFailed", "RelationResult", "TemplatePacker", "run_meta",
]
