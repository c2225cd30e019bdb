"""One libFuzzer process: its command line, following its output, stopping it.

A target runs as ``python -m packverify.fuzz.libfuzzer TARGET CORPUS [SEEDS] -flags`` for
one slice: the writable corpus first (libFuzzer adds what it finds there and reloads what
other workers add), the committed seed corpus read-only after it, the target's
dictionary, and ``-artifact_prefix`` so a crash input lands where triage looks for it.
libFuzzer's status lines (``#4096 pulse cov: 888 ft: 2428 corp: 142/232Kb exec/s: 204``)
feed :class:`FuzzerStatus`; its final ``stat::`` lines the totals; the Python traceback atheris
prints before a crash is kept for triage.

Leaves alone: what to run next (``schedule``), what a crash means (``triage``).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from packverify.fuzz import Target

CRASH_PREFIXES = ("crash-", "timeout-", "oom-", "leak-")
# Startup (tokenizer vocabularies, instrumentation), the last input, and libFuzzer's own
# -timeout for it: how long past its time a process may run before it is killed.
GRACE_SECONDS = 120
STOP_SECONDS = 15  # after SIGTERM, before SIGKILL: libFuzzer prints its final stats and exits
_STATUS = re.compile(r"^#(\d+)\s+(\w+)\s+(.*)$")
_FIELD = re.compile(r"(cov|ft|exec/s): (\d+)|corp: (\d+)/")
_STAT = re.compile(r"^stat::(\w+):\s+(\d+)")
_DONE = re.compile(r"^Done (\d+) runs in (\d+) second")
_TRACE_START = re.compile(r"=== Uncaught Python exception: ===|^==\d+== ERROR: libFuzzer")


@dataclass
class FuzzerStatus:
    """What libFuzzer last said about itself."""

    executions: int = 0
    exec_per_sec: float = 0.0
    coverage: int | None = None
    features: int | None = None
    corpus_size: int | None = None
    inited: bool = False  # the initial corpus has been run: a crash after this is a new input's

    def update(self, line: str) -> bool:
        """Take one line of libFuzzer output; True when it was a status line."""
        status = _STATUS.match(line)
        if status:
            self.executions = int(status.group(1))
            self.inited = self.inited or status.group(2) in ("INITED", "NEW", "REDUCE", "DONE")
            for name, value, corpus in _FIELD.findall(status.group(3)):
                if corpus:
                    self.corpus_size = int(corpus)
                elif name == "cov":
                    self.coverage = int(value)
                elif name == "ft":
                    self.features = int(value)
                elif name == "exec/s":
                    self.exec_per_sec = float(value)
            return True
        stat = _STAT.match(line)
        if stat:
            if stat.group(1) == "number_of_executed_units":
                self.executions = int(stat.group(2))
            elif stat.group(1) == "average_exec_per_sec":
                self.exec_per_sec = float(stat.group(2))
            return False
        done = _DONE.match(line)
        if done:
            self.executions = int(done.group(1))
        return False


def find_checkout_file(*parts: str) -> Path | None:
    """A file of the source checkout (seed corpora, dictionaries): looked up under the
    current directory, then beside the installed package (an editable install)."""
    import packverify

    for base in (Path.cwd(), Path(packverify.__file__).resolve().parent.parent):
        candidate = base.joinpath(*parts)
        if candidate.exists():
            return candidate
    return None


def replay_command(target: str, crash: str | Path) -> str:
    return f"python -m packverify.fuzz.libfuzzer {target} {crash}"


def libfuzzer_command(target: Target, corpus: Path, *, seconds: float, artifacts: Path, seeds: Path | None,
                      dictionary: Path | None, python: str = sys.executable, extra: Sequence[str] = ()) -> list[str]:
    command = [python, "-m", "packverify.fuzz.libfuzzer", target.name, str(corpus)]
    if seeds is not None:
        command.append(str(seeds))
    command += [f"-max_total_time={max(1, int(seconds))}", f"-artifact_prefix={artifacts}{os.sep}",
                f"-timeout={target.timeout}", "-print_final_stats=1", "-rss_limit_mb=2048", *extra]
    if dictionary is not None:
        command.append(f"-dict={dictionary}")
    return command


def seeds_and_dictionary(name: str) -> tuple[Path | None, Path | None]:
    return (find_checkout_file("tests", "fuzzing", "corpus", name),
            find_checkout_file("tests", "fuzzing", f"{name}.dict"))


def crash_files(directory: Path) -> list[Path]:
    """Crash inputs libFuzzer wrote in ``directory`` (not our notes beside them)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.name.startswith(CRASH_PREFIXES) and "." not in p.name)


