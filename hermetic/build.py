"""One suite, built once or twice: wheels, root filesystem, Debian lock, images, the
checks inside, the comparison of the two builds. Each step is a phase (hermetic.phases).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hermetic import debian, wheels
from hermetic.compare import file_difference, listing_difference, tar_file_listing
from hermetic.phases import CannotRun, Failed, Recorder
from hermetic.podman import Podman
from hermetic.suites import INCLUDE, REFERENCE_BUDGET, SOURCE_DATE_EPOCH, Suite

# What the image build needs from the checkout (the Containerfile's COPY lines).
_IMAGE_CONTEXT = ("Containerfile", "requirements.lock", "requirements-py313.lock", "pyproject.toml", "README.md",
                  "packverify")


@dataclass
class Options:
    root: Path  # the repository
    cache: Path  # .hermetic-cache
    artifacts: Path
    frozen: bool
    offline: bool
    rebuild: bool
    tests: bool
    pytest_args: str = ""  # appended to the pytest command inside (e.g. -m "not slow")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _run(command: list[str], *, what: str, timeout: float, log_to: Path | None = None,
         env: dict[str, str] | None = None) -> None:
    env = {**os.environ, **(env or {})}
    try:
        if log_to is not None:
            with log_to.open("w") as log:
                done = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, timeout=timeout,
                                      stdin=subprocess.DEVNULL, env=env)
        else:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                                  env=env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CannotRun(f"{what} did not run: {exc}") from exc
    if done.returncode != 0:
        text = log_to.read_text(errors="replace") if log_to is not None else (done.stdout or "") + (done.stderr or "")
        tail = "\n".join(text.strip().splitlines()[-12:])
        raise CannotRun(f"{what} exited with {done.returncode}" + (f" (log: {log_to})" if log_to else "")
                        + f":\n{tail}")


def source_files(root: Path) -> list[str]:
    """The checkout's files as git sees them: tracked and new, never ignored ones."""
    done = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                          capture_output=True, check=False)
    if done.returncode != 0:
        raise CannotRun(f"git ls-files failed in {root}: {done.stderr.decode(errors='replace').strip()}")
    return sorted(p for p in done.stdout.decode().split("\0") if p and (root / p).is_file())


def snapshot(root: Path, files: list[str], into: Path, only: tuple[str, ...] | None = None) -> None:
    if into.exists():
        shutil.rmtree(into)
    for rel in files:
        if only is not None and not any(rel == o or rel.startswith(o + "/") for o in only):
            continue
        target = into / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / rel, target)


