"""Writes ``corpus.toml``: the labelled secret-detection corpus (run once; the output is committed).

    python tests/data/secrets/make_corpus.py > tests/data/secrets/corpus.toml

Every positive is *synthetic*: random characters from a seeded generator, shaped to the
format its issuer documents (prefix, alphabet, length, and the checksum where the format
has one), or a key pair generated here by ``openssl``/``ssh-keygen`` for nothing at all.
None is a real credential. Every negative is a benign look-alike that real repositories
hold. A case's label, kind and the lines holding its secret are set here, by
construction — never by a detector (tests/README.md: expected values never come from
the code under test). ``source`` says where each format is defined.

Needs ``openssl``, ``ssh-keygen`` and the ``cryptography`` package (for the PuTTY key's
private scalar) only when regenerating; the tests read ``corpus.toml``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

RNG = random.Random(20261129)
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
ALNUM = BASE62
LOWER_ALNUM = "0123456789abcdefghijklmnopqrstuvwxyz"
HEX = "0123456789abcdef"
B64 = BASE62 + "+/"
URLSAFE = BASE62 + "-_"
AWS_ID = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

SRC = {
    "github": "https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/ (prefix, 30 random base62 + 6-char base62 CRC32 of the random part); https://github.blog/changelog/2022-10-18-introducing-fine-grained-personal-access-tokens/ (github_pat_: 22 + '_' + 59)",
    "npm": "https://github.blog/2021-09-23-announcing-npms-new-access-token-format/ (npm_ + 30 random base62 + 6-char base62 CRC32, as GitHub's)",
    "slack": "https://api.slack.com/authentication/token-types (xoxb-/xoxp-/xapp- prefixes and shapes); https://api.slack.com/messaging/webhooks (hooks.slack.com/services/T…/B…/…)",
    "stripe": "https://docs.stripe.com/keys (sk_live_/rk_live_ secret and restricted keys); https://docs.stripe.com/webhooks (whsec_ signing secrets)",
    "google": "https://cloud.google.com/docs/authentication/api-keys (AIza + 35 characters of [0-9A-Za-z_-])",
    "openai": "https://platform.openai.com/docs/api-reference/authentication (sk-, sk-proj-, sk-svcacct-; the T3BlbkFJ marker is base64 'OpenAI'); shapes as gitleaks' openai-api-key rule",
    "anthropic": "https://docs.anthropic.com/en/api/getting-started (sk-ant-api03-…AA, sk-ant-admin01-…AA: 93 characters of [A-Za-z0-9_-] then AA)",
    "huggingface": "https://huggingface.co/docs/hub/security-tokens (hf_ + 34 letters; api_org_ organisation tokens)",
    "aws": "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html (AKIA/ASIA + 16 of [A-Z2-7]; 40-character secret keys); https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html (~/.aws/credentials)",
    "uri": "RFC 3986 §3.2.1 (userinfo 'user:password@' in a URI); https://docs.gitlab.com/ee/ci/jobs/ci_job_token.html and https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/authenticating-as-a-github-app-installation (x-access-token: remotes as CI checkouts write them)",
    "jwt": "RFC 7519 (JWT), RFC 7515 (JWS compact serialisation: base64url header.payload.signature); RFC 6750 (Bearer)",
    "pem": "RFC 7468 (PEM textual encoding, 64-character lines); RFC 8017 (PKCS#1), RFC 5208/5958 (PKCS#8), RFC 5915 (EC); openssh PROTOCOL.key (openssh-key-v1); keys generated here by openssl/ssh-keygen",
    "putty": "https://the.earth.li/~sgtatham/putty/0.81/htmldoc/AppendixC.html (PPK version 3 file format)",
    "pgpass": "https://www.postgresql.org/docs/current/libpq-pgpass.html (hostname:port:database:username:password)",
    "netrc": "https://www.gnu.org/software/inetutils/manual/html_node/The-_002enetrc-file.html (machine/login/password)",
    "htpasswd": "https://httpd.apache.org/docs/2.4/misc/password_encryptions.html (user:$apr1$…, {SHA}, bcrypt $2y$)",
    "gitlab": "https://docs.gitlab.com/ee/security/tokens/ (glpat- + 20 characters)",
    "pypi": "https://pypi.org/help/#apitoken (pypi- + macaroon, base64 of 'pypi.org' starts AgEIcHlwaS5vcmc)",
    "gcp-sa": "https://cloud.google.com/iam/docs/keys-create-delete (service account key JSON with a PKCS#8 private_key)",
    "azure": "https://learn.microsoft.com/azure/storage/common/storage-configure-connection-string (AccountKey= 88 base64 characters)",
    "sendgrid": "https://docs.sendgrid.com/ui/account-and-settings/api-keys (SG. + 22 + '.' + 43)",
    "benign": "a look-alike real repositories hold; not a credential",
    "aws-example": "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html (AWS's published example keys, ending EXAMPLE / EXAMPLEKEY)",
}


def rand(alphabet: str, n: int) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


def base62(number: int, width: int = 6) -> str:
    out = ""
    while number:
        number, digit = divmod(number, 62)
        out = BASE62[digit] + out
    return out.rjust(width, "0")


def crc_token(prefix: str) -> str:
    """GitHub/npm shape: prefix + 30 random base62 + base62(CRC32(random part)), 6 wide."""
    body = rand(BASE62, 30)
    return prefix + body + base62(zlib.crc32(body.encode()))


def jwt(claims: dict, signed: bool = True) -> str:
    enc = lambda obj: base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).rstrip(b"=").decode()  # noqa: E731
    header = {"alg": "HS256", "typ": "JWT"} if signed else {"alg": "none"}
    signature = base64.urlsafe_b64encode(RNG.randbytes(32)).rstrip(b"=").decode() if signed else ""
    return f"{enc(header)}.{enc(claims)}.{signature}"


def sh(*args: str, cwd: str) -> str:
    return subprocess.run(args, cwd=cwd, check=True, capture_output=True, text=True).stdout


def keys() -> dict[str, str]:
    """Key files generated for this corpus and protecting nothing."""
    with tempfile.TemporaryDirectory() as tmp:
        run = lambda *a: subprocess.run(a, cwd=tmp, check=True, capture_output=True)  # noqa: E731
        run("openssl", "genrsa", "-traditional", "-out", "rsa.pem", "1024")
        run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ec.pem")
        run("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", "p8.pem")
        run("openssl", "pkcs8", "-topk8", "-in", "p8.pem", "-v2", "aes-256-cbc", "-passout", "pass:corpus", "-out", "p8enc.pem")
        run("openssl", "rsa", "-in", "rsa.pem", "-aes256", "-passout", "pass:corpus", "-traditional", "-out", "rsaenc.pem")
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "corpus@example", "-f", "ossh")
        run("openssl", "req", "-x509", "-key", "ec.pem", "-subj", "/CN=corpus.example", "-days", "1", "-out", "cert.pem")
        run("openssl", "rsa", "-in", "rsa.pem", "-pubout", "-out", "rsapub.pem")
        return {name: (Path(tmp) / name).read_text() for name in
                ("rsa.pem", "ec.pem", "p8.pem", "p8enc.pem", "rsaenc.pem", "ossh", "ossh.pub", "cert.pem", "rsapub.pem")}


def _ssh_string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def putty_v3() -> str:
    """A PPK v3 ed25519 key, unencrypted (MAC key empty), per PuTTY's Appendix C."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.from_private_bytes(RNG.randbytes(32))
    public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    private = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    algorithm, encryption, comment = b"ssh-ed25519", b"none", b"eddsa-key-corpus"
    public_blob = _ssh_string(algorithm) + _ssh_string(public)
    private_blob = _ssh_string(private)
    mac_data = b"".join(_ssh_string(x) for x in (algorithm, encryption, comment, public_blob, private_blob))
    mac = hmac.new(b"", mac_data, hashlib.sha256).hexdigest()
    pub64, priv64 = base64.b64encode(public_blob).decode(), base64.b64encode(private_blob).decode()
    pub_lines = [pub64[i:i + 64] for i in range(0, len(pub64), 64)]
    priv_lines = [priv64[i:i + 64] for i in range(0, len(priv64), 64)]
    return (f"PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: eddsa-key-corpus\n"
            f"Public-Lines: {len(pub_lines)}\n" + "".join(x + "\n" for x in pub_lines)
            + f"Private-Lines: {len(priv_lines)}\n" + "".join(x + "\n" for x in priv_lines)
            + f"Private-MAC: {mac}\n")


