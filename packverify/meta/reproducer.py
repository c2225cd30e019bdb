"""Reproducers for failed relations: ``artifacts/meta/<relation>/``.

What a failure leaves (the minimal case found by shrinking)::

    artifacts/meta/M5/
      REPRODUCE.md        the relation, the message, and the exact commands, step by step
      reproduce.sh        re-runs the relation on this case: exit 1 reproduced, 0 not, 2 cannot run
      case.json           relation, seed, budget, git, recorded choices, file kinds, packer template
      repo/               the base repository tree (a plain directory; git is made by the steps)
      runs/<label>/       every packer run: its input tree when it differs from repo/ (``repo/``),
                          the creation order (``order.txt``), the pack it wrote (``pack.json``;
                          ``pack.out`` in another format)

    artifacts/meta/validity/<code>/
      REPRODUCE.md        the problem, how many outputs had it, the command that shows it
      case.json           budget, tokenizer, git, the packer template, the format
      repo/               the smallest input on which an output had this problem
      pack.json|pack.out  what the packer wrote for it (absent when it wrote nothing)

``python -m packverify.meta.reproducer DIR [--packer TEMPLATE]`` (what reproduce.sh
runs) materialises the case exactly as the search did, re-runs the relation with
the recorded choices — a choice never recorded, because the saved failure came before
it, takes its simplest value — and prints whether it still fails. Leaves alone:
finding the case (``search``).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import sys
from pathlib import Path
from typing import Any

import packverify.readers as readers
from packverify.meta.contents import OUR_JSON
from packverify.meta.packers import PackerUnavailable, Session, TemplatePacker, Unjudged
from packverify.meta.relations import RELATIONS, Case
from packverify.meta.trace import ChoiceNotApplicable, replay
from packverify.repo_fixtures import git_commit_script, materialize, read_tree


def pack_name(fmt: str | None) -> str:
    """What a kept output is called: ``pack.json`` for our JSON, ``pack.out`` for another format."""
    return "pack.json" if fmt in (None, OUR_JSON) else "pack.out"


def _fresh(target: Path) -> Path:
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    return target


def write_reproducer(artifacts: Path, name: str, packer, result, seed: int, fmt: str | None = None) -> str:
    """Write the reproducer of ``result`` (a failed :class:`RelationResult`) and return
    its directory as given (relative when ``artifacts`` is)."""
    failure = result.failure
    target = _fresh(artifacts / "meta" / name)
    case = failure.case
    materialize(case.repo, target / "repo")
    runs = []
    for record in failure.runs:
        spec, output = record.spec, record.output
        run_dir = target / "runs" / record.label
        run_dir.mkdir(parents=True, exist_ok=True)
        if spec.repo.digest() != case.repo.digest():
            materialize(spec.repo, run_dir / "repo")
        if spec.order is not None:
            (run_dir / "order.txt").write_text("".join(p + "\n" for p in spec.order), encoding="utf-8")
        if output.data is not None:
            (run_dir / pack_name(fmt)).write_bytes(output.data)
        runs.append({"label": record.label, "budget": spec.budget, "tokenizer": spec.tokenizer, "git": spec.git,
                     "order": list(spec.order) if spec.order is not None else None,
                     "tree": f"runs/{record.label}/repo" if spec.repo.digest() != case.repo.digest() else "repo",
                     "exit": output.run.returncode, "problems": [f"{p.code} {p.message}" for p in output.problems]})
    kinds = {f.path: f.kind for r in failure.runs for f in r.spec.repo} | {f.path: f.kind for f in case.repo}
    record = {"relation": name, "title": result.title, "message": failure.message, "seed": seed,
              "budget": case.budget, "git": case.git, "draws": failure.draws, "kinds": kinds,
              "packer": packer.template, "format": fmt, "files": len(case.repo), "runs": runs}
    (target / "case.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (target / "REPRODUCE.md").write_text(_markdown(record, packer, str(target)), encoding="utf-8")
    script = target / "reproduce.sh"
    script.write_text("#!/bin/sh\n# Re-runs the relation on this case: exit 1 reproduced, 0 did not, 2 cannot run.\n"
                      f'exec "${{PYTHON:-{sys.executable}}}" -m packverify.meta.reproducer "$(dirname "$0")" "$@"\n',
                      encoding="utf-8")
    script.chmod(0o755)
    return str(target)


def write_validity_example(artifacts: Path, tally, packer) -> str:
    """Write the smallest input on which an output had validity problem ``tally.code``
    (a :class:`~packverify.meta.validity.Tally`), the output, and how to see it again."""
    example = tally.example
    spec = example.spec
    target = _fresh(artifacts / "meta" / "validity" / tally.code)
    materialize(spec.repo, target / "repo")
    if spec.order is not None:
        (target / "order.txt").write_text("".join(p + "\n" for p in spec.order), encoding="utf-8")
    name = pack_name(example.format)
    if example.data is not None:
        (target / name).write_bytes(example.data)
    record = {"code": tally.code, "severity": tally.severity, "message": example.message, "outputs": tally.outputs,
              "budget": spec.budget, "tokenizer": spec.tokenizer, "git": spec.git, "packer": packer.template,
              "format": example.format, "files": len(spec.repo)}
    (target / "case.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    where = str(target)
    argv = packer.argv("$work/repo", spec.budget, spec.tokenizer, "$work/out.json")
    lines = [f"# packverify meta: validity {tally.severity} {tally.code}", "",
             f"{tally.outputs} output(s) of the packer had it; the smallest input that showed it is `repo/` "
             f"({len(spec.repo)} file(s), budget {spec.budget}, tokenizer {spec.tokenizer}"
             f"{', a git repository' if spec.git else ''}), and `{name}` is what the packer wrote for it.", "",
             f"> {example.message}", "", "```sh", f"cd {shlex.quote(where)}", "work=$(mktemp -d)",
             "cp -R repo $work/repo" + ("   # created in the order of order.txt in the search" if spec.order else "")]
    if spec.git:
        lines.append(git_commit_script("$work/repo"))
    lines += [" ".join(_quote(a) for a in argv), _check_line(example.format, "$work/out.json", "$work/repo"), "```",
              "", "Validity is judged once per output, apart from the relations (docs/metamorphic.md).", ""]
    (target / "REPRODUCE.md").write_text("\n".join(lines), encoding="utf-8")
    return where


def _markdown(record: dict[str, Any], packer, where: str) -> str:
    name = record["relation"]
    lines = [f"# packverify meta: {name} failed", "", f"**{name}**: {record['title']}", "",
             f"> {record['message']}", "",
             f"Minimal case (after shrinking): {record['files']} file(s) in `repo/`, budget {record['budget']}, "
             f"{'a git repository' if record['git'] else 'a plain directory'}; seed {record['seed']}; recorded "
             f"choices `{json.dumps(record['draws'], ensure_ascii=False)}`.", "",
             "## Re-run it", "", "```sh", f"sh {where}/reproduce.sh          # exit 1: still fails; 0: fixed",
             f"sh {where}/reproduce.sh --packer 'mypacker {{repo}} --budget {{budget}} --tokenizer {{tokenizer}} "
             "-o {out}'", "```", "", "## By hand", "",
             "Each run packs its own copy of its input tree, in a directory named `repo` (the name never varies):",
             "", "```sh", f"cd {shlex.quote(where)}", "here=$(pwd); work=$(mktemp -d)"]
    for run in record["runs"]:
        label = run["label"]
        repo = f"$work/{label}/repo"
        lines.append("")
        lines.append(f"# {label}: budget {run['budget']}, tokenizer {run['tokenizer']}"
                     + (", git" if run["git"] else ""))
        if label.endswith("-again"):
            repo = f"$work/{label[:-len('-again')]}/repo"
            lines.append(f"mkdir -p $work/{label}   # the same input directory as before, packed again")
        elif run["order"]:
            lines.append(f"mkdir -p {repo}   # the files created in the order of runs/{label}/order.txt")
            lines.append(f'(cd "$here/{run["tree"]}" && while IFS= read -r f; do mkdir -p "{repo}/$(dirname "$f")"; '
                         f'cp "$f" "{repo}/$f"; done < "$here/runs/{label}/order.txt")')
        else:
            lines.append(f"mkdir -p $work/{label} && cp -R {run['tree']} {repo}")
        if run["git"] and not label.endswith("-again"):
            lines.append(git_commit_script(repo))
        argv = packer.argv(repo, run["budget"], run["tokenizer"], f"$work/{label}/out.json")
        lines.append(" ".join(_quote(a) for a in argv))
        lines.append(_check_line(record.get("format"), f"$work/{label}/out.json", repo))
        status = "no pack" if run["exit"] != 0 else ("; ".join(run["problems"][:2]) or "valid")
        lines.append(f"#   → this run: exit {run['exit']}, {status}")
    if name in ("M0", "M7"):
        first, second = record["runs"][0]["label"], record["runs"][-1]["label"]
        lines += ["", f"cmp $work/{first}/out.json $work/{second}/out.json   # {name}: must be identical"]
    lines += ["```", "", f"What {name} compares, and its threshold, is defined in docs/metamorphic.md. The packs "
              "this search saw are in `runs/<label>/pack.json`.", ""]
    return "\n".join(lines)


def _check_line(fmt: str | None, pack: str, repo: str) -> str:
    """How to judge one output by hand: ``packverify check`` for our JSON. Another format is
    judged by the meta report's validity section (the reader's findings; docs/metamorphic.md)."""
    if fmt in (None, OUR_JSON):
        return f"{shlex.quote(sys.executable)} -m packverify check {pack} --repo {repo}"
    return f"# {pack} is read as {fmt}: its validity is in the meta report's validity section"


def _quote(arg: str) -> str:
    """shlex quoting that keeps ``$work`` expandable."""
    if arg.startswith(("$work/", "$here/")):
        return '"' + arg.replace('"', '\\"') + '"'
    return shlex.quote(arg)


def replay_directory(path: str | os.PathLike, template: str | None = None) -> tuple[int, str]:
    """Re-run the relation recorded in a reproducer directory: (exit code, message)."""
    root = Path(path)
    try:
        record = json.loads((root / "case.json").read_text(encoding="utf-8"))
        name, draws, budget, git = record["relation"], record["draws"], record["budget"], record["git"]
        kinds, recorded_packer = record.get("kinds"), record["packer"]
    except (OSError, ValueError, KeyError, TypeError) as exc:  # no case.json, not JSON, not an object, a field missing
        return 2, f"cannot read {root / 'case.json'}: {type(exc).__name__}: {exc}"
    if not isinstance(name, str) or name not in RELATIONS:
        return 2, f"{root / 'case.json'} names no relation of this packverify: {name!r}"
    try:
        case = Case(read_tree(root / "repo", kinds), budget, git)
    except OSError as exc:
        return 2, f"cannot read the case's tree {root / 'repo'}: {exc.strerror or exc}"
    try:
        packer = TemplatePacker(template or recorded_packer)
        packer.check_runnable()
    except PackerUnavailable as exc:
        return 2, f"cannot run the packer: {exc}"
    recorded_format = record.get("format")
    # another packer may write another format: detect it; the recorded one only for the recorded packer
    fmt = recorded_format if template is None and recorded_format in readers.FORMATS else None
    session = Session(packer, format=fmt)
    try:
        failure, substituted = replay(name, session, case, draws, lenient=True)
    except PackerUnavailable as exc:
        return 2, f"cannot run the packer: {exc}"
    except ChoiceNotApplicable as exc:
        return 2, f"cannot replay: the recorded choice {exc} no longer applies to this case"
    except Unjudged as exc:
        return 1, f"{name} cannot be judged on this case: {session.clean(str(exc))}" + _validity_note(session)
    finally:
        session.close()
    note = _validity_note(session) + (f"\n(not recorded, or not among the choices this run offered: "
                                      f"{', '.join(substituted)} — the simplest choice was taken)" if substituted else "")
    if failure is None:
        return 0, f"{name} holds on this case: not reproduced" + note
    return 1, f"{name} still fails: {failure.message}" + note


def _validity_note(session: Session) -> str:
    found = session.validity.findings()
    if not found:
        return ""
    return "\nvalidity of the outputs: " + "; ".join(f"{t.severity} {t.code} {t.message}" for t in found[:3]) + (
        f" (and {len(found) - 3} more)" if len(found) > 3 else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m packverify.meta.reproducer",
                                     description="Re-run a failed packverify meta relation from its reproducer.")
    parser.add_argument("directory")
    parser.add_argument("--packer", help="another packer template to try on the same case")
    args = parser.parse_args(argv)
    code, message = replay_directory(args.directory, args.packer)
    print(message)
    return code


if __name__ == "__main__":
    sys.exit(main())
