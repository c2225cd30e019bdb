"""Consistency as tests: registry = contract, codes documented, schema shipped = spec,
packverify-valid packs are PackRepo-valid, reports are byte-identical across runs.

That every code is exercised is observed, not grepped: tests/fuzzing/test_fuzzers.py runs
the engine over the seed corpus, collects the codes that fire, and requires every code
(and each seed's named code) among them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from helpers import valid_doc

from packverify.oracles import NAMES, REGISTRY, all_codes
from packverify.oracles.schema import schema_text

ROOT = Path(__file__).resolve().parent.parent
CONTRACT_ORACLES = ("parse", "schema", "structure", "budget", "tokens", "integrity", "overlap", "determinism",
                    "stats", "security", "source", "coverage")


def test_registry_is_the_contracts_oracle_list_in_order():
    assert NAMES == CONTRACT_ORACLES


def test_every_code_is_kebab_case_and_prefixed_and_documented():
    docs = (ROOT / "docs" / "codes.md").read_text(encoding="utf-8")
    for code, info in all_codes().items():
        oracle, _, name = code.partition(".")
        assert oracle in REGISTRY and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name), code
        assert info.title and info.why, code
        assert f"`{code}`" in docs, f"{code} missing from docs/codes.md"


def test_every_oracle_module_has_a_docstring_and_the_shape():
    for name, module in REGISTRY.items():
        assert module.__doc__ and module.__doc__.strip().startswith(name), name
        assert callable(module.check)


def test_shipped_schema_is_the_spec_and_valid_2020_12():
    assert (ROOT / "spec" / "index.schema.json").read_text(encoding="utf-8") == schema_text()
    schema = json.loads(schema_text())
    jsonschema.Draft202012Validator.check_schema(schema)


def test_environment_manifest_is_shipped_unchanged():
    shipped = (ROOT / "packverify" / "data" / "environment.manifest.json").read_text(encoding="utf-8")
    assert (ROOT / "environment.manifest.json").read_text(encoding="utf-8") == shipped


@pytest.mark.parametrize("kwargs", [{}, {"tokenizer": "o200k"}, {"body_spans": True}])
def test_packverify_valid_packs_are_packrepo_valid(kwargs):
    schema = json.loads((ROOT / "tests" / "data" / "packrepo-index.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    assert list(validator.iter_errors(valid_doc(**kwargs))) == []
    # The format checker is live (rfc3339-validator installed): a bad date fails here too.
    bad = valid_doc(**kwargs)
    bad["metadata"]["created_at"] = "yesterday"
    assert list(validator.iter_errors(bad))


def test_json_reports_are_byte_identical_across_runs(tmp_path):
    from helpers import run_captured, transport_bytes

    pack = tmp_path / "p.json"
    doc = valid_doc()
    doc["chunks"][0]["tokens"] += 1
    pack.write_bytes(transport_bytes(doc))
    outputs = []
    for _ in range(2):
        code, out, _ = run_captured(["check", str(pack), "--format", "json", "--no-run-log"])
        assert code == 1
        report = json.loads(out)
        report.pop("environment")
        outputs.append(json.dumps(report))
    assert outputs[0] == outputs[1]
    assert str(tmp_path) not in outputs[0].replace(str(pack), "")


def test_an_oracle_crash_is_an_internal_error_finding_not_a_traceback(monkeypatch, tmp_path):
    from helpers import check_doc, run_captured, transport_bytes

    class Panic(BaseException):  # like pyo3's PanicException, not an Exception
        pass

    def explode(pack, ctx):
        raise Panic("rust panicked")
        yield  # pragma: no cover

    monkeypatch.setattr(REGISTRY["overlap"], "check", explode)
    report = check_doc(valid_doc())
    assert report.internal_errors == 1
    [finding] = report.oracles["overlap"].findings
    assert finding.code == "overlap.internal-error" and "rust panicked" in finding.message
    assert report.oracles["budget"].status.value == "pass"  # the others still ran
    pack = tmp_path / "p.json"
    pack.write_bytes(transport_bytes(valid_doc()))
    code, out, err = run_captured(["check", str(pack), "--no-run-log"])
    assert code == 2 and "internal error" in err and "Traceback" not in out + err


def test_the_version_is_the_distributions():
    import tomllib

    from packverify._version import __version__

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert __version__ == project["version"]


def test_the_schemas_utilization_ceiling_is_the_documented_one():
    utilization = json.loads(schema_text())["properties"]["budget_info"]["properties"]["utilization"]
    assert utilization["maximum"] == 1.005  # docs/format.md §budget_info: "0 … 1.005"
    assert "1.005" in (ROOT / "docs" / "format.md").read_text(encoding="utf-8")


# Files outside the repository that earlier versions leaned on: the project's own docs
# must stand alone (docs/contract.md is the contract), and no test may read beside the
# checkout. Spelled in pieces so that this file does not name them itself.
_OUTSIDE = re.compile("|".join([r"\.\./" + "shared", "/work/" + "shared", r"\b" + "CONTRACT" + r"\.md",
                                r"\b" + "RECIPES" + r"\.md", r"\b" + "STYLE" + r"\.md"]))


def test_nothing_refers_to_files_outside_the_repository():
    roots = ["packverify", "tests", "docs", "scripts", "bench", ".ci"]
    files = [p for root in roots if (ROOT / root).exists() for p in (ROOT / root).rglob("*")
             if p.is_file() and p.suffix in (".py", ".md", ".toml", ".yml", ".yaml", ".sh", "") and
             "__pycache__" not in p.parts and "corpus" not in p.parts]
    files += [ROOT / name for name in ("README.md", "pyproject.toml", "action.yml") if (ROOT / name).exists()]
    found = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in _OUTSIDE.finditer(text)]
    assert found == []


def test_links_between_the_docs_resolve():
    broken = []
    for page in sorted((ROOT / "docs").rglob("*.md")) + [ROOT / "README.md", ROOT / "tests" / "README.md"]:
        for target in re.findall(r"\]\(([^)#\s]+\.md)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if not target.startswith("http") and not (page.parent / target).resolve().exists():
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
    assert broken == []
