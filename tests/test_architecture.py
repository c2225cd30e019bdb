"""The shape of the code, as tests (docs/architecture.md): dependencies point one way,
no import cycle, every public name defined once, no function over 60 lines without a
reason, no dead definitions, and the hypothesis-free modules stay hypothesis-free.

Everything here reads packverify's sources with :mod:`ast` (imports inside functions
count too: a lazy import does not hide a cycle) or imports them in a fresh interpreter.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "packverify"
WHITELIST = Path(__file__).with_name("dead_code_whitelist.txt")
LONG_FUNCTION = 60
LONG_MARKER = "longer than 60 lines:"  # a comment in the function saying why it is

# The one dependency of the packer on an oracle: the reference packer leaves out files the
# security oracle would flag. Secret detection is moving to its own package
# (packverify/secrets/); then this exception goes.
PACKER_USES_ORACLE = {("packverify.packer.discover", "packverify.oracles.security")}
# packverify/doctor.py belongs to the environment work, which replaces the hand-written
# manifest validation (validate_manifest, 88 lines) with a JSON Schema (issue 14).
NOT_OURS = {"packverify.doctor"}
# Names every module of a kind defines: the kind's protocol, looked up by attribute.
PROTOCOL_NAMES = {
    "NAME", "CODES", "check", "requires", "check_foreign", "requires_foreign",  # an oracle (packverify/oracles/<name>.py)
    "command",  # a CLI command (packverify/cli/<name>_cmd.py)
    "render", "dumps",  # a report format (packverify/report/<format>.py)
    "main",  # a module run with python -m
}
# A reader of a foreign pack format (packverify/readers/<format>.py) is looked up by attribute
# in packverify.readers.READERS: NAME, TITLE, TOOL, sniff, read. The package's own ``read``
# (read any format) and the tool name its private helpers share (_repomix.TOOL) are the same
# protocol seen from the package; the names are allowed inside packverify.readers only.
READER_PROTOCOL_NAMES = {"TITLE", "TOOL", "sniff", "read"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _sources() -> dict[str, str]:
    return {_module_name(p): p.read_text(encoding="utf-8") for p in sorted(PACKAGE.rglob("*.py"))}


@cache
def _modules() -> dict[str, ast.Module]:
    return {name: ast.parse(source, name) for name, source in _sources().items()}


def _imports(module: str, tree: ast.Module) -> set[str]:
    """Every packverify module (or package) ``module`` imports, anywhere in it."""
    known = _modules()
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "packverify")
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "packverify":
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in known else node.module)
    found.discard(module)
    return found


def _external_imports(tree: ast.Module, *, top_level_only: bool = False) -> set[str]:
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def _graph() -> dict[str, set[str]]:
    return {module: _imports(module, tree) for module, tree in _modules().items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_import_graph_has_no_cycle():
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _inside(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


CORE = ("packverify.format", "packverify.canonical", "packverify.model", "packverify.pointer", "packverify.load",
        "packverify.view", "packverify.context", "packverify.engine", "packverify.oracles", "packverify.report",
        "packverify.tokenizer", "packverify._version", "packverify.runlog", "packverify.environment",
        "packverify.policy", "packverify.pack_files", "packverify.config", "packverify.json_locate",
        "packverify.gpt2_vocabulary", "packverify.api", "packverify.testing")
AROUND = ("packverify.packer", "packverify.strategies", "packverify.meta", "packverify.fuzz", "packverify.repro",
          "packverify.cli", "packverify.repo_fixtures", "packverify.sample_text", "packverify.pack_diff",
          "packverify.pytest_plugin")


def test_dependencies_point_one_way():
    wrong = []
    for module, targets in _graph().items():
        for target in targets:
            if _inside(module, *CORE) and _inside(target, *AROUND):
                wrong.append(f"{module} (core) imports {target}")
            elif (_inside(module, "packverify.oracles") and _inside(target, "packverify.packer")) or (
                    _inside(module, "packverify.packer") and _inside(target, "packverify.oracles")
                    and (module, target) not in PACKER_USES_ORACLE):
                wrong.append(f"{module} imports {target}: the packer and the oracles share rules through packverify.format")
            elif _inside(target, "packverify.cli") and not _inside(module, "packverify.cli", "packverify.__main__"):
                wrong.append(f"{module} imports the command line {target}")
    assert wrong == []


# What the strategies generate is what the oracles judge: they never ask the oracles, the
# secret scanner, the path rules or the packer whether something is valid, and they build
# valid packs with their own implementation of the format (strategies/_reference.py), not
# with the canonical bytes, token counts or rules the oracles use. From packverify.format
# they may take constants only (the vendored directories relation M5 expects).
STRATEGIES_NEVER_IMPORT = ("packverify.oracles", "packverify.secrets", "packverify.paths", "packverify.packer",
                           "packverify.canonical", "packverify.tokenizer")


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    """Every module ``start`` imports, directly or through others — the package root
    aside (importing any submodule runs ``packverify/__init__.py``, which is not a
    dependency) and not through ``packverify.format``, of which only constants may be
    taken (checked by name)."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for target in graph.get(todo.pop(), ()):
            if target != "packverify" and target not in seen:
                seen.add(target)
                if target != "packverify.format":
                    todo.append(target)
    return seen


