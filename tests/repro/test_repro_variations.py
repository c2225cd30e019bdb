"""Variations, plans, copy order and templates, without running anything."""

from __future__ import annotations

import pytest

from packverify.repro import ReproError, parse_template
from packverify.repro.machine import Machine
from packverify.repro.variations import VARIATION_NAMES, VARIATIONS, Plan, VariationContext, select
from packverify.repro.workspace import TreeEntry, creation_order, substitute

MACHINE = Machine(namespace=("unshare", "--mount"), namespace_error=None, network_namespace=None,
                  network_error=None, faketime="/usr/bin/faketime", faketime_error=None,
                  locales=("tr_TR.UTF-8", "en_US.ISO-8859-1", "fr_CH.UTF-8"), cpus=(0, 1))
CTX = VariationContext(machine=MACHINE, repo_name="demo")


def test_names_are_the_contract_table():
    assert VARIATION_NAMES == ("path", "cwd", "order", "home", "locale", "tz", "umask", "time", "hashseed", "cpus", "env")


@pytest.mark.parametrize("name", VARIATION_NAMES)
def test_every_varied_run_differs_from_the_control(name):
    variation = VARIATIONS[name]
    control = variation.value(CTX, 0)
    for k in range(1, 6):
        assert variation.value(CTX, k) != control, (name, k)
        assert variation.show(variation.value(CTX, k)) != variation.show(control)


@pytest.mark.parametrize("name", VARIATION_NAMES)
def test_values_change_the_plan(name):
    variation = VARIATIONS[name]
    plans = []
    for k in (0, 1):
        plan = Plan(copy="build/demo")
        variation.apply(plan, variation.value(CTX, k))
        plans.append(plan)
    assert plans[0] != plans[1]


def test_locale_values_include_a_non_utf8_one_by_default():
    assert {VARIATIONS["locale"].value(CTX, k) for k in (0, 1)} == {"tr_TR.UTF-8", "en_US.ISO-8859-1"}


def test_unavailable_reasons():
    bare = Machine(namespace=None, namespace_error="no namespaces", network_namespace=None, network_error="x",
                   faketime=None, faketime_error="faketime not found", locales=("tr_TR.UTF-8",), cpus=(0,))
    ctx = VariationContext(machine=bare, repo_name="demo")
    reasons = {n: VARIATIONS[n].unavailable(ctx) for n in VARIATION_NAMES}
    assert reasons["order"] == "no namespaces" and reasons["time"] == "faketime not found"
    assert "locales-all" in reasons["locale"] and "en_US.ISO-8859-1" in reasons["locale"]
    assert "one CPU" in reasons["cpus"]
    assert {n for n, r in reasons.items() if r} == {"order", "time", "locale", "cpus"}


def test_select():
    assert select(None) == VARIATION_NAMES
    assert select(["tz", "path"]) == ("path", "tz")  # contract order, whatever the order given
    assert select(["-time", "-cpus"]) == tuple(n for n in VARIATION_NAMES if n not in ("time", "cpus"))
    assert select(["all", "-env"]) == VARIATION_NAMES[:-1]
    with pytest.raises(ReproError, match="did you mean 'locale'"):
        select(["locales"])


def _tree():
    def d(rel):
        return TreeEntry(rel, "d", 0o755, 0)

    def f(rel):
        return TreeEntry(rel, "f", 0o644, 0)

    return {"": [f("a"), d("b"), f("c")], "b": [f("b/x"), f("b/y")]}


def test_creation_order():
    rels = [[e.rel for e in creation_order(_tree(), order)] for order in ("sorted", "reversed")]
    assert rels[0] == ["a", "b", "b/x", "b/y", "c"]
    assert rels[1] == ["c", "b", "b/y", "b/x", "a"]
    shuffled = [e.rel for e in creation_order(_tree(), "shuffled-2")]
    assert shuffled == [e.rel for e in creation_order(_tree(), "shuffled-2")]  # seeded: the same every time
    assert sorted(shuffled) == rels[0]
    assert shuffled.index("b") < shuffled.index("b/x")  # a directory before its contents


def test_substitute_leaves_other_braces_alone():
    values = {"repo": "/r", "out": "/o", "budget": "8000", "tokenizer": "cl100k"}
    assert substitute(["p", "{repo}", "--out={out}", "{budget}{tokenizer}", "{}", '{"a": 1}', "{other}"], values) == [
        "p", "/r", "--out=/o", "8000cl100k", "{}", '{"a": 1}', "{other}"]


def test_parse_template():
    assert parse_template(["packer {repo} -o '{out}'"]) == ("packer", "{repo}", "-o", "{out}")
    assert parse_template(["packer", "{repo} x", "{out}"]) == ("packer", "{repo} x", "{out}")
    with pytest.raises(ReproError, match="must write its output to {out}"):
        parse_template(["packer", "{repo}"])
    with pytest.raises(ReproError, match="cannot split"):
        parse_template(["packer '{out}"])


def test_scrub_hides_both_work_directories(tmp_path):
    from pathlib import Path

    from packverify.repro.workspace import Workspace

    ws = Workspace(tmp_path, {}, isolate=False, timeout=1)
    try:
        random_root = str(ws.root)
        assert ws.scrub(f"{random_root}/fs/build/x") == "<work>/build/x"  # without namespaces
        ws.fs = Path("/tmp/packverify-repro")  # with: the fixed path begins the random one's name
        assert ws.scrub("/tmp/packverify-repro/build/x") == "<work>/build/x"
        assert ws.scrub(f"{random_root}/out/pack.json") == "<scratch>/out/pack.json"
    finally:
        ws.close()
    assert not Path(random_root).exists()


def test_exclude_patterns_work_like_gitignore():
    from packverify.repro.workspace import excluded_by

    assert excluded_by("node_modules", ["node_modules"])
    assert excluded_by("web/node_modules", ["node_modules/"])
    assert excluded_by("a/b/c.log", ["*.log"])
    assert excluded_by("build/x.o", ["build/*.o"]) and excluded_by("build/x.o", ["/build/*.o"])
    assert not excluded_by("src/build/x.o", ["build/*.o"])  # with a slash: from the root only
    assert not excluded_by("src/main.py", ["*.log", "node_modules"])
