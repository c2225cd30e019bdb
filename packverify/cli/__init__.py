"""The command line: parses options, calls the library, renders, returns an exit code.

``run(argv, stdout, stderr) -> int`` is callable in-process (fast CLI tests);
``main()`` is the console script. This package is the only one that imports click.
"""

from packverify.cli.main import ExitCode, main, run

__all__ = ["ExitCode", "main", "run"]
