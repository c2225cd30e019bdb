#!/usr/bin/env python3
"""The golden findings file, and the only way to change it: case by case, after review.

``golden_findings.json`` records, for each case of ``killer_cases.py``, every oracle's
status and reason and every finding in full. It is never rewritten wholesale from the
code under test (it once recorded a real bug as correct that way). Instead:

    .venv/bin/python tests/mutation_killers/golden.py            # compare every case with its recording
    .venv/bin/python tests/mutation_killers/golden.py --accept CASE [CASE ...]
    .venv/bin/python tests/mutation_killers/golden.py --discard  # drop what is pending

The first command writes, for every case whose answer differs from its recording (or
that has none), ``golden_pending/<case>.diff`` (a unified diff of the two answers,
indented JSON) and ``golden_pending/<case>.json`` (the new answer), and prints the
list. Read each diff; ``--accept CASE`` copies that case's pending answer into the
golden file — only if it is still what the code answers — and removes its pending
files. ``test_golden_findings.py`` fails while anything is pending, so an unreviewed
update cannot be committed by accident.

Cases checked by hand are listed in ``golden_findings.reviewed.json`` with who checked
what and the sha256 of the answer they checked: accepting a new answer for such a case
makes that test fail until the case is checked by hand again and its entry updated.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))

from killer_cases import cases, make_repo  # noqa: E402 - after the path fix

from packverify.context import Context  # noqa: E402
from packverify.engine import check_loaded  # noqa: E402
from packverify.load import parse_bytes  # noqa: E402
from packverify.oracles import NAMES  # noqa: E402

GOLDEN = HERE / "golden_findings.json"
REVIEWED = HERE / "golden_findings.reviewed.json"
PENDING = HERE / "golden_pending"


def make_repos(root: Path) -> dict:
    """The plain and the git repository the ``source`` cases are checked against."""
    tree, git = root / "tree", root / "git"
    tree.mkdir()
    git.mkdir()
    make_repo(tree, git=False)
    return {"tree": tree, "git": git, "commit": make_repo(git, git=True)}


def answer(name: str, repos: dict, all_cases: dict | None = None) -> dict:
    """Every oracle's status and reason and every finding of case ``name``, with the
    repositories' paths replaced by ``<tree>`` / ``<git>``."""
    raw, options = (all_cases or cases())[name]
    repo = repos[options["repo"]] if options.get("repo") else None
    if options.get("repo") == "git":  # the fixture commit's id is known only once it is made
        raw = raw.replace(b'"commit":"' + b"0" * 40 + b'"', b'"commit":"' + repos["commit"].encode() + b'"')
    loaded = parse_bytes(raw, path=f"{name}.json")
    report = check_loaded(loaded, Context(repo=repo, strict=options.get("strict", False)), NAMES)

    def clean(value):
        text = json.dumps(value, ensure_ascii=False)
        for key in ("tree", "git"):
            text = text.replace(json.dumps(str(repos[key]))[1:-1], f"<{key}>")
        return json.loads(text)

    return clean({
        "verdict": report.verdict.value,
        "oracles": {n: [r.status.value, r.reason] for n, r in report.oracles.items()},
        "findings": [[f.oracle, f.code, f.severity.value, f.pointer, f.message, f.to_dict()["expected"],
                      f.to_dict()["actual"]] for f in report.findings],
    })


def answer_digest(value: dict) -> str:
    """sha256 of an answer's canonical JSON (what a hand review vouches for)."""
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _pretty(value: object) -> list[str]:
    return (json.dumps(value, ensure_ascii=False, indent=1) + "\n").splitlines(keepends=True)


def compare(repos: dict) -> list[str]:
    """Write a pending diff and answer for every case that differs; return their names."""
    golden, every = load(GOLDEN), cases()
    changed = []
    for name in sorted(every):
        new = answer(name, repos, every)
        if golden.get(name) == new:
            continue
        changed.append(name)
        PENDING.mkdir(exist_ok=True)
        old = _pretty(golden[name]) if name in golden else []
        diff = difflib.unified_diff(old, _pretty(new), f"recorded/{name}", f"now/{name}")
        (PENDING / f"{name}.diff").write_text("".join(diff), encoding="utf-8")
        (PENDING / f"{name}.json").write_text(json.dumps(new, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for name in sorted(set(golden) - set(every)):
        changed.append(name)
        PENDING.mkdir(exist_ok=True)
        (PENDING / f"{name}.diff").write_text(f"case {name} no longer exists: --accept removes it\n", encoding="utf-8")
    return changed


def accept(names: list[str], repos: dict) -> list[str]:
    """Take the pending answers of ``names`` into the golden file; return the problems."""
    golden, every, problems = load(GOLDEN), cases(), []
    for name in names:
        diff, new_file = PENDING / f"{name}.diff", PENDING / f"{name}.json"
        if not diff.exists():
            problems.append(f"{name}: nothing pending (run without --accept first, then read the diff)")
            continue
        if name not in every:
            golden.pop(name, None)
        else:
            pending = json.loads(new_file.read_text(encoding="utf-8"))
            if answer(name, repos, every) != pending:
                problems.append(f"{name}: the code's answer changed since the diff was written: compare again")
                continue
            golden[name] = pending
            new_file.unlink()
        diff.unlink()
    GOLDEN.write_text(json.dumps({n: golden[n] for n in sorted(golden)}, ensure_ascii=False, indent=1) + "\n",
                      encoding="utf-8")
    if PENDING.exists() and not any(PENDING.iterdir()):
        PENDING.rmdir()
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accept", nargs="+", metavar="CASE", help="take these reviewed pending answers")
    parser.add_argument("--discard", action="store_true", help="delete every pending diff and answer")
    args = parser.parse_args(argv)
    if args.discard:
        for path in PENDING.glob("*") if PENDING.exists() else ():
            path.unlink()
        if PENDING.exists():
            PENDING.rmdir()
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        repos = make_repos(Path(tmp))
        if args.accept:
            problems = accept(args.accept, repos)
            for problem in problems:
                print(f"golden: {problem}", file=sys.stderr)
            reviewed = load(REVIEWED)
            for name in args.accept:
                if name in reviewed:
                    print(f"golden: {name} was checked by hand: check it again and update its entry in "
                          f"{REVIEWED.name} (answer_sha256 {answer_digest(load(GOLDEN)[name])})", file=sys.stderr)
            return 1 if problems else 0
        changed = compare(repos)
    for name in changed:
        print(f"golden: {name} differs: read {PENDING.relative_to(HERE.parent.parent) / (name + '.diff')}")
    print(f"golden: {len(changed)} case(s) pending" if changed else "golden: every case answers as recorded")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