def _imported_names(tree: ast.Module, module: str) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == module:
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import) and any(alias.name == module for alias in node.names):
            names.add("*")  # the whole module: any of its rules
    return names


def test_the_strategies_never_import_what_they_test():
    graph, modules = _graph(), _modules()
    wrong = []
    for module in modules:
        if not _inside(module, "packverify.strategies"):
            continue
        reached = _reachable(graph, module)
        wrong += [f"{module} reaches {target}" for target in sorted(reached)
                  if _inside(target, *STRATEGIES_NEVER_IMPORT)]
        for user in sorted({module} | (reached & set(modules))):
            wrong += [f"{user} takes the rule {name!r} from packverify.format"
                      for name in sorted(_imported_names(modules[user], "packverify.format")) if not name.isupper()]
    assert sorted(set(wrong)) == []


def test_the_strategies_rule_finds_a_violation():
    graph = {"packverify.strategies._x": {"packverify.sample_text", "packverify.format"},
             "packverify.sample_text": {"packverify.packer.build"}, "packverify.format": {"packverify.canonical"}}
    assert _reachable(graph, "packverify.strategies._x") == {"packverify.sample_text", "packverify.packer.build",
                                                             "packverify.format"}
    tree = ast.parse("from packverify.format import ZERO_COMMIT, count_lines\nimport packverify.format\n")
    assert _imported_names(tree, "packverify.format") == {"ZERO_COMMIT", "count_lines", "*"}


def test_only_the_cli_imports_click_and_only_fuzzing_imports_atheris():
    for module, tree in _modules().items():
        imported = _external_imports(tree)
        if "click" in imported:
            assert _inside(module, "packverify.cli"), module
        if "atheris" in imported:
            assert _inside(module, "packverify.fuzz"), module


def test_hypothesis_is_imported_at_the_top_only_by_the_strategies():
    for module, tree in _modules().items():
        if "hypothesis" in _external_imports(tree, top_level_only=True):
            assert _inside(module, "packverify.strategies"), f"{module} imports hypothesis at its top"


@pytest.mark.parametrize("module", ["packverify.repo_fixtures", "packverify.sample_text", "packverify.meta",
                                    "packverify.meta.reproducer", "packverify.cli"])
def test_these_modules_run_without_hypothesis(module):
    """A meta reproducer replays its case without hypothesis; ``check`` never loads it."""
    code = f"import sys, {module}\nassert 'hypothesis' not in sys.modules, sorted(m for m in sys.modules if 'hypo' in m)\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr


def test_every_module_imports_on_its_own_in_reverse_order():
    """Importing every module in a fresh interpreter, last name first: a cycle that only
    works in one import order fails here."""
    names = sorted(m for m in _modules() if not m.endswith("__main__") and m != "packverify.repro._launch")
    code = "import importlib\nfor name in " + repr(names[::-1]) + ":\n    importlib.import_module(name)\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr


