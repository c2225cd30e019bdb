"""The oracle registry: built once, from explicit imports, in the contract's order.

Nothing registers itself at import or call time (a self-registering registry
doubled and tripled reports in the PackRepo code). A duplicate name is an error
at import.
"""

from __future__ import annotations

from types import MappingProxyType, ModuleType

from packverify.oracles import (
    budget,
    coverage,
    determinism,
    integrity,
    overlap,
    parse,
    schema,
    security,
    source,
    stats,
    structure,
    tokens,
)


def _build(modules: tuple[ModuleType, ...]) -> MappingProxyType:
    registry: dict[str, ModuleType] = {}
    for module in modules:
        if module.NAME in registry:
            raise RuntimeError(f"duplicate oracle name {module.NAME!r}")
        for code in module.CODES:
            if not code.startswith(module.NAME + "."):
                raise RuntimeError(f"code {code!r} does not belong to oracle {module.NAME!r}")
        registry[module.NAME] = module
    return MappingProxyType(registry)


REGISTRY = _build((parse, schema, structure, budget, tokens, integrity, overlap, determinism, stats, security, source,
                   coverage))
NAMES: tuple[str, ...] = tuple(REGISTRY)
INTERNAL_ERROR = "internal-error"


def all_codes() -> dict[str, object]:
    """Every finding code, in registry order."""
    return {code: info for module in REGISTRY.values() for code, info in module.CODES.items()}
