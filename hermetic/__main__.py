"""``scripts/hermetic``: build packverify's images hermetically, twice, and compare.

Exit 0 when every suite built, its checks passed inside and (with a rebuild) both builds
were byte-identical; 1 when something was found wrong (Debian drift under --frozen, a
wheel that does not match its lock, a failing test, doctor or repro inside, two builds
that differ); 2 when it could not run (not root, a missing tool, no network for the
first download, an offline build without a cache). ``artifacts/hermetic.json`` is
written in every case, with every phase that ran.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from hermetic.build import Options, SuiteBuild, source_files
from hermetic.phases import CannotRun, Failed, Recorder
from hermetic.suites import SOURCE_DATE_EPOCH, SUITES

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ("mmdebstrap", "podman", "runc", "unshare", "git")


def _suites(text: str) -> list[str]:
    names = list(SUITES) if text == "all" else [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in SUITES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown suite(s) {', '.join(unknown) or text!r}; "
                                         f"choose from {', '.join(SUITES)} or all")
    return names


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scripts/hermetic", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="Exit codes: 0 ok, 1 drift/difference/test failure, 2 could not run. "
                                            "docs/environment.md says what is pinned and how to reproduce.")
    parser.add_argument("--suite", type=_suites, default=list(SUITES),
                        help="bookworm, trixie, a comma list, or all (default: all)")
    parser.add_argument("--frozen", action="store_true",
                        help="fail (exit 1) on any Debian package that differs from hermetic/debian-<suite>.lock.json "
                             "instead of updating it")
    parser.add_argument("--offline", action="store_true",
                        help="no network at all: the first build too comes from the kept .debs, apt lists and wheels "
                             "in the cache (a previous run with network fills it)")
    parser.add_argument("--rebuild", type=lambda t: [] if t == "none" else _suites(t), default=None,
                        help="suites to build a second time and compare byte for byte (default: every suite built; "
                             "'none' for none)")
    parser.add_argument("--no-tests", action="store_true", help="do not run the test suite inside the images")
    parser.add_argument("--pytest-args", default="", metavar="ARGS",
                        help="extra pytest arguments for the suite inside, e.g. '-m \"not slow\"' (default: none, "
                             "the whole suite)")
    parser.add_argument("--cache", type=Path, default=ROOT / ".hermetic-cache",
                        help="kept .debs, apt lists, wheels and work files (default: .hermetic-cache, outside git)")
    parser.add_argument("--output", type=Path, default=ROOT / "artifacts" / "hermetic.json",
                        help="the report (default: artifacts/hermetic.json)")
    return parser.parse_args(argv)


def preflight() -> None:
    problems = []
    if os.geteuid() != 0:
        problems.append("scripts/hermetic needs root (mmdebstrap in root mode, rootful podman)")
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        problems.append(f"missing {', '.join(missing)}: install them with `bash scripts/system-deps --hermetic` "
                        "(Debian/Ubuntu: apt-get install mmdebstrap podman runc bubblewrap)")
    if problems:
        raise CannotRun("; ".join(problems))


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    rebuild = args.suite if args.rebuild is None else args.rebuild
    log = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    recorder = Recorder(log)
    artifacts = args.output.parent
    report: dict[str, Any] = {"tool": "scripts/hermetic", "source_date_epoch": SOURCE_DATE_EPOCH,
                              "options": {"suites": args.suite, "frozen": args.frozen, "offline": args.offline,
                                          "rebuild": rebuild, "tests": not args.no_tests,
                                          "pytest_args": args.pytest_args},
                              "verdict": None, "exit_code": None, "message": "", "images": [], "phases": []}
    start = time.monotonic()
    code = 0
    try:
        from packverify import environment  # the run logs' environment section, recorded first

        report["environment"] = environment.section()
        preflight()
        artifacts.mkdir(parents=True, exist_ok=True)
        files = source_files(ROOT)
        for name in args.suite:
            options = Options(root=ROOT, cache=args.cache.resolve(), artifacts=artifacts.resolve(),
                              frozen=args.frozen, offline=args.offline, rebuild=name in rebuild,
                              tests=not args.no_tests, pytest_args=args.pytest_args)
            build = SuiteBuild(SUITES[name], options, recorder, files)
            report["images"].append(build.entry)
            try:
                build.run()
            except Failed as exc:
                code, report["message"] = 1, str(exc)
                log(f"hermetic: FAIL ({name}): {exc}")
        if code == 0 and any(p.result == "fail" for p in recorder.phases):
            code = 1
            report["message"] = "; ".join(f"{p.name} ({p.suite}): {p.message}" for p in recorder.phases
                                          if p.result == "fail")
    except CannotRun as exc:
        code, report["message"] = 2, str(exc)
        log(f"hermetic: cannot run: {exc}")
    except KeyboardInterrupt:
        code, report["message"] = 2, "interrupted"
    except (OSError, subprocess.SubprocessError) as exc:
        code, report["message"] = 2, f"{type(exc).__name__}: {exc}"
        log(f"hermetic: cannot run: {report['message']}")
    finally:
        report["phases"] = [p.to_dict() for p in recorder.phases]
        report["seconds"] = round(time.monotonic() - start, 1)
        report["exit_code"] = code
        report["verdict"] = {0: "pass", 1: "fail", 2: "error"}[code]
        try:
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            log(f"hermetic: {report['verdict']} in {report['seconds']:.0f} s; report: {args.output}")
        except OSError as exc:
            log(f"hermetic: could not write {args.output}: {exc}")
            code = code or 2
    return code


if __name__ == "__main__":
    sys.exit(main())
