"""What a defect injector is and what it makes (:class:`Injector`, :class:`Defect`)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field

from hypothesis import strategies as st


@dataclass(frozen=True)
class Defect:
    """A pack with one planted defect: ``data`` are the bytes to check, ``document``
    the defective document (``None`` when the defect lives in the bytes),
    ``expected`` the codes that must be reported: ``code`` plus the injector's
    documented couplings — nothing else."""

    code: str
    data: bytes
    document: dict | None
    expected: frozenset[str]
    note: str

    def __repr__(self) -> str:
        return f"Defect({self.code!r}, {self.note!r}, {len(self.data)} bytes)"


Plant = Callable[[Callable, dict], tuple[dict | None, bytes, str]]


@dataclass(frozen=True)
class Injector:
    """Plants one finding code into a valid pack document. ``plant(draw, doc)``
    mutates a deep copy and returns (document or ``None``, bytes, note);
    ``couples`` are the codes it unavoidably brings along (docs/properties.md);
    ``needs`` is empty, or for ``SOURCE_INJECTORS`` the repository it needs
    (``"repo"``, ``"git"``, ``"plain"``)."""

    code: str
    plant: Plant
    couples: frozenset[str] = field(default_factory=frozenset)
    needs: str = ""

    def strategy(self, doc: dict):
        """A strategy of :class:`Defect` planted in (a copy of) ``doc``."""

        @st.composite
        def _defect(draw) -> Defect:
            document, data, note = self.plant(draw, copy.deepcopy(doc))
            return Defect(self.code, data, document, frozenset({self.code}) | self.couples, note)

        return _defect()
