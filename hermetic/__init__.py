"""The hermetic build of packverify's own images (scripts/hermetic, docs/environment.md).

For each Debian suite — bookworm (Python 3.11) and trixie (Python 3.13) — build a root
filesystem with mmdebstrap at a fixed ``SOURCE_DATE_EPOCH`` and record every Debian
package (version, sha256 of its .deb) in ``hermetic/debian-<suite>.lock.json``; build
the packverify image from it with podman, ``--network=none``, from a wheelhouse of exactly
the locked wheels, with the same ``Containerfile`` Docker users build; run the doctor,
the test suite and ``packverify repro`` inside with no network; build everything a second
time (offline, from the kept .debs) and compare byte for byte; write
``artifacts/hermetic.json``.

A build tool of this repository, not a packverify command: it builds *packverify's*
image from a checkout (the Containerfile, the locks, the test suite), which a user
verifying packs never has. It is not installed with the package.

Deliberately left alone: publishing images, signing (hermetic.json keeps every phase
with its result and duration so that a later step can sign it), other architectures.
"""
