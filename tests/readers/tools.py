"""Where the real packers are (scripts/install-packers) and how to run them.

One table, ``RUNS``, says every recorded run: which tool, the exact command, the output
file name. ``record_foreign.py`` writes the recordings from it and the end-to-end tests run
the same commands on a fresh repository. A missing tool makes a test skip with the reason;
under ``CI=true`` it fails instead (CI must really run the tools).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACKERS = os.path.join(ROOT, ".packers")
FOREIGN = os.path.join(ROOT, "tests", "data", "foreign")

EXECUTABLES = {
    "repomix": os.path.join(PACKERS, "node", "node_modules", ".bin", "repomix"),
    "gitingest": os.path.join(PACKERS, "venv", "bin", "gitingest"),
    "files-to-prompt": os.path.join(PACKERS, "venv", "bin", "files-to-prompt"),
    "scribe": os.path.join(PACKERS, "venv", "bin", "scribe"),
    "packrepo": os.path.join(PACKERS, "venv", "bin", "python"),
}
VERSIONS = {"repomix": "1.18.1", "gitingest": "0.3.1", "files-to-prompt": "0.6", "scribe": "1.0.0",
            "packrepo": "1.0.0"}
DIRECTORIES = {"repomix": "repomix-1.18.1", "gitingest": "gitingest-0.3.1",
               "files-to-prompt": "files-to-prompt-0.6", "scribe": "scribe-1.0.0", "packrepo": "scribe-1.0.0"}
DRIVER = os.path.join(ROOT, "tests", "e2e", "packers", "packrepo_driver.py")


@dataclass(frozen=True)
class Run:
    """One recorded tool run: ``{out}`` is the output file, the repository is the cwd."""

    tool: str
    reader: str  # the packverify reader its output must be detected as
    output: str  # file name inside the tool's recording directory
    argv: tuple[str, ...]
    special: bool = True  # whether the repository keeps the <|endoftext|> file
    stdout: bool = False  # the output is the command's stdout, not {out}


RUNS: tuple[Run, ...] = (
    Run("repomix", "repomix-xml", "repo.xml", ("--style", "xml", "--no-security-check", "-o", "{out}")),
    Run("repomix", "repomix-xml", "repo.parsable.xml",
        ("--style", "xml", "--parsable-style", "--no-security-check", "-o", "{out}")),
    Run("repomix", "repomix-markdown", "repo.md", ("--style", "markdown", "--no-security-check", "-o", "{out}")),
    Run("repomix", "repomix-plain", "repo.txt", ("--style", "plain", "--no-security-check", "-o", "{out}")),
    Run("repomix", "repomix-json", "repo.json", ("--style", "json", "--no-security-check", "-o", "{out}")),
    Run("gitingest", "gitingest", "digest.txt", (".", "-o", "{out}")),
    Run("files-to-prompt", "files-to-prompt", "default.txt", (".", "-o", "{out}")),
    Run("files-to-prompt", "files-to-prompt-cxml", "cxml.txt", (".", "--cxml", "-o", "{out}")),
    Run("files-to-prompt", "files-to-prompt-markdown", "markdown.md", (".", "--markdown", "-o", "{out}")),
    Run("scribe", "scribe", "pack.txt", (".", "-o", "{out}"), special=False),
    Run("scribe", "scribe-stats", "stats.txt", (".", "-o", "{out}.pack", "--stats"), special=False, stdout=True),
    Run("scribe", "scribe", "stdout.txt", (".", "--stats"), special=False, stdout=True),
    Run("packrepo", "packrepo", "packrepo.txt", (DRIVER, ".", "4000", "{out}"), special=False),
)


def available(tool: str) -> str | None:
    """``None`` when ``tool`` is installed, else the reason it is not."""
    path = EXECUTABLES[tool]
    if not os.access(path, os.X_OK):
        return f"{tool} is not installed in {os.path.relpath(path, ROOT)} (scripts/install-packers; no network?)"
    return None


def require(tool: str) -> None:
    """Skip the calling test when ``tool`` is missing — fail instead under CI=true."""
    reason = available(tool)
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true: {reason}")
    pytest.skip(reason)


def environment() -> dict[str, str]:
    """The tools' environment: offline tiktoken cache, UTF-8 locale, no colour."""
    env = dict(os.environ, TIKTOKEN_CACHE_DIR=os.path.join(PACKERS, "tiktoken"), LC_ALL="C.UTF-8", LANG="C.UTF-8",
               NO_COLOR="1", PYTHONUTF8="1")
    env.pop("PYTHONPATH", None)
    return env


def execute(run: Run, repo: str, out: str, *, timeout: float = 300) -> bytes:
    """Run ``run`` in ``repo`` writing to ``out``; returns the output's bytes."""
    argv = [EXECUTABLES[run.tool], *(arg.replace("{out}", out) for arg in run.argv)]
    done = subprocess.run(argv, cwd=repo, env=environment(), capture_output=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode(errors='replace')[-2000:]}")
    if run.stdout:
        return done.stdout
    with open(os.path.join(repo, out), "rb") as handle:
        return handle.read()
