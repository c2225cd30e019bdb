"""Test-only keys and hand-built bytes for the attestation tests.

THE KEYS HERE ARE PUBLISHED TEST VECTORS — TEST-ONLY, NEVER FOR SIGNING ANYTHING REAL.
``RFC8032_SEED``/``RFC8032_PUBLIC`` are RFC 8032 §7.1 "TEST 1"; ``OTHER_SEED`` is
"TEST 2". PEM files are assembled here from RFC 8410's fixed DER prefixes, by hand,
so the tests do not build keys with the code under test.
"""

from __future__ import annotations

import base64
from pathlib import Path

RFC8032_SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
OTHER_SEED = bytes.fromhex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")
OTHER_PUBLIC = bytes.fromhex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")

# RFC 8410: PKCS#8 OneAsymmetricKey and SubjectPublicKeyInfo for id-Ed25519 (1.3.101.112)
_PKCS8_PREFIX = bytes.fromhex("302e020100300506032b657004220420")
_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")


def _pem(label: str, der: bytes) -> bytes:
    body = base64.b64encode(der).decode()
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return ("\n".join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----"]) + "\n").encode()


def private_pem(seed: bytes) -> bytes:
    return _pem("PRIVATE KEY", _PKCS8_PREFIX + seed)


def public_pem(public: bytes) -> bytes:
    return _pem("PUBLIC KEY", _SPKI_PREFIX + public)


def spki_der(public: bytes) -> bytes:
    return _SPKI_PREFIX + public


def write_keys(directory: Path, seed: bytes = RFC8032_SEED, public: bytes = RFC8032_PUBLIC,
               name: str = "test-only") -> tuple[Path, Path]:
    key, pub = directory / f"{name}.pem", directory / f"{name}.pub.pem"
    key.write_bytes(private_pem(seed))
    pub.write_bytes(public_pem(public))
    return key, pub


def pae(payload_type: bytes, payload: bytes) -> bytes:
    """DSSE v1 PAE, written from protocol.md: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body."""
    return b"DSSEv1 " + str(len(payload_type)).encode() + b" " + payload_type + b" " + \
        str(len(payload)).encode() + b" " + payload


# The known answer. Computed without packverify (OpenSSL 3.0.19 CLI, this machine):
#   printf '302e020100300506032b657004220420<RFC8032_SEED>' | xxd -r -p | openssl pkey -inform DER -out k.pem
#   keyid: openssl pkey -in k.pem -pubout -outform DER | sha256sum
#   PAE:   { printf 'DSSEv1 %d %s %d ' 28 application/vnd.in-toto+json 257; cat payload.json; } > pae.bin
#   sig:   openssl pkeyutl -sign -inkey k.pem -rawin -in pae.bin | base64 -w0
# payload.json is KAT_STATEMENT_BYTES (RFC 8785 written by hand: sorted keys, no spaces).
KAT_STATEMENT = {
    "_type": "https://in-toto.io/Statement/v1",
    "subject": [{"name": "empty.json",
                 "digest": {"sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}}],
    "predicateType": "https://packverify.dev/attestation/check/v1",
    "predicate": {"verdict": "pass"},
}
KAT_STATEMENT_BYTES = (
    b'{"_type":"https://in-toto.io/Statement/v1","predicate":{"verdict":"pass"},'
    b'"predicateType":"https://packverify.dev/attestation/check/v1","subject":[{"digest":{"sha256":'
    b'"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},"name":"empty.json"}]}'
)
KAT_KEYID = "06e3fd8fda29bb60ab59557de61edb0aecdb231134be30e75b455f8e1b792fa9"
KAT_SIG = "ukRLoYxo/CupCntKdNE7UPu6fG9QEzlWmDycKkfOgilrSYR+A+gXkt+ewezxFKOHpc4cNBAPgnWWvm0gdnrkDg=="
KAT_ENVELOPE = (
    b'{"payload":"eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEiLCJwcmVkaWNhdGUiOnsidmVyZGljdCI6InBhc3Mi'
    b'fSwicHJlZGljYXRlVHlwZSI6Imh0dHBzOi8vcGFja3ZlcmlmeS5kZXYvYXR0ZXN0YXRpb24vY2hlY2svdjEiLCJzdWJqZWN0IjpbeyJkaWdl'
    b'c3QiOnsic2hhMjU2IjoiZTNiMGM0NDI5OGZjMWMxNDlhZmJmNGM4OTk2ZmI5MjQyN2FlNDFlNDY0OWI5MzRjYTQ5NTk5MWI3ODUyYjg1NSJ9'
    b'LCJuYW1lIjoiZW1wdHkuanNvbiJ9XX0=","payloadType":"application/vnd.in-toto+json","signatures":[{"keyid":'
    b'"06e3fd8fda29bb60ab59557de61edb0aecdb231134be30e75b455f8e1b792fa9","sig":"ukRLoYxo/CupCntKdNE7UPu6fG9QEzlWmDyc'
    b'KkfOgilrSYR+A+gXkt+ewezxFKOHpc4cNBAPgnWWvm0gdnrkDg=="}]}'
)
KAT_ENVELOPE_SHA256 = "8df72369e5f02a7a91d9bfe0104cf658f876cab261c6fa927bfdfdc86020bb15"
