#!/usr/bin/env python3
"""Re-record the real packers' untouched outputs under tests/data/foreign/.

    .venv/bin/python tests/readers/record_foreign.py

Generates the awkward repository (tests/readers/awkward_repo.py, with ``--git``) in a
temporary directory, runs every command of ``tools.RUNS`` in it (from inside the
repository, output to ``../out/NAME``), and copies each output byte for byte to
``tests/data/foreign/<tool>-<version>/NAME``. ``input.sha256`` beside them lists the input
repository's files, so a test can tell when the generator no longer makes the recorded
input. Needs the tools (scripts/install-packers).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import awkward_repo  # noqa: E402
import tools  # noqa: E402


def manifest(special: bool) -> str:
    lines = []
    for rel, data in sorted(awkward_repo.FILES.items()):
        if rel == awkward_repo.SPECIAL and not special:
            continue
        lines.append(f"{hashlib.sha256(data).hexdigest()}  {rel}")
    return "\n".join(lines) + "\n"


def main() -> int:
    missing = [tool for tool in tools.EXECUTABLES if tools.available(tool)]
    if missing:
        print(f"not installed: {', '.join(missing)} (run scripts/install-packers)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="packverify-record-") as tmp:
        repos = {}
        for special in (True, False):
            repo = os.path.join(tmp, "repo" if special else "repo-nospecial")
            awkward_repo.write(repo, special=special, git=True)
            repos[special] = repo
        os.makedirs(os.path.join(tmp, "out"))
        for run in tools.RUNS:
            target_dir = os.path.join(tools.FOREIGN, tools.DIRECTORIES[run.tool])
            os.makedirs(target_dir, exist_ok=True)
            out = os.path.join("..", "out", run.output)
            data = tools.execute(run, repos[run.special], out)
            with open(os.path.join(target_dir, run.output), "wb") as handle:
                handle.write(data)
            side = os.path.join(repos[run.special], out + ".pack")
            if os.path.exists(side):  # the pack scribe --stats -o wrote: what its statistics describe
                shutil.copyfile(side, os.path.join(target_dir, run.output + ".pack"))
            print(f"{run.tool:16} {run.output:20} {len(data):7} bytes")
        for tool in tools.DIRECTORIES.values():
            for special in (True, False):
                name = "input.sha256" if special else "input-nospecial.sha256"
                with open(os.path.join(tools.FOREIGN, tool, name), "w") as handle:
                    handle.write(manifest(special))
        shutil.rmtree(os.path.join(tmp, "out"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
