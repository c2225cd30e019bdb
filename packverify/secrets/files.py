"""Files that hold credentials by their name alone.

``.env`` (not ``.env.example``/``.sample``/``.template``…), SSH private keys
(``id_rsa``…), ``*.key``, keystores (``.p12 .pfx .jks .keystore .ppk .kdbx``), and the
password files of common tools: ``.git-credentials``, ``.netrc``/``_netrc``,
``.pgpass``, ``.pypirc``, ``.htpasswd``, ``.aws/credentials``, ``.docker/config.json``.
Names that merely contain "key" or "secret" (``monkey_patch.py``) are not secret files;
public halves (``id_rsa.pub``) end otherwise.
"""

from __future__ import annotations

_ENV_SAFE = {"example", "sample", "template", "dist", "defaults", "schema", "test", "ci"}
_KEY_NAMES = {"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk"}
_SECRET_NAMES = {".git-credentials", ".netrc", "_netrc", ".pypirc", ".htpasswd", ".pgpass", "pgpass.conf"}
_SECRET_SUFFIXES = (".key", ".p12", ".pfx", ".jks", ".keystore", ".ppk", ".kdbx")
_SECRET_TAILS = {".aws/credentials": "AWS credentials file", ".docker/config.json": "Docker registry credentials"}


def secret_file_reason(path: str) -> str | None:
    """Why a path names a secret file, or ``None``."""
    lower = path.lower()
    name = lower.rsplit("/", 1)[-1]
    if name == ".env" or (name.startswith(".env.") and name[5:] not in _ENV_SAFE):
        return "an environment file (.env) usually holds credentials"
    if name in _KEY_NAMES:
        return "an SSH private key"
    if name in _SECRET_NAMES:
        return f"{name} holds credentials"
    for tail, reason in _SECRET_TAILS.items():
        if lower == tail or lower.endswith("/" + tail):
            return reason
    if name.endswith(_SECRET_SUFFIXES):
        return f"a key or keystore file ({name.rsplit('.', 1)[-1]})"
    return None
