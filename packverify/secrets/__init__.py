"""Credentials in text and in file names — one home for the rules the ``security``
oracle judges packs by and the reference packer leaves files out by.

``find_secrets(text)`` gives every credential with its line; ``scan_many`` does the same
for many texts in batches; ``secret_file_reason(path)`` says why a name is a secret
file. The choice of these rules over the scanners on PyPI was measured
(``bench/secrets_bench.py``, docs/security.md).
"""

from packverify.secrets.files import secret_file_reason
from packverify.secrets.scan import SecretHit, find_secrets, redact, redact_credentials, scan_many, with_anchors

__all__ = ["SecretHit", "find_secrets", "redact", "redact_credentials", "scan_many", "secret_file_reason",
           "with_anchors"]
