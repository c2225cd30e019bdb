"""``packverify attestation …`` and ``check --attest``: signed in-toto attestations.

- ``check … --attest FILE --signing-key KEY``: after the report, write one DSSE envelope
  (in-toto Statement v1, predicate type check/v1) about the run. Without a key the
  check refuses to start (exit 2): an ephemeral key whose public half lies beside the
  attestation proves nothing, since whoever can swap the one can swap the other.
- ``attestation verify FILE --key PUB [ARTIFACT…]``: exit 0 only if every check holds,
  1 naming the check that failed, 2 when an input cannot be read.
- ``attestation transcript --input hermetic.json --signing-key KEY -o OUT``: sign the
  hermetic build's record (boot transcript).
- ``attestation keygen KEY``: an ed25519 key pair in OpenSSL's formats, for machines
  without the ``openssl`` command (the slim container images).

The work is :mod:`packverify.attest`'s; this module reads files, maps errors to exit
codes and writes what the library returns.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import click

from packverify.cli._common import ExitCode, split_list

# packverify.attest (and so cryptography, ≈40 ms to import) is imported inside the
# functions: every `packverify check` loads this module, few of them attest.


@dataclass(frozen=True)
class Signer:
    path: str
    key: Any  # Ed25519PrivateKey

    @property
    def keyid(self) -> str:
        from packverify.attest.keys import keyid

        return keyid(self.key.public_key())


def _read(path: str, what: str) -> bytes:
    from packverify.attest.errors import Unusable

    try:
        if path == "-":  # standard input, as everywhere a file is read (docs/configuration.md)
            return sys.stdin.buffer.read()
        return Path(path).read_bytes()
    except OSError as exc:
        raise Unusable(f"cannot read {what} {path}: {exc.strerror or exc}") from None


def load_signer(path: str) -> Signer:
    from packverify.attest.keys import load_private_key

    return Signer(path, load_private_key(_read(path, "signing key"), name=f"signing key {path}"))


def _write_atomic(path: str, data: bytes, mode: int = 0o644) -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.unlink(missing_ok=True)  # a leftover would keep its old mode (O_CREAT does not change it)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, target)


# --------------------------------------------------------------------------- check --attest

def _pair_attest_options(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    # click calls this for both options (given or not), in command-line order; the
    # pairing is judged once both are known, so either order works. A bad key stops the
    # check here, before any pack is read.
    seen = ctx.meta.setdefault("packverify.attest", {})
    if param.name == "signing_key" and value is not None:
        from packverify.attest.errors import Unusable

        try:
            value = load_signer(value)
        except Unusable as exc:
            raise click.BadParameter(str(exc), ctx=ctx, param=param) from None
    seen[param.name] = value
    if len(seen) == 2:
        if seen["attest"] and not seen["signing_key"]:
            raise click.UsageError("--attest needs --signing-key KEY (an ed25519 private key in PKCS#8 PEM; "
                                   "`packverify attestation keygen KEY` makes one); an unsigned attestation is "
                                   "never written", ctx=ctx)
        if seen["signing_key"] and not seen["attest"]:
            raise click.UsageError("--signing-key is used only with --attest FILE", ctx=ctx)
    return value


def check_options(command):
    """Add ``--attest`` and ``--signing-key`` to the check command."""
    command = click.option("--signing-key", type=click.Path(dir_okay=False), callback=_pair_attest_options,
                           help="ed25519 private key (PKCS#8 PEM) that signs --attest.")(command)
    return click.option("--attest", type=click.Path(dir_okay=False), callback=_pair_attest_options,
                        help="Also write a signed in-toto attestation (DSSE envelope) of this run to FILE "
                             "(docs/attestation.md).")(command)


def _check_options(params: dict[str, Any]):
    from packverify.attest.check import CheckOptions, foreign_options
    from packverify.attest.provenance import repo_state
    from packverify.engine import select_oracles

    only, skip = split_list(params["only"]), split_list(params["skip"])
    claims = params.get("claims")
    foreign = foreign_options(input_format=params.get("input_format"), rev=params.get("rev"),
                              budget=params.get("budget"), tokenizer=params.get("tokenizer"),
                              claims={"path": claims, "sha256": _sha256_file(claims)} if claims else None,
                              require_complete=bool(params.get("require_complete")))
    return CheckOptions(strict=params["strict"], oracles=select_oracles(only or None, skip), only=tuple(only),
                        skip=tuple(skip), repo=repo_state(params["repo"]) if params["repo"] else None,
                        max_bytes=params["max_bytes"], max_findings=params["max_findings"],
                        require=tuple(split_list(params.get("require", ()))),
                        ignore=tuple(split_list(params.get("ignore", ()))),
                        tokenizer_engine=params.get("engine"), foreign=foreign)


def attest_check(ctx: click.Context, report, code: int) -> int:
    """Write the attestation ``--attest`` asks for (if any); the check's exit code, or 2
    when the attestation cannot be made or written."""
    path, signer = ctx.params.get("attest"), ctx.params.get("signing_key")
    if not path:
        return code
    from packverify import __version__
    from packverify.attest import check_statement, sign_statement
    from packverify.attest.errors import Unusable
    from packverify.attest.provenance import lock_record

    err: IO[str] = ctx.obj["stderr"]
    if code == ExitCode.ERROR:
        err.write(f"packverify check: no attestation written to {path}: the check could not do its job\n")
        return code
    try:
        stmt = check_statement(report, _check_options(ctx.params), version=__version__, lock=lock_record(),
                               environment=report.environment)
        _write_atomic(path, sign_statement(stmt, signer.key))
    except (ValueError, Unusable) as exc:
        err.write(f"packverify check: error: cannot attest: {exc}\n")
        return ExitCode.ERROR
    except OSError as exc:
        err.write(f"packverify check: error: cannot write attestation {path}: {exc.strerror or exc}\n")
        return ExitCode.ERROR
    err.write(f"packverify check: attestation written to {path} (verdict {report.verdict.value}, "
              f"{len(stmt['subject'])} subject(s), key {signer.keyid})\n")
    return code


# --------------------------------------------------------------------------- attestation group

@click.group("attestation")
def command() -> None:
    """Signed in-toto attestations (DSSE, ed25519): verify them, sign a boot transcript, make keys.

    `packverify check PACK --attest FILE --signing-key KEY` writes one; see docs/attestation.md.
    """


def _sha256_file(path: str) -> str:
    from packverify.attest.errors import Unusable

    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise Unusable(f"cannot read artifact {path}: {exc.strerror or exc}") from None
    return digest.hexdigest()


@command.command("verify")
@click.argument("file", type=click.Path(dir_okay=False))
@click.argument("artifacts", nargs=-1, metavar="[ARTIFACT]...")
@click.option("--key", "key_path", required=True, type=click.Path(dir_okay=False),
              help="The signer's ed25519 public key (PEM).")
@click.option("--allow-fail", is_flag=True, help="Accept an attestation that records a failing verdict.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
@click.pass_context
def verify_command(ctx, file, artifacts, key_path, allow_fail, fmt) -> int:
    """Verify the attestation FILE: signed by --key, an in-toto Statement v1 of packverify's,
    each ARTIFACT (a pack, a rootfs tarball) a subject by sha256, and a passing verdict.

    Exit 0 when every check holds; 1 naming the check that failed (envelope, keyid,
    signature, payload-type, statement, predicate-type, subject, verdict); 2 when FILE,
    the key or an ARTIFACT cannot be read.
    """
    from packverify.attest import Refused, Unusable, load_public_key, verify

    out: IO[str] = ctx.obj["stdout"]
    err: IO[str] = ctx.obj["stderr"]
    try:
        public_key = load_public_key(_read(key_path, "key"), name=f"key {key_path}")
        data = _read(file, "attestation")
        wanted = [(a, _sha256_file(a)) for a in artifacts]
    except Unusable as exc:
        err.write(f"packverify attestation verify: error: {exc}\n")
        return ExitCode.ERROR
    try:
        verified = verify(data, public_key, wanted, allow_fail=allow_fail)
    except Refused as exc:
        if fmt == "json":
            out.write(json.dumps({"verified": False, "file": file, "check": exc.check, "message": exc.message},
                                 ensure_ascii=False, indent=2) + "\n")
        err.write(f"packverify attestation verify: {file}: refused by check {exc.check}: {exc.message}\n")
        return ExitCode.FINDINGS
    if fmt == "json":
        out.write(json.dumps({"verified": True, "file": file, "keyid": verified.keyid,
                              "checks": [{"check": c, "detail": d} for c, d in verified.passed],
                              "statement": verified.statement}, ensure_ascii=False, indent=2) + "\n")
    else:
        for check, detail in verified.passed:
            out.write(f"ok  {check:<15} {detail}\n")
        out.write(f"verified: {file}\n")
    if not artifacts:
        err.write("packverify attestation verify: note: no ARTIFACT given, so no file was matched to a subject\n")
    return ExitCode.OK


@command.command("transcript")
@click.option("--input", "input_path", required=True, type=click.Path(dir_okay=False),
              help="The hermetic build's record (artifacts/hermetic.json; shape in docs/attestation.md).")
@click.option("--signing-key", "key_path", required=True, type=click.Path(dir_okay=False),
              help="ed25519 private key (PKCS#8 PEM).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Where to write the envelope (e.g. artifacts/boot_transcript.intoto.json).")
@click.pass_context
def transcript_command(ctx, input_path, key_path, output) -> int:
    """Sign the hermetic build's record as a boot transcript (in-toto Statement v1 in DSSE).

    Exit 0 when written (whatever the build's verdict, which the transcript records);
    2 when the record or key cannot be read or the record is not the documented shape.
    """
    from packverify.attest import Refused, Unusable, sign_statement, transcript_statement
    from packverify.attest._json import strict_loads

    err: IO[str] = ctx.obj["stderr"]
    try:
        signer = load_signer(key_path)
        record = strict_loads(_read(input_path, "hermetic record"), check="input", what=f"hermetic record {input_path}")
        stmt = transcript_statement(record)
        _write_atomic(output, sign_statement(stmt, signer.key))
    except (Unusable, Refused) as exc:
        err.write(f"packverify attestation transcript: error: {getattr(exc, 'message', exc)}\n")
        return ExitCode.ERROR
    except OSError as exc:
        err.write(f"packverify attestation transcript: error: cannot write {output}: {exc.strerror or exc}\n")
        return ExitCode.ERROR
    err.write(f"packverify attestation transcript: {output} written (verdict {stmt['predicate']['verdict']}, "
              f"{len(stmt['subject'])} subject(s), key {signer.keyid})\n")
    return ExitCode.OK


@command.command("keygen")
@click.argument("key", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite KEY and KEY.pub if they exist.")
@click.pass_context
def keygen_command(ctx, key, force) -> int:
    """Write a new ed25519 private key to KEY (PKCS#8 PEM, mode 0600) and its public half to
    KEY.pub (PEM); print the key id. Same formats as
    `openssl genpkey -algorithm ed25519 -out KEY; openssl pkey -in KEY -pubout -out KEY.pub`.
    """
    from packverify.attest import keys as _keys

    err: IO[str] = ctx.obj["stderr"]
    public = f"{key}.pub"
    existing = [p for p in (key, public) if os.path.lexists(p)]
    if existing and not force:
        err.write(f"packverify attestation keygen: error: {', '.join(existing)} exists (--force overwrites)\n")
        return ExitCode.ERROR
    private_key = _keys.generate()
    try:
        _write_atomic(key, _keys.private_pem(private_key), mode=0o600)
        _write_atomic(public, _keys.public_pem(private_key.public_key()))
    except OSError as exc:
        err.write(f"packverify attestation keygen: error: cannot write {exc.filename or key}: {exc.strerror or exc}\n")
        return ExitCode.ERROR
    ctx.obj["stdout"].write(f"{_keys.keyid(private_key.public_key())}\n")
    err.write(f"packverify attestation keygen: private key {key} (keep it secret), public key {public}\n")
    return ExitCode.OK