CASES: list[dict] = []


def case(id: str, label: str, kind: str, source: str, path: str, text: str, secrets: tuple[str, ...] = ()) -> None:
    """``secrets``: substrings holding one credential each (positives); each must occur. A
    secret's lines are those its substring spans (a PEM key: every line of the block)."""
    groups = []
    for secret in secrets:
        at = text.index(secret)
        first = text.count("\n", 0, at) + 1
        last = first + secret.rstrip("\n").count("\n")
        groups.append(list(range(first, last + 1)))
    assert (label == "secret") == bool(groups), id
    CASES.append({"id": id, "label": label, "kind": kind, "source": SRC[source], "path": path,
                  "secrets": groups, "text": text})


def positives(k: dict[str, str]) -> None:
    for prefix in ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"):
        t = crc_token(prefix)
        case(f"github-{prefix[:3]}", "secret", "github-token", "github", "src/deploy.py",
             f"import os\n\nGITHUB_TOKEN = os.environ.get('GITHUB_TOKEN', '{t}')\n", (t,))
    t = "github_pat_11" + rand("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 20) + "_" + rand(BASE62, 59)
    case("github-fine-grained-pat", "secret", "github-token", "github", ".github/scripts/release.sh",
         f"#!/bin/sh\nexport GH_TOKEN={t}\ngh release create v1.0\n", (t,))
    t = "github_pat_11" + rand("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 20) + "_" + rand(BASE62, 59)
    case("github-fine-grained-pat-json", "secret", "github-token", "github", "config/ci.json",
         f'{{\n  "registry": "ghcr.io",\n  "token": "{t}"\n}}\n', (t,))
    t = crc_token("npm_")
    case("npm-npmrc", "secret", "npm-token", "npm", "web/.npmrc",
         f"registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken={t}\n", (t,))
    t = crc_token("npm_")
    case("npm-js", "secret", "npm-token", "npm", "scripts/publish.js",
         f"const token = '{t}';\nawait publish({{ token }});\n", (t,))
    t = f"xoxb-{rand('0123456789', 12)}-{rand('0123456789', 13)}-{rand(ALNUM, 24)}"
    case("slack-bot", "secret", "slack-token", "slack", "bot/settings.py", f"SLACK_BOT_TOKEN = \"{t}\"\n", (t,))
    t = f"xoxp-{rand('0123456789', 12)}-{rand('0123456789', 12)}-{rand('0123456789', 13)}-{rand(HEX, 32)}"
    case("slack-user", "secret", "slack-token", "slack", "tools/export.rb", f"client = Slack::Web::Client.new(token: '{t}')\n", (t,))
    t = f"xapp-1-A{rand('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 10)}-{rand('0123456789', 13)}-{rand(HEX, 64)}"
    case("slack-app-level", "secret", "slack-token", "slack", "deploy/slack.yaml",
         f"socket_mode:\n  app_token: {t}\n", (t,))
    t = f"https://hooks.slack.com/services/T{rand('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 8)}/B{rand('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 10)}/{rand(ALNUM, 24)}"
    case("slack-webhook", "secret", "slack-webhook", "slack", "alerts/notify.go",
         f"package alerts\n\nconst webhookURL = \"{t}\"\n", (t,))
    t = "sk_live_" + rand(ALNUM, 24)
    case("stripe-secret-short", "secret", "stripe-key", "stripe", "billing/stripe.py", f"stripe.api_key = \"{t}\"\n", (t,))
    t = "sk_live_51" + rand(ALNUM, 97)
    case("stripe-secret-long", "secret", "stripe-key", "stripe", "billing/.env.local",
         f"STRIPE_SECRET_KEY={t}\nSTRIPE_CURRENCY=eur\n", (t,))
    t = "rk_live_51" + rand(ALNUM, 97)
    case("stripe-restricted", "secret", "stripe-key", "stripe", "billing/config.ts", f"export const stripeKey = '{t}';\n", (t,))
    t = "whsec_" + rand(ALNUM, 32)
    case("stripe-webhook-secret", "secret", "stripe-webhook", "stripe", "billing/webhooks.py",
         f"endpoint_secret = '{t}'\nevent = stripe.Webhook.construct_event(payload, sig, endpoint_secret)\n", (t,))
    t = "AIza" + rand(URLSAFE, 35)
    case("google-api-key", "secret", "google-api-key", "google", "maps/client.js",
         f"const MAPS_KEY = \"{t}\";\nloadMaps(MAPS_KEY);\n", (t,))
    t = "AIza" + rand(URLSAFE, 35)
    case("google-api-key-yaml", "secret", "google-api-key", "google", "deploy/values.yaml",
         f"gemini:\n  api_key: {t}\n", (t,))
    t = "sk-" + rand(ALNUM, 20) + "T3BlbkFJ" + rand(ALNUM, 20)
    case("openai-legacy", "secret", "openai-key", "openai", "ml/chat.py", f"openai.api_key = \"{t}\"\n", (t,))
    t = "sk-proj-" + rand(URLSAFE, 74) + "T3BlbkFJ" + rand(URLSAFE, 74)
    case("openai-project", "secret", "openai-key", "openai", "ml/.env.local",
         f"OPENAI_API_KEY={t}\n", (t,))
    t = "sk-svcacct-" + rand(URLSAFE, 74) + "T3BlbkFJ" + rand(URLSAFE, 74)
    case("openai-service-account", "secret", "openai-key", "openai", "ml/agent.ts", f"const client = new OpenAI({{ apiKey: '{t}' }});\n", (t,))
    t = "sk-ant-api03-" + rand(URLSAFE, 93) + "AA"
    case("anthropic-api", "secret", "anthropic-key", "anthropic", "ml/claude.py",
         f"client = anthropic.Anthropic(\n    api_key=\"{t}\",\n)\n", (t,))
    t = "sk-ant-admin01-" + rand(URLSAFE, 93) + "AA"
    case("anthropic-admin", "secret", "anthropic-key", "anthropic", "ops/admin.sh", f"curl -H 'x-api-key: {t}' https://api.anthropic.com/v1/organizations/me\n", (t,))
    t = "hf_" + rand("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 34)
    case("huggingface", "secret", "huggingface-token", "huggingface", "ml/download.py",
         f"from huggingface_hub import login\nlogin(token=\"{t}\")\n", (t,))
    t = "api_org_" + rand("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 34)
    case("huggingface-org", "secret", "huggingface-token", "huggingface", "ml/push.py", f"HF_ORG_TOKEN = '{t}'\n", (t,))

    key_id, secret = "AKIA" + rand(AWS_ID, 16), rand(B64, 40)
    case("aws-credentials-file", "secret", "aws-key", "aws", "ops/aws/credentials.txt",
         f"[default]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\nregion = eu-west-1\n", (key_id, secret))
    secret = rand(B64, 40)
    case("aws-secret-yaml-unquoted", "secret", "aws-key", "aws", "deploy/secrets.yaml",
         f"aws:\n  region: us-east-1\n  secret_access_key: {secret}\n", (secret,))
    secret = rand(B64, 40)
    case("aws-secret-env-unquoted", "secret", "aws-key", "aws", "docker/app.env",
         f"AWS_REGION=us-east-1\nAWS_SECRET_ACCESS_KEY={secret}\n", (secret,))
    secret = rand(B64, 40)
    case("aws-secret-quoted", "secret", "aws-key", "aws", "etl/s3.py",
         f"s3 = boto3.client('s3',\n    aws_secret_access_key='{secret}')\n", (secret,))
    key_id = "ASIA" + rand(AWS_ID, 16)
    case("aws-session-key-id", "secret", "aws-key", "aws", "infra/main.tf",
         f"provider \"aws\" {{\n  access_key = \"{key_id}\"\n}}\n", (key_id,))
    key_id = "AKIA" + rand(AWS_ID, 16)
    case("aws-key-id-unquoted", "secret", "aws-key", "aws", "ci/deploy.sh", f"export AWS_ACCESS_KEY_ID={key_id}\n", (key_id,))

    pw = rand(ALNUM, 14)
    case("uri-postgres", "secret", "credential-uri", "uri", "app/settings.py",
         f"DATABASE_URL = \"postgresql://app_user:{pw}@db.internal:5432/app\"\n", (pw,))
    pw = rand(ALNUM, 12) + "%21"
    case("uri-mongodb-srv", "secret", "credential-uri", "uri", "server/db.js",
         f"const uri = 'mongodb+srv://admin:{pw}@cluster0.abcde.mongodb.net/prod?retryWrites=true';\n", (pw,))
    pw = rand(ALNUM, 20)
    case("uri-redis-no-user", "secret", "credential-uri", "uri", "deploy/compose.yaml",
         f"services:\n  worker:\n    environment:\n      REDIS_URL: redis://:{pw}@redis:6379/0\n", (pw,))
    pw = rand(ALNUM, 16)
    case("uri-amqp", "secret", "credential-uri", "uri", "worker/celeryconfig.py", f"broker_url = 'amqp://celery:{pw}@rabbit:5672//'\n", (pw,))
    pw = rand(ALNUM, 10)
    case("uri-https-basic", "secret", "credential-uri", "uri", "scripts/mirror.sh",
         f"curl -fsSL https://deploy:{pw}@artifacts.example.com/releases/app.tar.gz -o app.tar.gz\n", (pw,))
    t = crc_token("ghs_")
    case("uri-git-remote-github", "secret", "credential-uri", "uri", "ci/.gitconfig.txt",
         f"[remote \"origin\"]\n\turl = https://x-access-token:{t}@github.com/acme/app.git\n", (t,))
    t = "glpat-" + rand(URLSAFE, 20)
    case("uri-git-remote-gitlab", "secret", "credential-uri", "uri", "ci/clone.sh",
         f"git clone https://oauth2:{t}@gitlab.com/acme/app.git\n", (t,))
    t = rand(URLSAFE, 20)
    case("uri-gitlab-ci-token", "secret", "credential-uri", "uri", "ci/fetch.sh",
         f"git fetch https://gitlab-ci-token:{t}@gitlab.example.com/acme/app.git main\n", (t,))

    t = jwt({"sub": "user-" + rand(HEX, 8), "iat": 1735689600, "exp": 1893456000, "scope": "admin"})
    case("jwt-bearer-header", "secret", "jwt", "jwt", "tests/api/requests.http",
         f"GET https://api.example.com/v1/me\nAuthorization: Bearer {t}\n", (t,))
    t = jwt({"iss": "https://auth.example.com", "sub": rand(HEX, 12), "aud": "api"})
    case("jwt-in-code", "secret", "jwt", "jwt", "client/session.ts",
         f"const headers = {{\n  Authorization: `Bearer {t}`,\n}};\n", (t,))

    for name, kind in (("rsa.pem", "pem-rsa"), ("ec.pem", "pem-ec"), ("p8.pem", "pem-pkcs8"),
                       ("p8enc.pem", "pem-pkcs8-encrypted"), ("rsaenc.pem", "pem-rsa-encrypted"), ("ossh", "pem-openssh")):
        body = k[name]
        case(f"private-key-{kind}", "secret", "private-key", "pem", "deploy/keys/server.txt",
             "# staging key\n" + body, (body,))
    body = k["rsa.pem"].splitlines(keepends=True)
    case("private-key-body-after-begin", "secret", "private-key", "pem", "deploy/keys/server.txt",
         "".join(body[1:]), ("".join(body[1:]),))
    body = k["ossh"].splitlines(keepends=True)
    case("private-key-openssh-body-after-begin", "secret", "private-key", "pem", "deploy/id_ed25519.txt",
         "".join(body[1:]), ("".join(body[1:]),))
    body = k["p8.pem"].splitlines(keepends=True)
    case("private-key-pkcs8-body-no-end", "secret", "private-key", "pem", "deploy/keys/tls.txt",
         "".join(body[1:6]), ("".join(body[1:6]),))
    p8 = k["p8.pem"].replace("\n", "\\n")
    sa_email = "deployer@acme-prod.iam.gserviceaccount.com"
    case("gcp-service-account-json", "secret", "private-key", "gcp-sa", "deploy/gcp.json",
         "{\n  \"type\": \"service_account\",\n  \"project_id\": \"acme-prod\",\n"
         f"  \"private_key_id\": \"{rand(HEX, 40)}\",\n  \"private_key\": \"{p8}\",\n"
         f"  \"client_email\": \"{sa_email}\"\n}}\n", ("\"private_key\": ",))
    ppk = putty_v3()
    case("putty-v3", "secret", "private-key", "putty", "keys/deploy.ppk.txt", ppk, (ppk,))

    pw = rand(ALNUM, 16)
    case("pgpass", "secret", "password-file", "pgpass", "home/.pgpass",
         f"db.internal:5432:app:app_user:{pw}\n", (pw,))
    pw = rand(ALNUM, 18)
    case("netrc", "secret", "password-file", "netrc", "ci/netrc",
         f"machine api.example.com\n  login deploy\n  password {pw}\n", (pw,))
    salt, digest = rand("./" + ALNUM, 8), rand("./" + ALNUM, 22)
    case("htpasswd-apr1", "secret", "password-file", "htpasswd", "nginx/htpasswd",
         f"admin:$apr1${salt}${digest}\n", (salt,))
    digest = rand("./" + ALNUM, 53)
    case("htpasswd-bcrypt", "secret", "password-file", "htpasswd", "deploy/auth/users",
         f"ops:$2y$10${digest}\n", (digest,))

    t = "glpat-" + rand(URLSAFE, 20)
    case("gitlab-pat", "secret", "gitlab-token", "gitlab", "ci/gitlab.py", f"GITLAB_TOKEN = '{t}'\n", (t,))
    t = "pypi-AgEIcHlwaS5vcmc" + rand(URLSAFE, 70)
    case("pypi-token", "secret", "pypi-token", "pypi", "ci/.pypirc.txt", f"[pypi]\nusername = __token__\npassword = {t}\n", (t,))
    t = "SG." + rand(URLSAFE, 22) + "." + rand(URLSAFE, 43)
    case("sendgrid", "secret", "sendgrid-key", "sendgrid", "mail/send.py", f"sg = SendGridAPIClient('{t}')\n", (t,))
    acct_key = base64.b64encode(RNG.randbytes(64)).decode()
    case("azure-storage", "secret", "azure-storage-key", "azure", "az/storage.cs",
         f"var cs = \"DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey={acct_key};EndpointSuffix=core.windows.net\";\n",
         (acct_key,))


def negatives(k: dict[str, str]) -> None:
    b = lambda id, kind, path, text: case(id, "benign", kind, "benign", path, text)  # noqa: E731
    case("aws-example-key-id", "benign", "aws-example", "aws-example", "docs/aws.md",
         "Set `AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE` in your shell.\n")
    case("aws-example-secret-unquoted", "benign", "aws-example", "aws-example", "docs/credentials.example",
         "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")
    case("aws-example-secret-yaml", "benign", "aws-example", "aws-example", "tests/fixtures/aws.yaml",
         "aws:\n  secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")
    case("aws-example-second-pair", "benign", "aws-example", "aws-example", "tests/test_sigv4.py",
         "KEY_ID = 'AKIAI44QH8DHBEXAMPLE'\nSECRET = 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY'\n")
    b("pem-header-constant-python", "pem-constant", "src/tls/pem.py",
      'RSA_HEADER = "-----BEGIN RSA PRIVATE KEY-----"\nRSA_FOOTER = "-----END RSA PRIVATE KEY-----"\n\n'
      "def is_rsa(text):\n    return text.lstrip().startswith(RSA_HEADER)\n")
    b("pem-header-constant-go", "pem-constant", "ssh/keys.go",
      'package ssh\n\nconst (\n\topensshHeader = "-----BEGIN OPENSSH PRIVATE KEY-----"\n'
      '\tpkcs8Header   = "-----BEGIN PRIVATE KEY-----"\n\tecHeader      = "-----BEGIN EC PRIVATE KEY-----"\n)\n')
    b("pem-header-match-rust", "pem-constant", "src/pem.rs",
      'match line {\n    "-----BEGIN ENCRYPTED PRIVATE KEY-----" => Kind::Encrypted,\n'
      '    "-----END ENCRYPTED PRIVATE KEY-----" => Kind::End,\n    _ => Kind::Other,\n}\n')
    b("pem-header-in-docs", "pem-constant", "docs/keys.md",
      "A PKCS#8 key file starts with the line `-----BEGIN PRIVATE KEY-----` and ends with\n"
      "`-----END PRIVATE KEY-----`; an encrypted one with `-----BEGIN ENCRYPTED PRIVATE KEY-----`.\n")
    b("putty-header-constant", "pem-constant", "src/ppk.py",
      'PPK3 = "PuTTY-User-Key-File-3: "\nif first_line.startswith(PPK3):\n    version = 3\n')
    b("public-key-pem", "public-key", "certs/server.pub.txt", k["rsapub.pem"])
    b("certificate-pem", "public-key", "certs/ca.crt.txt", k["cert.pem"])
    b("certificate-body-only", "public-key", "certs/ca-chain.txt", "".join(k["cert.pem"].splitlines(keepends=True)[1:]))
    b("ssh-public-key", "public-key", "deploy/authorized_keys", k["ossh.pub"])
    for id, text in (
        ("placeholder-openai", "OPENAI_API_KEY=sk-...\n"),
        ("placeholder-angle", "api_key = \"<your-token>\"\n"),
        ("placeholder-x-github", "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"),
        ("placeholder-env-var", "token: ${GITHUB_TOKEN}\n"),
        ("placeholder-anthropic", "export ANTHROPIC_API_KEY=sk-ant-...\n"),
        ("placeholder-hf", "HF_TOKEN=hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"),
        ("placeholder-stripe", "stripe.api_key = 'sk_live_xxxxxxxxxxxxxxxxxxxxxxxx'\n"),
        ("placeholder-slack", "SLACK_BOT_TOKEN=xoxb-your-bot-token\n"),
        ("placeholder-google", "GOOGLE_API_KEY=AIzaXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\n"),
        ("placeholder-npm", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n"),
        ("placeholder-aws-secret", "AWS_SECRET_ACCESS_KEY=your-secret-access-key-goes-here\n"),
        ("placeholder-jinja-password", "db_password: \"{{ vault_db_password }}\"\n"),
        ("placeholder-template-uri", "DATABASE_URL=postgres://app:<password>@localhost/app\n"),
    ):
        b(id, "placeholder", "docs/setup.md", text)
    b("env-lookup-password", "code", "app/db.py", "password = os.environ['DB_PASSWORD']\nPASSWORD_MIN_LENGTH = 12\n")
    b("token-prefix-in-docs", "code", "docs/tokens.md",
      "Classic tokens start with `ghp_`, fine-grained ones with `github_pat_`, npm tokens with `npm_`.\n")
    b("sha256-hex", "hash", "src/digests.py", f"EMPTY = '{hashlib.sha256(b'').hexdigest()}'\nKNOWN = '{hashlib.sha256(b'x').hexdigest()}'\n")
    b("git-commit-sha", "hash", "CHANGELOG.md", f"- fixed in {hashlib.sha1(b'c').hexdigest()} (see #12)\n")
    b("md5-hex", "hash", "tests/test_md5.py", f"assert md5(b'abc') == '{hashlib.md5(b'abc').hexdigest()}'\n")
    b("uuid", "hash", "db/seed.sql", "INSERT INTO tenants VALUES ('3f2b8c1e-9d4a-4e7b-8f21-6c5d0a9e1b34', 'acme');\n")
    b("base64-test-data", "base64", "tests/test_codec.py",
      f"VECTOR = '{base64.b64encode(bytes(range(48))).decode()}'\nassert decode(VECTOR) == bytes(range(48))\n")
    b("base64-image", "base64", "web/logo.css",
      "background: url(data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==);\n")
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(b"left-pad").digest()).decode()
    b("npm-lock-integrity", "lockfile", "web/package-lock.json.txt",
      f'"node_modules/left-pad": {{\n  "version": "1.3.0",\n  "integrity": "{integrity}"\n}}\n')
    b("yarn-lock-integrity", "lockfile", "web/yarn-lock.txt",
      f'left-pad@^1.3.0:\n  version "1.3.0"\n  integrity {integrity}\n')
    b("go-sum", "lockfile", "go-sum.txt",
      f"golang.org/x/text v0.3.7 h1:{base64.b64encode(hashlib.sha256(b'text').digest()).decode()}\n")
    b("pip-hash", "lockfile", "requirements-hashes.txt",
      f"click==8.1.7 \\\n    --hash=sha256:{hashlib.sha256(b'click').hexdigest()}\n")
    b("docker-digest", "hash", "deploy/Dockerfile", f"FROM python:3.11-slim@sha256:{hashlib.sha256(b'img').hexdigest()}\n")
    for id, text in (
        ("uri-user-no-password", "git clone https://alice@github.com/acme/app.git\n"),
        ("uri-ssh-git", "url = ssh://git@github.com/acme/app.git\n"),
        ("uri-env-password", "DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app\n"),
        ("uri-shell-password", "psql \"postgresql://app:$PGPASSWORD@localhost/app\"\n"),
        ("uri-no-userinfo", "API = 'https://api.example.com:8443/v1/items?page=2'\n"),
        ("uri-template-password", "url: \"amqp://{{ user }}:{{ password }}@rabbit:5672/\"\n"),
        ("uri-format-string", "dsn = f\"postgresql://{user}:{password}@{host}/{db}\"\n"),
        ("uri-python-percent", "dsn = 'mysql://%s:%s@%s/%s' % (user, password, host, name)\n"),
    ):
        b(id, "url", "src/config.py", text)
    b("jwt-unsigned", "jwt", "tests/test_jwt.py",
      f"UNSIGNED = '{jwt({'sub': 'test'}, signed=False)}'\nassert decode(UNSIGNED, verify=False)['sub'] == 'test'\n")
    b("jwt-header-only-docs", "jwt", "docs/jwt.md", "A JWT header such as `eyJhbGciOiJIUzI1NiJ9` decodes to `{\"alg\":\"HS256\"}`.\n")
    b("stripe-publishable", "public-key", "web/checkout.js", f"const stripe = Stripe('pk_live_{rand(ALNUM, 24)}');\n")
    b("google-oauth-client-id", "public-key", "web/auth.js",
      f"const clientId = '{rand('0123456789', 12)}-{rand(LOWER_ALNUM, 32)}.apps.googleusercontent.com';\n")
    b("ethereum-address", "hash", "contracts/addresses.json", f'{{"treasury": "0x{rand(HEX, 40)}"}}\n')
    b("slack-channel-ids", "code", "bot/channels.py", "ALERTS = 'C024BE91L'\nOWNER = 'U0G9QF9C6'\n")
    b("password-policy-code", "code", "auth/policy.py",
      "def check(password: str) -> bool:\n    return len(password) >= 12 and not password.isalpha()\n")
    b("hex-test-vector", "hash", "tests/test_hmac.py",
      "# RFC 4231 test case 1\nkey = bytes.fromhex('0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b')\n"
      "expected = 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'\n")
    b("random-looking-identifiers", "code", "src/ids.py",
      "CACHE_KEY = 'v2:user:profile:settings:theme'\nBUILD_ID = 'build-20260101-1200-abcdef'\n")
    b("k8s-secret-ref", "placeholder", "deploy/pod.yaml",
      "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db\n        key: password\n")
    b("netrc-docs", "placeholder", "docs/netrc.md", "Write `machine example.com login USER password TOKEN` to ~/.netrc.\n")
    b("long-base64-blob", "base64", "tests/fixtures/blob.py",
      f"BLOB = (\n    '{base64.b64encode(bytes(i % 251 for i in range(60))).decode()}'\n)\n")


def toml_string(text: str) -> str:
    if "'''" not in text and all(c == "\n" or c == "\t" or (ord(c) >= 0x20 and ord(c) != 0x7F) for c in text):
        return "'''\n" + text + "'''"
    return json.dumps(text)


def main() -> None:
    k = keys()
    positives(k)
    negatives(k)
    out = ["# Labelled secret-detection corpus. Generated by make_corpus.py (see its docstring); every",
           "# positive is synthetic and protects nothing. Fields: id, label (secret|benign), kind, path",
           "# (the file the text would be in), secrets (one list per credential: the 1-based lines it spans), source",
           "# (where the format is defined), text.", ""]
    for c in CASES:
        out.append("[[case]]")
        for key in ("id", "label", "kind", "path", "source"):
            out.append(f"{key} = {json.dumps(c[key])}")
        out.append(f"secrets = {json.dumps(c['secrets'])}")
        out.append(f"text = {toml_string(c['text'])}")
        out.append("")
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
