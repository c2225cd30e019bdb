"""The hermetic boot transcript: a statement about one hermetic build and boot.

Input: the record ``scripts/hermetic`` writes (``artifacts/hermetic.json``), in the shape
documented in docs/attestation.md ("Boot transcript input") and checked here —
``git`` (commit, dirty), ``locks`` (name → sha256), ``images`` (per suite: rootfs and
manifest digests, image id, rebuild identical, test counts), ``environment`` and
``phases`` (name, result, duration). Keys beyond those are carried into the predicate
unchanged (signed, not interpreted). Output: a Statement v1 of predicate type
``TRANSCRIPT_PREDICATE_TYPE`` whose subjects are the git commit, each image's root
filesystem tarball and image config (by digest), and whose predicate is the record
with a ``verdict`` derived here: ``pass`` unless a phase failed or an image's tests did.
Pure; leaves alone how the build was run (that is scripts/hermetic).
"""

from __future__ import annotations

import re
from typing import Any

from packverify.attest import statement
from packverify.attest.errors import Unusable

TRANSCRIPT_PREDICATE_TYPE = "https://packverify.dev/attestation/boot-transcript/v1"
RESULTS = ("pass", "fail", "skipped")

_SHA256 = re.compile(r"[0-9a-f]{64}")
_COMMIT = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


def _need(ok: bool, where: str, what: str) -> None:
    if not ok:
        raise Unusable(f"hermetic record: {where} must be {what}")


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_sha256(value: Any) -> bool:
    return isinstance(value, str) and _SHA256.fullmatch(value) is not None


def _image_digest(image_id: Any) -> str | None:
    digest = image_id.removeprefix("sha256:") if isinstance(image_id, str) else None
    return digest if _is_sha256(digest) else None


def _check_image(i: int, image: Any) -> None:
    where = f"images[{i}]"
    _need(isinstance(image, dict), where, "an object")
    _need(isinstance(image.get("suite"), str) and bool(image["suite"]), f"{where}.suite", "a non-empty string")
    _need(isinstance(image.get("python"), str), f"{where}.python", "a string")
    for key in ("manifest_sha256", "rootfs_sha256"):
        _need(_is_sha256(image.get(key)), f"{where}.{key}", "64 lowercase hex digits")
    _need(_image_digest(image.get("image_id")) is not None, f"{where}.image_id", '"sha256:" and 64 lowercase hex digits')
    _need(isinstance(image.get("rebuild_identical"), bool), f"{where}.rebuild_identical", "true or false")
    tests = image.get("tests")
    _need(isinstance(tests, dict) and _is_count(tests.get("passed")) and _is_count(tests.get("failed")),
          f"{where}.tests", "an object with non-negative integers passed and failed")
    _need(image.get("oci_archive") is None or isinstance(image["oci_archive"], str), f"{where}.oci_archive",
          "a string or null")


def _check_phase(i: int, phase: Any) -> None:
    where = f"phases[{i}]"
    _need(isinstance(phase, dict), where, "an object")
    _need(isinstance(phase.get("name"), str) and bool(phase["name"]), f"{where}.name", "a non-empty string")
    _need(phase.get("result") in RESULTS, f"{where}.result", f"one of {', '.join(RESULTS)}")
    seconds = phase.get("duration_seconds")
    _need(isinstance(seconds, int | float) and not isinstance(seconds, bool) and seconds >= 0,
          f"{where}.duration_seconds", "a non-negative number")


def validate(record: Any) -> None:
    """Raise :class:`Unusable` naming the first field that is not the documented shape."""
    _need(isinstance(record, dict), "the document", "an object")
    git = record.get("git")
    _need(isinstance(git, dict) and isinstance(git.get("commit"), str) and _COMMIT.fullmatch(git["commit"]) is not None,
          "git.commit", "a full lowercase hex commit id")
    _need(isinstance(git.get("dirty"), bool), "git.dirty", "true or false")
    locks = record.get("locks")
    _need(isinstance(locks, dict) and bool(locks) and all(_is_sha256(v) for v in locks.values()),
          "locks", "a non-empty object of name → sha256 (64 lowercase hex digits)")
    _need(isinstance(record.get("images"), list), "images", "a list")
    for i, image in enumerate(record["images"]):
        _check_image(i, image)
    _need(isinstance(record.get("environment"), dict), "environment", "an object")
    _need(isinstance(record.get("phases"), list) and bool(record["phases"]), "phases", "a non-empty list")
    for i, phase in enumerate(record["phases"]):
        _check_phase(i, phase)


def verdict(record: dict[str, Any]) -> str:
    failed = any(p["result"] == "fail" for p in record["phases"]) or any(
        i["tests"]["failed"] for i in record["images"])
    return "fail" if failed else "pass"


def transcript_statement(record: Any) -> dict[str, Any]:
    """The Statement v1 about a hermetic record (validated first)."""
    validate(record)
    derived = verdict(record)
    if "verdict" in record and record["verdict"] != derived:
        raise Unusable(f"hermetic record: verdict {record['verdict']!r} disagrees with its phases and tests "
                       f"({derived!r})")
    subjects = [statement.subject("git", gitCommit=record["git"]["commit"])]
    for image in record["images"]:
        suite = image["suite"]
        subjects.append(statement.subject(f"{suite}/rootfs.tar", sha256=image["rootfs_sha256"]))
        subjects.append(statement.subject(f"{suite}/image-config", sha256=_image_digest(image["image_id"])))
    return statement.statement(subjects, TRANSCRIPT_PREDICATE_TYPE, {**record, "verdict": derived})
