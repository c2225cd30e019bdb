"""podman, configured for this kind of machine, one private store per build.

Each build gets its own storage under its work directory, so a second build shares no
layer cache with the first (a cached layer would make "byte-identical" trivially true).
runc, not crun (crun refuses cgroups in hybrid mode here), and explicit ulimits (the
defaults are refused here) — both harmless elsewhere.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from hermetic.compare import tar_listing
from hermetic.phases import CannotRun

_CONTAINERS_CONF = """\
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
"""


class Podman:
    def __init__(self, home: Path) -> None:
        home.mkdir(parents=True, exist_ok=True)
        (home / "containers.conf").write_text(_CONTAINERS_CONF, encoding="utf-8")
        (home / "storage.conf").write_text(
            f'[storage]\ndriver = "overlay"\ngraphroot = "{home / "root"}"\nrunroot = "{home / "run"}"\n',
            encoding="utf-8")
        self.env = {**os.environ, "CONTAINERS_CONF": str(home / "containers.conf"),
                    "CONTAINERS_STORAGE_CONF": str(home / "storage.conf")}

    def __call__(self, *args: str, check: bool = True, capture: bool = True, log=None,
                 timeout: float | None = None) -> subprocess.CompletedProcess:
        command = ["podman", *args]
        try:
            done = subprocess.run(command, env=self.env, capture_output=capture, text=True, timeout=timeout,
                                  stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise CannotRun(f"podman {args[0]} did not run: {exc}") from exc
        if check and done.returncode != 0:
            tail = "\n".join(((done.stdout or "") + (done.stderr or "")).strip().splitlines()[-15:])
            raise CannotRun(f"podman {args[0]} exited with {done.returncode}:\n{tail}")
        return done

    def build(self, context: Path, containerfile: Path, tag: str, *, epoch: int,
              build_args: dict[str, str] | None = None, timeout: float = 3600) -> str:
        args = ["build", "--network=none", "--pull=never", "--timestamp", str(epoch), "-f", str(containerfile),
                "-t", tag]
        for key, value in (build_args or {}).items():
            args += ["--build-arg", f"{key}={value}"]
        self(*args, str(context), timeout=timeout)
        return self.image_id(tag)

    def image_id(self, tag: str) -> str:
        return "sha256:" + self("image", "inspect", "--format", "{{.Id}}", tag).stdout.strip()

    def run(self, image: str, *command: str, mounts: tuple[tuple[Path, str, str], ...] = (),
            env: dict[str, str] | None = None, entrypoint: str | None = None,
            timeout: float = 3600) -> subprocess.CompletedProcess:
        args = ["run", "--rm", "--network=none"]
        if entrypoint is not None:
            args += ["--entrypoint", entrypoint]
        for host, inside, mode in mounts:
            args += ["-v", f"{host}:{inside}:{mode}"]
        for key, value in (env or {}).items():
            args += ["-e", f"{key}={value}"]
        return self(*args, image, *command, check=False, timeout=timeout)

    def save(self, image: str, path: Path) -> None:
        path.unlink(missing_ok=True)
        self("save", "--format", "oci-archive", "-o", str(path), image, timeout=1800)

    def listing(self, image: str) -> dict:
        """The image's file system as a listing (create a container, export it, never start it)."""
        cid = self("create", image).stdout.strip()
        try:
            with subprocess.Popen(["podman", "export", cid], env=self.env, stdout=subprocess.PIPE,
                                  stdin=subprocess.DEVNULL) as proc:
                listing = tar_listing(proc.stdout)
            return listing
        finally:
            self("rm", cid, check=False)