def _definitions(tree: ast.Module) -> list[str]:
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names += [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
    return names


def test_every_public_name_is_defined_in_one_module():
    where: dict[str, list[str]] = defaultdict(list)
    for module, tree in _modules().items():
        for name in _definitions(tree):
            if name.startswith("_") or name in PROTOCOL_NAMES:
                continue
            if name in READER_PROTOCOL_NAMES and _inside(module, "packverify.readers"):
                continue
            where[name].append(module)
    assert {name: modules for name, modules in where.items() if len(modules) > 1} == {}


def test_every_module_name_appears_once():
    stems = Counter(p.stem for p in PACKAGE.rglob("*.py") if p.stem not in ("__init__", "__main__"))
    packages = {p.name for p in PACKAGE.rglob("*") if p.is_dir() and (p / "__init__.py").exists()}
    assert [stem for stem, n in stems.items() if n > 1 or stem in packages] == []


def test_no_function_is_over_60_lines_without_a_reason():
    long = []
    for module, tree in _modules().items():
        if module in NOT_OURS:
            continue
        lines = _sources()[module].splitlines()
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > LONG_FUNCTION and LONG_MARKER not in "\n".join(lines[node.lineno - 1:node.end_lineno]):
                    long.append(f"{module}.{node.name}: {length} lines")
    assert long == []


def _uses(trees) -> Counter:
    """How often each identifier is read in ``trees``: as a name, an attribute, an
    import, a keyword, or a string naming it (``getattr``, ``__all__``)."""
    count: Counter = Counter()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                count[node.id] += 1
            elif isinstance(node, ast.Attribute):
                count[node.attr] += 1
            elif isinstance(node, ast.alias):
                count[(node.asname or node.name).split(".")[-1]] += 1
            elif isinstance(node, ast.keyword) and node.arg:
                count[node.arg] += 1
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                    re.fullmatch(r"[A-Za-z_]\w*", node.value):
                count[node.value] += 1
    return count


def _dead(modules: dict[str, ast.Module], uses: Counter) -> list[str]:
    """Module-level definitions and methods whose name is never read (vulture's rule)."""
    dead = []
    for module, tree in modules.items():
        nodes = list(tree.body)
        nodes += [n for c in tree.body if isinstance(c, ast.ClassDef) for n in c.body if isinstance(n, ast.FunctionDef)]
        for node in nodes:
            names = _definitions(ast.Module(body=[node], type_ignores=[]))
            dead += [f"{module}.{name}" for name in names if not name.startswith("__") and uses[name] == 0]
    return dead


def _whitelist() -> dict[str, str]:
    entries = {}
    for line in WHITELIST.read_text(encoding="utf-8").splitlines():
        name, _, reason = line.partition("#")
        if name.strip():
            assert reason.strip(), f"{name.strip()}: say why it is not dead"
            entries[name.strip()] = reason.strip()
    return entries


def test_no_definition_is_dead():
    """A definition that nothing in the package, the tests, the benchmarks or the scripts
    reads is dead code. Real false positives — a framework calls them by a name of its
    own — are listed, each with its reason, in dead_code_whitelist.txt."""
    trees = [ast.parse(p.read_text(encoding="utf-8")) for root in ("packverify", "tests", "bench", "scripts")
             for p in sorted((ROOT / root).rglob("*.py"))]
    dead = _dead(_modules(), _uses(trees))
    allowed = _whitelist()
    assert [name for name in dead if name not in allowed] == []
    assert [name for name in allowed if name not in dead] == [], "whitelisted but used (or gone): remove the entry"


def test_the_dead_code_rule_finds_dead_code():
    tree = ast.parse("X = 1\n\ndef used():\n    return X\n\nclass C:\n    def m(self):\n        pass\n\n"
                     "def unused():\n    pass\n\nused()\nC()\n")
    assert _dead({"m": tree}, _uses([tree])) == ["m.unused", "m.m"]
