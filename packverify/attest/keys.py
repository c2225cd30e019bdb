"""ed25519 keys in the files OpenSSL writes, and their key ids.

Private keys: PKCS#8 PEM (``openssl genpkey -algorithm ed25519``), unencrypted.
Public keys: SubjectPublicKeyInfo PEM (``openssl pkey -in KEY -pubout``). The key id is
the sha256 (hex) of the public key's DER SubjectPublicKeyInfo — the same bytes whatever
tool wrote the PEM. Every cryptographic operation is pyca/cryptography's; this module
only reads, writes and names keys. Leaves alone: key storage, rotation and trust (who
may sign is the verifier's decision, made by choosing ``--key``).
"""

from __future__ import annotations

import hashlib

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from packverify.attest.errors import Unusable

_PEM = serialization.Encoding.PEM
_DER = serialization.Encoding.DER
_SPKI = serialization.PublicFormat.SubjectPublicKeyInfo


def load_private_key(data: bytes, *, name: str = "signing key") -> Ed25519PrivateKey:
    """An unencrypted PKCS#8 PEM ed25519 private key, or :class:`Unusable` saying why not."""
    if b"PUBLIC KEY-----" in data and b"PRIVATE KEY-----" not in data:
        raise Unusable(f"{name} is a public key; signing needs the private key (PKCS#8 PEM)")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:  # cryptography's way of saying "encrypted, and no password given"
        raise Unusable(f"{name} is encrypted; give an unencrypted PKCS#8 PEM key "
                       "(openssl genpkey -algorithm ed25519 -out KEY)") from None
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise Unusable(f"{name} is not a PEM private key ({_first_line(exc)})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise Unusable(f"{name} is a {_kind(key)} key; packverify signs with ed25519 only")
    return key


def load_public_key(data: bytes, *, name: str = "key") -> Ed25519PublicKey:
    """A PEM (SubjectPublicKeyInfo) ed25519 public key, or :class:`Unusable` saying why not."""
    if b"PRIVATE KEY-----" in data:
        raise Unusable(f"{name} is a private key; verify with its public half "
                       "(openssl pkey -in KEY -pubout -out KEY.pub)")
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise Unusable(f"{name} is not a PEM public key ({_first_line(exc)})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise Unusable(f"{name} is a {_kind(key)} key; packverify verifies ed25519 signatures only")
    return key


def keyid(public_key: Ed25519PublicKey) -> str:
    """sha256 (hex) of the public key's DER SubjectPublicKeyInfo."""
    return hashlib.sha256(public_key.public_bytes(_DER, _SPKI)).hexdigest()


def public_pem(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(_PEM, _SPKI)


def private_pem(private_key: Ed25519PrivateKey) -> bytes:
    """PKCS#8 PEM, unencrypted: the bytes ``openssl genpkey -algorithm ed25519`` writes."""
    return private_key.private_bytes(_PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def generate() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def _kind(key: object) -> str:
    return type(key).__name__.removeprefix("_").replace("PrivateKey", "").replace("PublicKey", "") or "non-ed25519"


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