class SuiteBuild:
    def __init__(self, suite: Suite, options: Options, recorder: Recorder, files: list[str]) -> None:
        self.suite, self.o, self.rec, self.files = suite, options, recorder, files
        self.work = options.cache / "work" / suite.name
        self.entry: dict[str, Any] = {"suite": suite.name, "python": suite.python, "lock": suite.lock,
                                      "manifest": suite.debian_lock, "manifest_sha256": None, "rootfs_sha256": None,
                                      "image_id": None, "rebuild_identical": None, "tests": None, "oci_archive": None}

    # ------------------------------------------------------------------ inputs

    def wheelhouse(self) -> Path:
        cache = self.o.cache / "wheels" / f"py{self.suite.python}"
        cache.mkdir(parents=True, exist_ok=True)
        lock = self.o.root / self.suite.lock
        with self.rec.phase("wheels", self.suite.name) as phase:
            here = wheels.for_machine(lock.read_text(encoding="utf-8"), platform.machine())
            if not self.o.offline:
                plain = self.work / "download.lock"
                plain.write_text(wheels.without_markers(here), encoding="utf-8")
                _run(wheels.download_command(sys.executable, plain, cache, python_version=self.suite.python,
                                             machine=platform.machine()),
                     what=f"pip download of {self.suite.lock}", timeout=1800)
            chosen, problems = wheels.verify(wheels.parse_lock(here), cache, lock_name=self.suite.lock)
            phase.detail = {"lock": self.suite.lock, "lock_sha256": sha256_file(lock), "wheels": len(chosen)}
            if problems:
                phase.detail["problems"] = problems
                raise Failed(f"{len(problems)} wheel(s) do not match {self.suite.lock}: " + "; ".join(problems[:5]))
        context = self.work / "image-context"
        snapshot(self.o.root, self.files, context, _IMAGE_CONTEXT)
        wheels.stage(chosen, context / "wheelhouse")
        self.entry["wheels"] = phase.detail
        return context

    def rootfs(self, build: int, *, offline: bool) -> tuple[Path, dict[str, Any]]:
        out = self.work / f"build-{build}"
        out.mkdir(parents=True, exist_ok=True)
        cache = debian.Cache(self.o.cache / "debian" / self.suite.name)
        cache.archives.mkdir(parents=True, exist_ok=True)
        cache.lists.mkdir(parents=True, exist_ok=True)
        tarball, installed = out / "rootfs.tar", out / "installed.tsv"
        with self.rec.phase("rootfs", self.suite.name, build) as phase:
            if offline and not any(cache.lists.glob("*InRelease")):
                raise CannotRun(f"no kept apt lists in {cache.lists}: build once with network first")
            sources = None
            text = debian.sources_for(self.suite.name)
            if text is not None:
                sources = out / "debian.sources"
                sources.write_text(text, encoding="utf-8")
            command = debian.mmdebstrap_command(self.suite.name, tarball, cache=cache, installed=installed,
                                                epoch=SOURCE_DATE_EPOCH, include=INCLUDE, sources=sources,
                                                offline=offline)
            if offline:
                command = ["unshare", "--net", *command]  # proves it: no network at all
            # SOURCE_DATE_EPOCH in mmdebstrap's environment too: it clamps the tarball's mtimes to
            # it, which covers what its cleanup changes after the touch hook (/dev, /tmp, apt's
            # temporary config) — without it those carry the wall clock.
            _run(command, what="mmdebstrap", timeout=3600, log_to=out / "mmdebstrap.log",
                 env={"SOURCE_DATE_EPOCH": str(SOURCE_DATE_EPOCH)})
            manifest = debian.package_manifest(installed, cache.archives, suite=self.suite.name,
                                               epoch=SOURCE_DATE_EPOCH, include=INCLUDE)
            phase.detail = {"offline": offline, "sha256": sha256_file(tarball), "packages": len(manifest["packages"]),
                            "bytes": tarball.stat().st_size}
        return tarball, manifest

    def debian_lock(self, manifest: dict[str, Any]) -> None:
        path = self.o.root / self.suite.debian_lock
        with self.rec.phase("debian-lock", self.suite.name) as phase:
            locked = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
            found = debian.drift(locked, manifest)
            phase.detail = {"drift": [d.to_dict() for d in found], "frozen": self.o.frozen}
            self.entry["debian_drift"] = phase.detail["drift"]
            if found and self.o.frozen:
                raise Failed(f"{len(found)} Debian package(s) differ from {self.suite.debian_lock}: "
                             + "; ".join(str(d) for d in found[:10]))
            if found:
                path.write_bytes(debian.dumps(manifest))
                phase.message = (f"no lock yet: recorded {len(manifest['packages'])} packages in "
                                 f"{self.suite.debian_lock}" if locked is None else
                                 f"{len(found)} package(s) drifted; {self.suite.debian_lock} updated: "
                                 + "; ".join(str(d) for d in found[:5]))
            self.entry["manifest_sha256"] = sha256_file(path)

    # ------------------------------------------------------------------ images

    def image(self, build: int, tarball: Path, context: Path) -> tuple[Podman, str]:
        podman = Podman(self.work / f"build-{build}" / "podman")
        base_context = self.work / f"build-{build}" / "base-context"
        if base_context.exists():
            shutil.rmtree(base_context)
        base_context.mkdir()
        (base_context / "rootfs.tar").hardlink_to(tarball)
        (base_context / "Containerfile").write_text("FROM scratch\nADD rootfs.tar /\nCMD [\"/bin/bash\"]\n")
        base = f"localhost/packverify-hermetic-base:{self.suite.name}"
        tag = f"localhost/packverify:{self.suite.name}-hermetic"
        with self.rec.phase("image", self.suite.name, build) as phase:
            base_id = podman.build(base_context, base_context / "Containerfile", base, epoch=SOURCE_DATE_EPOCH)
            image_id = podman.build(context, context / "Containerfile", tag, epoch=SOURCE_DATE_EPOCH,
                                    build_args={"BASE": base, "LOCK": self.suite.lock, "OFFLINE": "1",
                                                "SOURCE_DATE_EPOCH": str(SOURCE_DATE_EPOCH)})
            phase.detail = {"base_image_id": base_id, "image_id": image_id}
        return podman, tag

    def inside(self, podman: Podman, tag: str, build: int, *, checks: bool) -> bytes:
        """doctor, the suite and repro (build 1), and the reference pack (every build)."""
        out = self.work / f"build-{build}" / "out"
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        out.chmod(0o777)  # the image runs as uid 10001
        src = self.work / "src"
        if not src.exists():
            snapshot(self.o.root, self.files, src)
        mounts = ((src, "/src", "ro"), (out, "/out", "rw"), (self.work / "image-context" / "wheelhouse", "/wheelhouse", "ro"))
        copy = "cp -r /src /tmp/src && cd /tmp/src && "

        def sh(script: str, timeout: float = 3600) -> subprocess.CompletedProcess:
            return podman.run(tag, "-c", copy + script, mounts=mounts, timeout=timeout, entrypoint="/bin/sh",
                              env={"PIP_FIND_LINKS": "/wheelhouse", "HYPOTHESIS_PROFILE": "ci"})

        if checks:
            self._doctor(sh, out)
            if self.o.tests:
                self._tests(sh, out)
            self._repro(sh, out)
        with self.rec.phase("reference-pack", self.suite.name, build) as phase:
            done = sh(f"packverify pack /tmp/src --budget {REFERENCE_BUDGET} -o /out/reference.pack.json "
                      "--no-run-log")
            pack = out / "reference.pack.json"
            if done.returncode != 0 or not pack.is_file():
                raise Failed(f"packverify pack exited with {done.returncode}: {done.stderr.strip()[-500:]}")
            phase.detail = {"sha256": sha256_file(pack), "bytes": pack.stat().st_size}
        return pack.read_bytes()

    def _doctor(self, sh, out: Path) -> None:
        with self.rec.phase("doctor", self.suite.name, 1) as phase:
            # --dev: the image holds the whole lock (the suite runs inside), so every pin is checked
            done = sh("cd /tmp && packverify doctor --dev --format json --run-log /out/doctor.run.json > /out/doctor.json")
            log = json.loads((out / "doctor.run.json").read_text()) if (out / "doctor.run.json").is_file() else {}
            self.entry["environment"] = log.get("environment")
            phase.detail = {"exit_code": done.returncode, "failures": log.get("failures")}
            self.entry["doctor"] = {"verdict": log.get("verdict"), "exit_code": done.returncode}
            if done.returncode != 0:
                raise Failed(f"packverify doctor failed inside the image: {log.get('failures') or done.stderr[-500:]}")

    def _tests(self, sh, out: Path) -> None:
        command = ("python -m pytest -p no:cacheprovider -n 2 -q -rfE --junitxml=/out/junit.xml "
                   + self.o.pytest_args).strip()
        with self.rec.phase("tests", self.suite.name, 1) as phase:
            done = sh(f"{command} > /out/pytest.log 2>&1", timeout=5400)
            counts = junit_counts(out / "junit.xml")
            counts["command"] = command
            counts["exit_code"] = done.returncode
            self.entry["tests"] = counts
            phase.detail = counts
            tail = (out / "pytest.log").read_text(errors="replace").strip().splitlines()[-1:] if (
                out / "pytest.log").is_file() else []
            shutil.copy2(out / "pytest.log", self.o.artifacts / f"hermetic-{self.suite.name}-pytest.log") if (
                out / "pytest.log").is_file() else None
            if done.returncode != 0 or counts["passed"] == 0:
                phase.result = "fail"
                phase.message = f"pytest exited with {done.returncode}: {' '.join(tail)}"

    def _repro(self, sh, out: Path) -> None:
        with self.rec.phase("repro", self.suite.name, 1) as phase:
            done = sh("packverify repro --repo /tmp/src --format json --artifacts /out/repro -- "
                      f"packverify pack {{repo}} --budget {REFERENCE_BUDGET} -o {{out}} > /out/repro.json")
            try:
                report = json.loads((out / "repro.json").read_text())
            except (OSError, ValueError):
                report = {}
            phase.detail = {"exit_code": done.returncode, "verdict": report.get("verdict"),
                            "causes": report.get("causes"), "varied": report.get("varied")}
            self.entry["repro"] = phase.detail
            if done.returncode != 0:
                phase.result = "fail"
                phase.message = f"packverify repro exited with {done.returncode}: {done.stderr.strip()[-300:]}"

    # ------------------------------------------------------------------ the whole suite

    def run(self) -> dict[str, Any]:
        self.work.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(self.work / "src", ignore_errors=True)
        context = self.wheelhouse()
        tar1, manifest1 = self.rootfs(1, offline=self.o.offline)
        self.entry["rootfs_sha256"] = sha256_file(tar1)
        self.debian_lock(manifest1)
        podman1, tag = self.image(1, tar1, context)
        self.entry["image_id"] = podman1.image_id(tag)
        pack1 = self.inside(podman1, tag, 1, checks=True)
        self.entry["reference_pack_sha256"] = hashlib.sha256(pack1).hexdigest()
        with self.rec.phase("oci-archive", self.suite.name, 1) as phase:
            archive = self.o.artifacts / f"packverify-{self.suite.name}.oci.tar"
            podman1.save(tag, archive)
            self.entry["oci_archive"] = archive.relative_to(self.o.root).as_posix() if archive.is_relative_to(
                self.o.root) else str(archive)
            phase.detail = {"path": self.entry["oci_archive"], "bytes": archive.stat().st_size}
        if self.o.rebuild:
            self.second_build(context, tar1, manifest1, podman1, tag, pack1)
        shutil.rmtree(self.work / "build-1" / "podman", ignore_errors=True)
        return self.entry

    def second_build(self, context: Path, tar1: Path, manifest1: dict, podman1: Podman, tag: str,
                     pack1: bytes) -> None:
        tar2, manifest2 = self.rootfs(2, offline=True)
        podman2, _ = self.image(2, tar2, context)
        pack2 = self.inside(podman2, tag, 2, checks=False)
        with self.rec.phase("compare", self.suite.name, 2) as phase:
            found: dict[str, Any] = {}
            rootfs2 = sha256_file(tar2)
            if rootfs2 != self.entry["rootfs_sha256"]:
                found["rootfs"] = listing_difference(tar_file_listing(tar1), tar_file_listing(tar2))
            image2 = podman2.image_id(tag)
            if image2 != self.entry["image_id"]:
                found["image"] = listing_difference(podman1.listing(tag), podman2.listing(tag)) or {
                    "note": "same files; the image configuration differs"}
            if pack1 != pack2:
                found["reference_pack"] = file_difference("reference.pack.json", pack1, pack2)
            if manifest1 != manifest2:
                found["packages"] = [d.to_dict() for d in debian.drift(manifest1, manifest2)]
            phase.detail = {"rootfs_sha256": [self.entry["rootfs_sha256"], rootfs2],
                            "image_id": [self.entry["image_id"], image2],
                            "reference_pack_sha256": [hashlib.sha256(pack1).hexdigest(),
                                                      hashlib.sha256(pack2).hexdigest()],
                            "differences": found}
            self.entry["rebuild_identical"] = not found
            self.entry["rebuild"] = phase.detail
            shutil.rmtree(self.work / "build-2" / "podman", ignore_errors=True)
            if found:
                first = next(iter(found))
                where = (found[first] or {}).get("first_path") if isinstance(found[first], dict) else None
                raise Failed(f"the second build differs: {', '.join(found)}"
                             + (f" (first differing path in {first}: {where})" if where else ""))


def junit_counts(path: Path) -> dict[str, Any]:
    counts = {"passed": 0, "failed": 0, "errors": 0, "skipped": 0, "total": 0}
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return counts
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    for suite in suites:
        for key, attr in (("total", "tests"), ("failed", "failures"), ("errors", "errors"), ("skipped", "skipped")):
            counts[key] += int(suite.get(attr, 0))
    counts["passed"] = counts["total"] - counts["failed"] - counts["errors"] - counts["skipped"]
    return counts
