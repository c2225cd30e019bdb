"""``packverify pack REPO --budget N``: the reference packer on the command line."""

from __future__ import annotations

import os

import click

from packverify.cli._common import RUN_LOG_HELP, ExitCode, default_run_log, finish_run_log, open_run_log, settings
from packverify.cli._progress import Progress
from packverify.packer.build import PackError, build_pack
from packverify.packer.discover import DEFAULT_MAX_FILE_BYTES, DiscoveryError
from packverify.printable import printable
from packverify.tokenizer import KNOWN


@click.command("pack")
@click.argument("repo", type=click.Path(file_okay=False))
@click.option("--budget", type=int, default=None,
              help="Token budget of the pack (at least 1000; required here or as [tool.packverify] budget).")
@click.option("--tokenizer", type=click.Choice(KNOWN), default=None,
              help="Tokenizer.  [default: [tool.packverify] tokenizer, else cl100k]")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Settings file (default: the nearest pyproject.toml with [tool.packverify]).")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False), help="Write the pack here (default: stdout).")
@click.option("--worktree", is_flag=True, help="Pack the working tree, not the HEAD commit of a git repository.")
@click.option("--max-file-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_FILE_BYTES, show_default=True,
              help="Leave out files larger than this.")
@click.option("--repo-name", help="repo_info.path to record (default: the directory's name).")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0, help="Threads for token counting; 0 = one per CPU.")
@click.option("-q", "--quiet", is_flag=True, help="No progress and no summary on stderr.")
@click.option("--run-log", type=click.Path(dir_okay=False), default=None, help=RUN_LOG_HELP.format(command="pack"))
@click.option("--no-run-log", is_flag=True, help="Write no run log.")
@click.pass_context
def command(ctx, repo, budget, tokenizer, config_path, out, worktree, max_file_bytes, repo_name, jobs, quiet, run_log,
            no_run_log) -> int:
    """Pack REPO into a token-budgeted pack that passes every oracle of `packverify check`.

    Files of the HEAD commit (or the working tree with --worktree, or any directory);
    .gitignore honoured; binary, oversized, vendored, generated and secret files left out.
    Chunks are cut at blank lines before top-level code, ranked (README, manifests and
    entry points, docs, source, tests), and taken in rank order, whole or as a line
    prefix, to fill the budget without exceeding it (>= 99.5% when there is more content
    than budget, unless every line left out is longer than what remains: then a warning).
    Exact duplicate files are packed once. Output is canonical
    (RFC 8785) and byte-identical across runs and machines.
    """
    stdout, stderr = ctx.obj["stdout"], ctx.obj["stderr"]
    config = settings("pack", config_path, stderr)
    if config is None:
        return ExitCode.ERROR
    budget = budget if budget is not None else config.get("budget")
    if budget is None:
        raise click.UsageError("Missing option '--budget' (or a budget in [tool.packverify]).")
    tokenizer = tokenizer or config.get("tokenizer", "cl100k")
    log = open_run_log(None if no_run_log else run_log or default_run_log("pack", repo), "pack", ctx.obj["argv"],
                       stderr)
    jobs = jobs or (os.cpu_count() or 1)
    options = {"budget": budget, "tokenizer": tokenizer, "worktree": worktree, "max_file_bytes": max_file_bytes,
               "jobs": jobs, "repo_name": repo_name}
    try:
        with Progress(stderr, "pack", quiet=quiet) as progress:
            result = build_pack(repo, progress=lambda phase, done, total: progress.update(phase, done, max(total, 1)),
                                **options)
    except (PackError, DiscoveryError) as exc:
        stderr.write(f"packverify pack: error: {printable(str(exc))}\n")
        finish_run_log(log, ExitCode.ERROR, stderr, error=str(exc))
        return ExitCode.ERROR
    try:
        _write(result.data, out, stdout)
    except OSError as exc:
        stderr.write(f"packverify pack: error: cannot write {out or 'stdout'}: {exc.strerror or exc}\n")
        finish_run_log(log, ExitCode.ERROR, stderr, error=f"cannot write {out}")
        return ExitCode.ERROR
    budget_info = result.document["budget_info"]
    summary = {
        "files": len(result.discovery.files), "skipped": len(result.discovery.skipped),
        "chunks": result.total_chunks, "selected": result.selected, "split": result.split,
        "actual_tokens": budget_info["actual_tokens"], "target_budget": budget_info["target_budget"],
        "total_tokens": result.document["statistics"]["total_tokens"], "commit": result.discovery.commit,
        "duplicates_removed": len(result.duplicates), "unused": result.unused,
        "smallest_line_left_out": result.smallest_left_out,
    }
    if not quiet:
        stderr.write(f"packed {result.selected} of {result.total_chunks} chunks from {summary['files']} files: "
                     f"{budget_info['actual_tokens']}/{budget} tokens ({budget_info['utilization']:.2%}); "
                     f"{summary['skipped']} path(s) left out, {len(result.duplicates)} duplicate(s) removed\n")
        if result.smallest_left_out is not None:
            stderr.write(f"packverify pack: warning: {result.unused} tokens of the budget stay unused: every line "
                         f"left out is longer (the shortest has {result.smallest_left_out} tokens), so none fits "
                         f"in what is left; `check` will report budget.underflow\n")
    finish_run_log(log, ExitCode.OK, stderr, summary=summary,
            skipped=[{"path": p, "reason": r} for p, r in sorted(result.discovery.skipped.items())])
    return ExitCode.OK


def _write(data: bytes, out: str | None, stdout) -> None:
    if out:
        with open(out, "wb") as handle:
            handle.write(data)
        return
    buffer = getattr(stdout, "buffer", None)
    if buffer is not None:
        buffer.write(data)
        buffer.flush()
    else:
        stdout.write(data.decode("utf-8"))
