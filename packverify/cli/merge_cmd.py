"""``packverify merge``: join the JSON reports of ``check --shard K/N`` runs into one.

Exit 0 when every pack passed, 1 when any failed, 2 when the reports are not
exactly shards 1..N of one run (missing, duplicated, foreign) or cannot be read —
a missing shard is an error, never a smaller total. The rules live in
:mod:`packverify.sharding`.
"""

from __future__ import annotations

import json

import click

from packverify.cli._common import ExitCode


@click.command("merge")
@click.argument("reports", nargs=-1, required=True, type=click.Path(dir_okay=False), metavar="REPORT...")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the merged report to FILE instead of stdout.")
@click.pass_context
def command(ctx, reports, output) -> int:
    """Merge the JSON reports of `check --shard K/N` (all N of them) into one JSON report."""
    from packverify import sharding

    err = ctx.obj["stderr"]
    loaded = []
    for path in reports:
        try:
            with open(path, encoding="utf-8") as handle:
                loaded.append(json.load(handle))
        except (OSError, ValueError) as exc:
            err.write(f"packverify merge: error: cannot read {path}: {exc}\n")
            return ExitCode.ERROR
    try:
        merged = sharding.merge(loaded)
    except sharding.ShardError as exc:
        err.write(f"packverify merge: error: {exc}\n")
        return ExitCode.ERROR
    text = json.dumps(merged, ensure_ascii=False, indent=2) + "\n"
    if output:
        try:
            with open(output, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        except OSError as exc:
            err.write(f"packverify merge: error: cannot write {output}: {exc.strerror or exc}\n")
            return ExitCode.ERROR
    else:
        ctx.obj["stdout"].write(text)
    return ExitCode.OK if merged["verdict"] == "pass" else ExitCode.FINDINGS
