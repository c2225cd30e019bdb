"""``packverify convert IN -o pack.json``: any pack packverify reads, as canonical packverify JSON.

Exit 0 converted (notes on stderr say what could not be carried over exactly); 1 the
input is broken as its format (its ``parse``/``structure`` errors are listed and nothing
is written: a converted pack would hide them); 2 the command could not do its job (an
unknown format, a missing file, a bad ``--rev``, an unwritable output)."""

from __future__ import annotations

import os

import click

import packverify.readers as readers
from packverify.cli._common import ExitCode
from packverify.convert import convert
from packverify.model import Severity
from packverify.packer.assemble import serialize
from packverify.readers.codes import severity_of
from packverify.repo_source import RepoError
from packverify.tokenizer import VOCABULARIES


@click.command("convert")
@click.argument("source", metavar="IN", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False),
              help="Write the packverify JSON pack here.")
@click.option("--repo", type=click.Path(exists=True, file_okay=False),
              help="Recover line ranges against this repository's files (its working tree).")
@click.option("--rev", metavar="REV", help="Recover them against this git revision of --repo instead.")
@click.option("--tokenizer", type=click.Choice(tuple(VOCABULARIES)),
              help="Tokenizer of the output's counts  [default: the one the pack names, else cl100k].")
@click.option("--input-format", type=click.Choice(readers.FORMATS), metavar="NAME",
              help=f"Read IN as this format instead of detecting it: {', '.join(readers.FORMATS)}.")
@click.pass_context
def command(ctx, source, out, repo, rev, tokenizer, input_format) -> int:
    """Convert IN (repomix, gitingest, files-to-prompt, scribe, PackRepo, packverify JSON)
    into canonical packverify JSON: a chunk per file with its line range (recovered against
    --repo where the format has none, the tool's documented transformations undone), real
    token counts, canonical ids, hashes and manifest digest. The output passes
    `packverify check --repo` whenever IN did."""
    err = ctx.obj["stderr"]
    if rev is not None and repo is None:
        err.write("packverify convert: error: --rev needs --repo\n")
        return ExitCode.ERROR
    try:
        with open(source, "rb") as handle:
            raw = handle.read()
        pack = readers.read(raw, source, format=input_format)
        broken = [f for f in pack.findings if severity_of(f.code) is Severity.ERROR]
        if broken:
            for finding in broken:
                err.write(f"packverify convert: {source}:{finding.location}: {finding.code}: {finding.message}\n")
            err.write("packverify convert: nothing written: the input is broken as "
                      f"{pack.format} (packverify check {source} says more)\n")
            return ExitCode.FINDINGS
        result = convert(pack, repo=repo, rev=rev, tokenizer=tokenizer, jobs=os.cpu_count() or 1)
    except (readers.UnknownFormat, readers.AmbiguousFormat, RepoError) as exc:
        err.write(f"packverify convert: error: {source}: {exc}\n")
        return ExitCode.ERROR
    except OSError as exc:
        err.write(f"packverify convert: error: cannot read {source}: {exc.strerror or exc}\n")
        return ExitCode.ERROR
    for note in result.notes:
        err.write(f"packverify convert: note: {note}\n")
    try:
        with open(out, "wb") as handle:
            handle.write(serialize(result.document))
    except OSError as exc:
        err.write(f"packverify convert: error: cannot write {out}: {exc.strerror or exc}\n")
        return ExitCode.ERROR
    chunks = len(result.document["chunks"])
    err.write(f"converted {result.source_format} into {out}: {chunks} chunk(s), "
              f"{result.document['budget_info']['actual_tokens']} {result.document['tokenizer_info']['name']} tokens\n")
    return ExitCode.OK
