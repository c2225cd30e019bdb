"""``packverify diff A B``: the structural difference of two packs (``packverify.pack_diff``).

Exit 0 the packs are the same JSON document (byte-identical, or differing only in
serialisation, which is said); 1 they differ (every differing JSON pointer with both
values); 2 a side cannot be read as a pack.
"""

from __future__ import annotations

import json
from typing import IO

import click

from packverify.cli._common import ExitCode, write_report
from packverify.pack_diff import PackDiff, Unreadable, diff_packs
from packverify.repro.compare import LIMIT
from packverify.repro.render import difference_lines


@click.command("diff")
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="Report format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write the report to FILE instead of stdout.")
@click.option("--limit", type=click.IntRange(min=1), default=LIMIT, show_default=True,
              help="List at most this many differing pointers (all are counted).")
@click.pass_context
def command(ctx, a, b, fmt, output, limit) -> int:
    """Show where pack B differs from pack A: the first differing byte, then every
    differing JSON pointer with both values. '-' reads one side from standard input.

    Exit 0 the same document (perhaps serialised differently); 1 they differ; 2 a side
    is missing, unreadable or not a pack.
    """
    out: IO[str] = ctx.obj["stdout"]
    err: IO[str] = ctx.obj["stderr"]
    try:
        result = diff_packs(a, b, stdin=ctx.obj.get("stdin"), limit=limit)
    except Unreadable as exc:
        err.write(f"packverify diff: error: {exc}\n")
        return ExitCode.ERROR
    render = _json if fmt == "json" else _text
    if not write_report("diff", output, out, err, lambda stream: stream.write(render(result))):
        return ExitCode.ERROR
    return ExitCode.OK if result.same else ExitCode.FINDINGS


def _text(result: PackDiff) -> str:
    if result.difference is None:
        return f"same: {result.a} and {result.b} are byte-identical\n"
    compared = result.difference.json
    if compared is None:  # diff_packs compares every two packs it reads as JSON documents
        raise ValueError(f"{result.a} and {result.b} were not compared as JSON")
    lines = difference_lines(result.difference)
    verdict = (f"same: {result.a} and {result.b} hold the same JSON document" if result.same
               else f"different: {compared.total} differing pointer(s)")
    return "\n".join([*lines, verdict]).encode("utf-8", "backslashreplace").decode("utf-8") + "\n"


def _json(result: PackDiff) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2).encode("utf-8", "backslashreplace") \
        .decode("utf-8") + "\n"
