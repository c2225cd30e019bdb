"""scripts/hermetic's parts, without building anything: the lock readers, wheel and
Debian drift under --frozen (each naming the package), the mmdebstrap command, the
byte comparison of tarballs (first differing path), the report, exit code 2.

The builds themselves run in scripts/hermetic (CI when the machine can; measured in
docs/environment.md): they need root, mmdebstrap, podman and minutes per suite.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # hermetic/ is a build tool of the repository, not installed

from hermetic import debian, wheels  # noqa: E402
from hermetic.build import Options, SuiteBuild, junit_counts  # noqa: E402
from hermetic.compare import listing_difference, tar_listing  # noqa: E402
from hermetic.phases import Failed, Recorder  # noqa: E402
from hermetic.suites import INCLUDE, SUITES, Suite  # noqa: E402

# --------------------------------------------------------------------------- wheels

def test_parse_lock_reads_every_pin_and_its_hashes_from_both_locks():
    for lock in ("requirements.lock", "requirements-py313.lock"):
        text = (ROOT / lock).read_text(encoding="utf-8")
        pins = wheels.parse_lock(text)
        names = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", text, re.M)
        assert len(pins) == len(names) > 40
        assert all(pin.hashes and all(len(h) == 64 for h in pin.hashes) for pin in pins.values())
    assert wheels.parse_lock((ROOT / "requirements.lock").read_text())["orjson"].version == "3.13.0"


def _wheelhouse(tmp_path: Path) -> tuple[dict, Path]:
    house = tmp_path / "wheels"
    house.mkdir()
    files = {"demo_pkg-1.0-py3-none-any.whl": b"demo wheel", "other-2.1-cp311-cp311-linux_x86_64.whl": b"other"}
    lock = "".join(f"{name.split('-')[0].replace('_', '-')}=={name.split('-')[1]} \\\n"
                   f"    --hash=sha256:{hashlib.sha256(data).hexdigest()}\n" for name, data in files.items())
    for name, data in files.items():
        (house / name).write_bytes(data)
    return wheels.parse_lock(lock), house


def test_a_wheelhouse_of_exactly_the_locked_wheels_verifies(tmp_path):
    pins, house = _wheelhouse(tmp_path)
    (house / "demo_pkg-0.9-py3-none-any.whl").write_bytes(b"an older version another lock uses")
    chosen, problems = wheels.verify(pins, house, lock_name="x.lock")
    assert problems == [] and sorted(chosen) == ["demo-pkg", "other"]
    wheels.stage(chosen, tmp_path / "ctx")
    assert sorted(p.name for p in (tmp_path / "ctx").iterdir()) == sorted(c.name for c in chosen.values())


def test_a_changed_wheel_is_named_with_its_package(tmp_path):
    pins, house = _wheelhouse(tmp_path)
    (house / "other-2.1-cp311-cp311-linux_x86_64.whl").write_bytes(b"other, tampered")
    chosen, problems = wheels.verify(pins, house, lock_name="x.lock")
    assert list(chosen) == ["demo-pkg"]
    assert len(problems) == 1 and problems[0].startswith("other==2.1: wheel other-2.1-cp311")
    assert hashlib.sha256(b"other, tampered").hexdigest() in problems[0] and "x.lock does not list" in problems[0]


def test_a_missing_wheel_is_named(tmp_path):
    pins, house = _wheelhouse(tmp_path)
    (house / "demo_pkg-1.0-py3-none-any.whl").unlink()
    assert wheels.verify(pins, house, lock_name="x.lock")[1] == ["demo-pkg==1.0: no wheel in the wheelhouse"]


def test_download_targets_the_suite_python_and_only_binaries():
    cmd = wheels.download_command("py", Path("requirements-py313.lock"), Path("out"), python_version="3.13",
                                  machine="x86_64")
    assert cmd[:4] == ["py", "-m", "pip", "download"]
    for flag in ("--require-hashes", "--no-deps", "--only-binary=:all:"):
        assert flag in cmd
    assert cmd[cmd.index("--python-version") + 1] == "3.13" and "cp313" in cmd
    assert "manylinux_2_17_x86_64" in cmd and "manylinux_2_36_x86_64" in cmd


def _options(root: Path, **kw) -> Options:
    return Options(root=root, cache=root / "cache", artifacts=root / "artifacts", frozen=kw.get("frozen", False),
                   offline=kw.get("offline", True), rebuild=False, tests=False)


def test_offline_build_fails_naming_a_changed_wheel_before_any_image_work(tmp_path):
    pins, house = _wheelhouse(tmp_path)
    lock = "".join(f"{p.name}=={p.version} \\\n    --hash=sha256:{next(iter(p.hashes))}\n" for p in pins.values())
    (tmp_path / "x.lock").write_text(lock)
    cache = tmp_path / "cache" / "wheels" / "py3.99"
    cache.parent.mkdir(parents=True)
    house.rename(cache)
    (cache / "demo_pkg-1.0-py3-none-any.whl").write_bytes(b"changed")
    recorder = Recorder(lambda line: None)
    build = SuiteBuild(Suite("sid", "3.99", "x.lock"), _options(tmp_path), recorder, ["x.lock"])
    with pytest.raises(Failed, match=r"demo-pkg==1\.0: wheel demo_pkg-1\.0-py3-none-any\.whl has sha256"):
        build.wheelhouse()
    assert [(p.name, p.result) for p in recorder.phases] == [("wheels", "fail")]


# --------------------------------------------------------------------------- Debian

def _manifest(**packages) -> dict:
    return {"suite": "sid", "source_date_epoch": 1, "include": ["python3"],
            "packages": {n: {"version": v, "architecture": "amd64", "sha256": s * 64, "size": 1}
                         for n, (v, s) in packages.items()}}


def test_drift_is_reported_package_by_package():
    locked = _manifest(bash=("5.2-1", "a"), git=("1:2.39-1", "b"), zlib=("1.2", "c"), old=("1", "d"))
    built = _manifest(bash=("5.2-1", "a"), git=("1:2.39-2", "e"), zlib=("1.2", "f"), new=("3", "g"))
    found = {d.package: d for d in debian.drift(locked, built)}
    assert {n: d.kind for n, d in found.items()} == {"git": "version", "zlib": "rebuilt", "old": "removed",
                                                     "new": "added"}
    assert str(found["git"]) == f"git changed version: locked 1:2.39-1 (sha256 {'b' * 12}), built 1:2.39-2 (sha256 {'e' * 12})"
    assert debian.drift(locked, locked) == []
    assert [d.kind for d in debian.drift(None, built)] == ["added"] * 4
    wider = {**built, "include": ["python3", "git"]}
    assert [str(d) for d in debian.drift(built, wider)] == ['(include) changed: locked ["python3"], built ["python3", "git"]']


def test_frozen_fails_naming_the_drifted_package_and_leaves_the_lock_alone(tmp_path):
    suite = Suite("sid", "3.99", "x.lock")
    (tmp_path / "hermetic").mkdir()
    lock = tmp_path / suite.debian_lock
    lock.write_bytes(debian.dumps(_manifest(bash=("5.2-1", "a"), git=("1:2.39-1", "b"))))
    before = lock.read_bytes()
    built = _manifest(bash=("5.2-1", "a"), git=("1:2.39-2", "c"))
    recorder = Recorder(lambda line: None)
    with pytest.raises(Failed, match=r"git changed version: locked 1:2\.39-1"):
        SuiteBuild(suite, _options(tmp_path, frozen=True), recorder, []).debian_lock(built)
    assert lock.read_bytes() == before and recorder.phases[0].result == "fail"
    # without --frozen the drift is reported and the lock follows the mirror
    build = SuiteBuild(suite, _options(tmp_path), recorder, [])
    build.debian_lock(built)
    assert json.loads(lock.read_bytes()) == built and "1 package(s) drifted" in recorder.phases[1].message
    assert build.entry["manifest_sha256"] == hashlib.sha256(lock.read_bytes()).hexdigest()


def test_package_manifest_hashes_the_kept_debs(tmp_path):
    archives = tmp_path / "archives"
    archives.mkdir()
    (archives / "git_1%3a2.39.5-0+deb12u2_amd64.deb").write_bytes(b"git deb")
    (archives / "bash_5.2.15-2+b7_amd64.deb").write_bytes(b"bash deb")
    installed = tmp_path / "installed.tsv"
    installed.write_text("bash\t5.2.15-2+b7\tamd64\ngit\t1:2.39.5-0+deb12u2\tamd64\n")
    manifest = debian.package_manifest(installed, archives, suite="bookworm", epoch=5, include=("git",))
    assert manifest["packages"]["git"] == {"version": "1:2.39.5-0+deb12u2", "architecture": "amd64",
                                           "sha256": hashlib.sha256(b"git deb").hexdigest(), "size": 7}
    installed.write_text("bash\t5.2.15-2+b7\tamd64\nzsh\t5.9\tamd64\n")
    with pytest.raises(Exception, match="zsh_5.9_amd64.deb"):
        debian.package_manifest(installed, archives, suite="bookworm", epoch=5, include=("git",))


def test_sources_follow_the_suite_and_keep_the_host_mirror(tmp_path):
    host = tmp_path / "debian.sources"
    host.write_text("Types: deb\nURIs: http://mirror.invalid/debian\nSuites: bookworm bookworm-updates\n"
                    "Components: main\n\nTypes: deb\nURIs: http://mirror.invalid/debian-security\n"
                    "Suites: bookworm-security\nComponents: main\n")
    release = tmp_path / "os-release"
    release.write_text('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nVERSION_CODENAME=bookworm\n')
    text = debian.sources_for("trixie", host, release)
    assert "Suites: trixie trixie-updates\n" in text and "Suites: trixie-security\n" in text
    assert text.count("http://mirror.invalid/debian") == 2 and "bookworm" not in text
    assert debian.sources_for("trixie", tmp_path / "absent", release) is None


def test_mmdebstrap_command_fixes_dates_and_goes_offline_from_the_cache(tmp_path):
    cache = debian.Cache(tmp_path / "c")
    online = debian.mmdebstrap_command("bookworm", tmp_path / "r.tar", cache=cache, installed=tmp_path / "i",
                                       epoch=1735689600, include=("python3", "git"), sources=None, offline=False)
    offline = debian.mmdebstrap_command("bookworm", tmp_path / "r.tar", cache=cache, installed=tmp_path / "i",
                                        epoch=1735689600, include=("python3", "git"), sources=None, offline=True)
    assert online[-2:] == ["bookworm", str(tmp_path / "r.tar")]
    assert "--skip=update" not in online and "--skip=update" in offline
    assert any(f"sync-in {cache.lists}" in a for a in offline) and not any(f"sync-in {cache.lists}" in a
                                                                             for a in online)
    for command in (online, offline):
        assert "--include=python3,git" in command and "--skip=download/empty" in command
        assert any("touch --no-dereference --date=@1735689600" in a for a in command)
        assert any(f"sync-out /var/cache/apt/archives {cache.archives}" in a for a in command)


def test_committed_debian_locks_describe_their_suites():
    for suite in SUITES.values():
        path = ROOT / suite.debian_lock
        if not path.exists():
            pytest.fail(f"{suite.debian_lock} is missing: run scripts/hermetic --suite {suite.name}")
        lock = json.loads(path.read_text(encoding="utf-8"))
        assert lock["suite"] == suite.name and lock["include"] == list(INCLUDE)
        packages = lock["packages"]
        assert f"python{suite.python}" in packages and "git" in packages and len(packages) > 50
        for name, entry in packages.items():
            assert re.fullmatch(r"[0-9a-f]{64}", entry["sha256"]), name
            assert set(entry) == {"version", "architecture", "sha256", "size"}
        assert path.read_bytes() == debian.dumps(lock)  # canonical: the next build rewrites nothing


# --------------------------------------------------------------------------- comparison

def _tar(files: dict[str, tuple[bytes, int]]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, (data, mtime) in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), mtime
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_tarballs_are_compared_by_path_with_the_first_difference_named():
    a = _tar({"./etc/os-release": (b"debian", 5), "./usr/bin/python3": (b"elf", 5), "./var/log/x": (b"", 5)})
    b = _tar({"./etc/os-release": (b"debian", 5), "./usr/bin/python3": (b"elf", 6), "./var/log/x": (b"!", 5)})
    la, lb = tar_listing(io.BytesIO(a)), tar_listing(io.BytesIO(b))
    assert la["/etc/os-release"]["sha256"] == hashlib.sha256(b"debian").hexdigest()
    found = listing_difference(la, lb)
    assert found["first_path"] == "/usr/bin/python3"
    assert found["changes"][0] == {"pointer": "/~1usr~1bin~1python3/mtime", "kind": "changed", "a": 5, "b": 6}
    assert {c["pointer"] for c in found["changes"]} >= {"/~1var~1log~1x/sha256", "/~1var~1log~1x/size"}
    assert listing_difference(la, tar_listing(io.BytesIO(a))) is None


def test_junit_counts(tmp_path):
    (tmp_path / "j.xml").write_text('<testsuites><testsuite tests="10" failures="1" errors="1" skipped="3"/>'
                                    '</testsuites>')
    assert junit_counts(tmp_path / "j.xml") == {"passed": 5, "failed": 1, "errors": 1, "skipped": 3, "total": 10}
    assert junit_counts(tmp_path / "absent.xml")["passed"] == 0


# --------------------------------------------------------------------------- the command

def _hermetic(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hermetic", *args], cwd=ROOT, capture_output=True, text=True,
                          env=env, timeout=120)


def test_unknown_suite_is_a_usage_error():
    done = _hermetic("--suite", "sid")
    assert done.returncode == 2 and "unknown suite" in done.stderr and "bookworm, trixie" in done.stderr


def test_missing_tools_exit_2_with_a_report_that_says_so(tmp_path):
    env = {**os.environ, "PATH": str(tmp_path)}  # none of mmdebstrap, podman, runc, unshare, git
    out = tmp_path / "h.json"
    done = _hermetic("--suite", "bookworm", "--output", str(out), env=env)
    assert done.returncode == 2, done.stderr
    assert "scripts/system-deps --hermetic" in done.stderr and "Traceback" not in done.stderr
    report = json.loads(out.read_text())
    assert report["verdict"] == "error" and report["exit_code"] == 2 and "mmdebstrap" in report["message"]
    assert report["phases"] == [] and list(report["environment"]) == ["observed", "expected"]


def test_markers_are_dropped_for_the_download_because_pip_judges_them_by_its_own_python():
    text = ('orjson==3.13.0 ; python_version >= "3.13" \\\n    --hash=sha256:' + "a" * 64 + "\n"
            "    # via packverify (pyproject.toml)\nclick==8.5.1 \\\n    --hash=sha256:" + "b" * 64 + "\n")
    plain = wheels.without_markers(text)
    assert plain.splitlines()[0] == "orjson==3.13.0 \\" and "python_version" not in plain
    assert wheels.parse_lock(plain) == wheels.parse_lock(text)
    assert wheels.parse_lock(plain)["orjson"].hashes == {"a" * 64}


def test_a_package_for_other_machines_only_is_left_out_of_the_wheelhouse():
    # hyperscan's marker in both locks: no Linux aarch64 wheel exists
    text = ("click==8.5.1 \\\n    --hash=sha256:" + "b" * 64 + "\n    # via packverify (pyproject.toml)\n"
            'hyperscan==0.9.1 ; platform_machine == "x86_64" or platform_machine == "AMD64" \\\n'
            "    --hash=sha256:" + "c" * 64 + " \\\n    --hash=sha256:" + "d" * 64 + "\n    # via packverify\n"
            'orjson==3.13.0 ; python_version >= "3.13" \\\n    --hash=sha256:' + "a" * 64 + "\n")
    assert sorted(wheels.parse_lock(wheels.for_machine(text, "x86_64"))) == ["click", "hyperscan", "orjson"]
    kept = wheels.for_machine(text, "aarch64")
    assert sorted(wheels.parse_lock(kept)) == ["click", "orjson"]  # a marker of another kind stays for pip
    assert "c" * 64 not in kept and "d" * 64 not in kept and 'python_version >= "3.13"' in kept
    assert wheels.parse_lock(kept)["orjson"].hashes == {"a" * 64}


def test_both_locks_as_they_install_on_aarch64():
    for lock in ("requirements.lock", "requirements-py313.lock"):
        text = (ROOT / lock).read_text(encoding="utf-8")
        assert set(wheels.parse_lock(text)) - set(wheels.parse_lock(wheels.for_machine(text, "aarch64"))) == {"hyperscan"}
        assert wheels.parse_lock(wheels.for_machine(text, "x86_64")) == wheels.parse_lock(text)
