"""Set up one repro run and exec the packer command in it (stdlib only).

``packverify repro`` starts this script as ``python -I -S _launch.py SPEC.json``,
usually under ``unshare --mount`` (and ``--net`` with ``--isolate``). It then, in
this order: mounts a private tmpfs on the work directory (so the copy's directory
listings follow creation order, see ``order`` in variations.py), bind-mounts the
output directory into it, creates the
extra directories (homes, "elsewhere" working directories), copies the repository
in the creation order the spec gives, applies the CPU affinity, working directory
and umask, and finally ``execve``s the command with exactly the spec's environment.

It runs as a separate script, not inside packverify, because it must live in the
new mount namespace and become the command (exec) without packverify's imports or
environment. ``-I -S`` keep the variations (``PYTHONHASHSEED``, ``HOME``, ...)
away from this script itself: only the command sees them.

Failures before the command starts are written to the spec's ``status`` file so
that packverify can tell "could not start" (exit 2) from the command's own exit
code. Deliberately left alone: anything the command does after exec.

``python _launch.py --probe DIR`` mounts a tmpfs on DIR, creates files in two
orders and prints both listings as JSON: how packverify checks that a private
tmpfs really gives listings that follow creation order on this machine.
"""

from __future__ import annotations

import ctypes
import json
import os
import sys

MS_NOSUID = 2
MS_NODEV = 4
MS_BIND = 4096


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None) -> None:
    # Python 3.11 has no os.mount; libc's mount(2) through ctypes is enough here.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mount.argtypes = (ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p)
    if libc.mount(os.fsencode(source), os.fsencode(target), fstype and fstype.encode(), flags,
                  data and data.encode()) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {fstype or 'bind'} {source} on {target}: {os.strerror(err)}")


def _mount_tmpfs(target: str) -> None:
    _mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755")


def _copy(source: str, dest: str, entries: list) -> None:
    """Create the copy: entries are ``[relpath, kind, mode, mtime_ns, target]`` in creation order."""
    os.makedirs(dest, mode=0o700)
    dirs = []
    for rel, kind, mode, mtime_ns, target in entries:
        path = os.path.join(dest, rel)
        if kind == "d":
            os.mkdir(path, 0o700)  # real mode set at the end: a read-only directory must still be filled
            dirs.append((path, mode, mtime_ns))
        elif kind == "l":
            os.symlink(target, path)
            os.utime(path, ns=(mtime_ns, mtime_ns), follow_symlinks=False)
        else:
            with open(os.path.join(source, rel), "rb") as src, open(path, "xb") as dst:
                while True:
                    block = src.read(1 << 20)
                    if not block:
                        break
                    dst.write(block)
            os.chmod(path, mode)
            os.utime(path, ns=(mtime_ns, mtime_ns))
    # Deepest first: creating entries changes a directory's mtime, and a read-only
    # parent would refuse the utime of its children.
    for path, mode, mtime_ns in reversed(dirs):
        os.chmod(path, mode)
        os.utime(path, ns=(mtime_ns, mtime_ns))
    stat = os.stat(source)
    os.chmod(dest, stat.st_mode & 0o7777)
    os.utime(dest, ns=(stat.st_mtime_ns, stat.st_mtime_ns))


def _fail(status: str, message: str, code: int) -> int:
    try:
        with open(status, "w", encoding="utf-8") as handle:
            json.dump({"error": message}, handle)
    except OSError:
        pass
    sys.stderr.write(f"packverify repro launcher: {message}\n")
    return code


def launch(spec_path: str) -> int:
    with open(spec_path, encoding="utf-8") as handle:
        spec = json.load(handle)
    status = spec["status"]
    try:
        if spec["tmpfs"]:
            _mount_tmpfs(spec["tmpfs"])
        for source, target in spec["binds"]:
            # The output directory lives outside the tmpfs (packverify reads it after the
            # namespace is gone) but is seen at a fixed path inside it.
            os.makedirs(target, exist_ok=True)
            _mount(source, target, None, MS_BIND, None)
        for path in spec["mkdirs"]:
            os.makedirs(path, exist_ok=True)
        _copy(spec["source"], spec["dest"], spec["entries"])
        if spec["cpus"] is not None:
            os.sched_setaffinity(0, spec["cpus"])
        os.chdir(spec["cwd"])
        devnull = os.open(os.devnull, os.O_RDONLY)  # a packer never gets an interactive stdin
        os.dup2(devnull, 0)
        os.close(devnull)
    except OSError as exc:
        return _fail(status, f"could not set up the run: {exc}", 125)
    if spec["umask"] is not None:
        os.umask(spec["umask"])
    argv = spec["argv"]
    try:
        os.execvpe(argv[0], argv, spec["env"])  # the packer's own argv, no shell, by design  # nosec B606
    except OSError as exc:
        return _fail(status, f"cannot start {argv[0]!r}: {exc.strerror or exc}", 127)
    return 127  # not reached: execvpe returns only by raising


def probe_tmpfs(directory: str) -> int:
    _mount_tmpfs(directory)
    listings = []
    for name, order in (("forward", "abc"), ("backward", "cba")):
        sub = os.path.join(directory, name)
        os.mkdir(sub)
        for letter in order:
            open(os.path.join(sub, letter), "w").close()
        listings.append(os.listdir(sub))
    print(json.dumps(listings))
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--probe":
        sys.exit(probe_tmpfs(sys.argv[2]))
    sys.exit(launch(sys.argv[1]))