@dataclass
class ProcessEnd:
    """How one process ended."""

    status: FuzzerStatus
    exit_code: int | None
    elapsed: float
    trace: str = ""
    stopped: bool = False  # we stopped it (session over, SIGINT/SIGTERM)
    killed: bool = False  # it overran its time and was killed
    error: str | None = None  # it could not start
    tail: list[str] = field(default_factory=list)


class LibFuzzer:
    """One process, followed line by line; :meth:`stop` may be called from any thread."""

    def __init__(self, command: Sequence[str], log_path: Path, seconds: float, env: dict[str, str] | None = None,
                 on_status: Callable[[FuzzerStatus], None] | None = None) -> None:
        self.command = list(command)
        self.log_path = log_path
        self.seconds = seconds
        self.env = env
        self.on_status = on_status
        self.status = FuzzerStatus()
        self._process: subprocess.Popen | None = None
        self._stopped = threading.Event()
        self._lock = threading.Lock()

    def stop(self) -> None:
        """Ask the process to finish (SIGTERM: libFuzzer prints its final stats), then kill it."""
        self._stopped.set()
        with self._lock:
            process = self._process
        if process is not None and process.poll() is None:
            _signal(process, signal.SIGTERM)
            threading.Timer(STOP_SECONDS, _signal, (process, signal.SIGKILL)).start()

    def run(self) -> ProcessEnd:
        started = time.monotonic()
        trace: list[str] = []
        tail: list[str] = []
        with open(self.log_path, "a", encoding="utf-8", errors="replace") as log:
            log.write("$ " + " ".join(self.command) + "\n")
            try:
                # A session of its own: a terminal's Ctrl-C reaches the supervisor only,
                # which stops every worker's process the same way (stop()).
                process = subprocess.Popen(self.command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                           stdin=subprocess.DEVNULL, env=self.env, text=True, errors="replace",
                                           start_new_session=True)
            except OSError as exc:
                return ProcessEnd(self.status, None, 0.0, error=f"cannot start the fuzzer: {exc.strerror or exc}")
            with self._lock:
                self._process = process
            if self._stopped.is_set():
                _signal(process, signal.SIGTERM)
            # libFuzzer's -max_total_time starts after the interpreter and instrumentation: stop
            # it at its time (final stats are printed), kill it if it has not gone long after.
            stopper = threading.Timer(self.seconds + 1, self.stop)
            killer = threading.Timer(self.seconds + GRACE_SECONDS, _signal, (process, signal.SIGKILL))
            stopper.start()
            killer.start()
            try:
                assert process.stdout is not None
                for line in process.stdout:
                    log.write(line)
                    if (_TRACE_START.search(line) or trace) and not (trace and trace[-1].startswith("Base64:")):
                        trace.append(line)
                    tail = (tail + [line])[-5:]
                    if self.status.update(line.rstrip("\n")) and self.on_status is not None:
                        self.on_status(self.status)
                code = process.wait()
            finally:
                stopper.cancel()
                killer.cancel()
                if process.poll() is None:
                    _signal(process, signal.SIGKILL)
                    process.wait()
        elapsed = time.monotonic() - started
        return ProcessEnd(self.status, code, elapsed, "".join(trace), stopped=self._stopped.is_set() and not trace,
                       killed=elapsed >= self.seconds + GRACE_SECONDS, tail=tail)


def _signal(process: subprocess.Popen, number: int) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, number)  # the fuzzer and any child it started (merge, fork)
        except (ProcessLookupError, PermissionError):
            pass


def atheris_missing(python: str = sys.executable) -> str | None:
    """Why atheris cannot run under ``python``, or None."""
    probe = subprocess.run([python, "-c", "import atheris"], capture_output=True, text=True)
    if probe.returncode != 0:
        return "atheris is not installed for " + python + " (pip install atheris==3.0.0; CPython 3.11 on Linux/macOS)"
    return None
