"""``packverify`` commands. Exit codes for every command: 0 all checks held, 1
something was verified and found wrong, 2 the command could not do its job.

This module builds the command group from the ``*_cmd`` modules (one per command)
and runs it; what the commands share is in ``_common``.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from typing import IO

import click

from packverify._version import __version__
from packverify.cli import (
    attestation_cmd,
    check_cmd,
    convert_cmd,
    diff_cmd,
    doctor_cmd,
    fuzz_cmd,
    merge_cmd,
    meta_cmd,
    pack_cmd,
    repro_cmd,
    schema_cmd,
)
from packverify.cli._common import ExitCode


class _Group(click.Group):
    def format_epilog(self, ctx, formatter):  # keep the exit-code table readable
        formatter.write("\nExit codes: 0 all checks held; 1 something was verified and found wrong;\n"
                        "2 the command could not do its job (bad arguments, missing file).\n")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="packverify")
def cli() -> None:
    """Verify token-budgeted repository packs for LLM context windows."""


for _module in (check_cmd, convert_cmd, diff_cmd, schema_cmd, pack_cmd, repro_cmd, meta_cmd, fuzz_cmd, doctor_cmd,
                attestation_cmd, merge_cmd):
    cli.add_command(_module.command)


def run(argv: Sequence[str] | None = None, stdout: IO[str] | None = None, stderr: IO[str] | None = None,
        stdin: IO[bytes] | None = None) -> int:
    """Run the CLI in-process and return the exit code (never raises, never exits).
    ``stdin`` is the binary stream ``-`` reads (default: the process's standard input)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        # click writes --help/--version itself; send that to the injected streams too.
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            result = cli.main(args=argv, prog_name="packverify", standalone_mode=False,
                              obj={"stdout": stdout, "stderr": stderr, "argv": argv, "stdin": stdin})
    except click.UsageError as exc:
        if exc.ctx is not None:
            stderr.write(f"{exc.ctx.get_usage()}\nTry '{exc.ctx.command_path} --help' for help.\n\n")
        stderr.write(f"Error: {exc.format_message()}\n")
        return ExitCode.ERROR
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.Abort:
        stderr.write("Aborted.\n")
        return ExitCode.ERROR
    except click.ClickException as exc:
        stderr.write(f"Error: {exc.format_message()}\n")
        return ExitCode.ERROR
    except BrokenPipeError:
        return ExitCode.ERROR
    except KeyboardInterrupt:
        stderr.write("Interrupted.\n")
        return 130
    if result is None:  # --help and --version print and return None
        return ExitCode.OK
    return int(result)


def main() -> None:
    """Console script entry point."""
    code = run()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    sys.exit(code)
