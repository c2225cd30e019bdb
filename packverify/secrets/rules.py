"""Credential formats, one rule each: what a real token of that issuer looks like.

Each rule is a regular expression that starts with a literal (its issuer's prefix or a
fixed word), named again as the rule's ``anchors``: the scan finds every rule's anchors
in one pass and tries a rule only where one of them is (packverify.secrets.anchors;
tests/secrets proves each rule's anchors from its pattern). Shapes follow the issuers' documentation; where a rule
copies the shape of a public rule set it says so (gitleaks/betterleaks, MIT).
``tests/data/secrets/corpus.toml`` names the document behind every format.

Deliberately left out: entropy and keyword-only detectors (``password = "…"``): on
source code they flag hashes, test vectors and ``os.environ`` lookups, and a gate that
cries wolf gets switched off (docs/security.md has the numbers). Keys and password
files, whose shape spans lines, are in :mod:`packverify.secrets.private_keys`.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

_B62 = "A-Za-z0-9"
_URLSAFE = "A-Za-z0-9_-"


@dataclass(frozen=True)
class Rule:
    """``pattern``'s group ``secret`` is the credential; ``accept`` (given the secret and
    the match) may still reject it: a placeholder, an example key, an unsigned token."""

    id: str
    kind: str
    pattern: re.Pattern
    accept: Callable[[str, re.Match], bool] | None = None
    shows_prefix: bool = True  # the literal before the secret names its issuer and is safe to print (ghp_, AKIA)
    # Every match of ``pattern`` starts with one of these strings (a test derives them from
    # the pattern): the scan looks for all rules' anchors in one pass and tries a rule only
    # where one of its anchors is (packverify.secrets.anchors).
    anchors: tuple[str, ...] = ()


_PLACEHOLDER_RUN = re.compile(r"(.)\1{5}")  # xxxxxx, 000000, ......
_PLACEHOLDER_MARKS = ("...", "…", "<", ">", "${", "{{", "}}", "%s", "EXAMPLE", "example", "XXXX", "xxxx")


def looks_random(value: str) -> bool:
    """False for the placeholders documentation and templates use: a run of six equal
    characters, ``...``, ``<token>``, ``${VAR}``, ``{{ var }}``, ``%s``, AWS's ``…EXAMPLE``
    keys, an ALL_CAPS word (``TOKEN``, ``YOUR_API_KEY``), or fewer than four distinct
    characters."""
    if any(mark in value for mark in _PLACEHOLDER_MARKS) or _PLACEHOLDER_RUN.search(value):
        return False
    if value.startswith("$") or (re.fullmatch(r"[A-Z][A-Z0-9_]*", value) and ("_" in value or len(value) <= 12)):
        return False
    # Few distinct characters only where a run or a mark did not already tell: hand-made
    # test tokens (``ghp_`` + ``a1B2`` × 9) are still credentials to a gate (and to the
    # strategies' planted defects); the corpus has no benign case this lets through.
    return len(set(value)) >= min(4, len(value))


def _tail(value: str) -> bool:
    """The random part after the issuer's prefix looks random."""
    return looks_random(re.sub(r"^[a-z]+[_-](?:[a-z]+\d*[_-])?", "", value))


def _signed_jwt(value: str) -> bool:
    header = value.split(".", 1)[0]
    try:
        decoded = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    except (ValueError, binascii.Error):
        return False
    return isinstance(decoded, dict) and str(decoded.get("alg", "")).lower() not in ("", "none")


def _uri_password(value: str) -> bool:
    # ${VAR}, $VAR, {name}, <password>, %s, :password are templates, not credentials
    if value[:1] in "${<%:*" or value.startswith("{") or value.lower() in ("password", "pass", "passwd", "secret"):
        return False
    return looks_random(value) or len(value) >= 3


def _c(pattern: str, flags: int = 0) -> re.Pattern:
    return re.compile(pattern, flags)


def _v(check: Callable[[str], bool]) -> Callable[[str, re.Match], bool]:
    return lambda value, _match: check(value)


def _aws_secret(value: str, match: re.Match) -> bool:
    """``…ecret`` names an AWS secret key: ``secret_access_key`` in any spelling, or
    ``aws_secret``/``awsSecret`` (the rule starts at the literal ``ecret``/``ECRET``)."""
    before = match.string[max(0, match.start() - 5):match.start()].lower().replace("_", "").replace("-", "")
    named = (match.group("name") or "").lower().replace("_", "")
    return before.endswith("s") and ("access" in named or before.endswith("awss")) and looks_random(value)


def _mailchimp(value: str, match: re.Match) -> bool:
    """``-usN`` ends a Mailchimp key only after 32 lowercase hex digits (and no more)."""
    start = match.start()
    key = match.string[max(0, start - 33):start]
    return len(key) >= 32 and re.fullmatch(r"[0-9a-f]{32}", key[-32:]) is not None and \
        (len(key) == 32 or key[0] not in "0123456789abcdef") and looks_random(key[-32:])


# The order matters only for reporting: where two rules match the same characters (a
# GitHub token inside a remote URL), the earlier, more specific rule names it.
RULES: tuple[Rule, ...] = (
    Rule("github-token", "GitHub token", _c(rf"gh[pousr]_(?P<secret>[{_B62}]{{36}})(?![{_B62}])"), _v(_tail),
         anchors=("ghp_", "gho_", "ghu_", "ghs_", "ghr_")),
    Rule("github-fine-grained-pat", "GitHub fine-grained personal access token",
         _c(rf"github_pat_(?P<secret>[{_B62}]{{22}}_[{_B62}]{{59}})(?![{_B62}])"), _v(looks_random),
         anchors=("github_pat_",)),
    Rule("gitlab-token", "GitLab token",
         _c(rf"gl(?:pat|dt|rt|cbt|ptt|soat|ffct|imt|agent|oas|ft)-(?P<secret>[{_URLSAFE}]{{20,}})"), _v(looks_random),
         anchors=("glpat-", "gldt-", "glrt-", "glcbt-", "glptt-", "glsoat-", "glffct-", "glimt-", "glagent-", "gloas-",
                  "glft-")),
    Rule("gitlab-runner-token", "GitLab runner registration token", _c(rf"GR1348941(?P<secret>[{_URLSAFE}]{{20,}})"),
         _v(looks_random), anchors=("GR1348941",)),
    Rule("npm-token", "npm access token", _c(rf"npm_(?P<secret>[{_B62}]{{36}})(?![{_B62}])"), _v(looks_random),
         anchors=("npm_",)),
    Rule("slack-token", "Slack token",
         _c(r"(?P<secret>xox[abposre]-[0-9]{8,}-[0-9A-Za-z-]{8,})"), _v(_tail), anchors=("xox",)),
    Rule("slack-app-token", "Slack app-level token", _c(r"(?P<secret>xapp-\d-[A-Z0-9]{8,}-\d{8,}-[a-z0-9]{32,})"), _v(_tail),
         anchors=("xapp-",)),
    Rule("slack-webhook", "Slack webhook URL",
         _c(r"hooks\.slack\.com/(?:services|workflows|triggers)/(?P<secret>[A-Za-z0-9+/_-]{20,})"), _v(looks_random),
         anchors=("hooks.slack.com/",)),
    Rule("stripe-key", "Stripe live secret key", _c(rf"sk_live_(?P<secret>[{_B62}]{{20,}})"), _v(looks_random),
         anchors=("sk_live_",)),
    Rule("stripe-key", "Stripe live restricted key", _c(rf"rk_live_(?P<secret>[{_B62}]{{20,}})"), _v(looks_random),
         anchors=("rk_live_",)),
    Rule("stripe-webhook-secret", "Stripe webhook signing secret", _c(r"whsec_(?P<secret>[A-Za-z0-9+/=]{24,})"),
         _v(looks_random), anchors=("whsec_",)),
    Rule("google-api-key", "Google API key", _c(rf"AIza(?P<secret>[{_URLSAFE}]{{35}})(?![{_URLSAFE}])"), _v(looks_random),
         anchors=("AIza",)),
    Rule("openai-key", "OpenAI API key",
         _c(rf"sk-(?:(?:proj|svcacct|admin)-)?(?P<secret>[{_URLSAFE}]{{20,}}T3BlbkFJ[{_URLSAFE}]{{20,}})"), _v(looks_random),
         anchors=("sk-",)),
    Rule("anthropic-key", "Anthropic API key", _c(rf"sk-ant-[a-z]+\d\d-(?P<secret>[{_URLSAFE}]{{80,}})"), _v(looks_random),
         anchors=("sk-ant-",)),
    Rule("huggingface-token", "Hugging Face token", _c(r"hf_(?P<secret>[A-Za-z]{34})(?![A-Za-z0-9])"), _v(looks_random),
         anchors=("hf_",)),
    Rule("huggingface-token", "Hugging Face organisation token", _c(r"api_org_(?P<secret>[A-Za-z]{34})(?![A-Za-z0-9])"),
         _v(looks_random), anchors=("api_org_",)),
    Rule("aws-access-key-id", "AWS access key id",
         _c(r"(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)(?P<secret>[A-Z2-7]{16})(?![A-Za-z0-9])"), _v(looks_random),
         anchors=("A3T", "AKIA", "ASIA", "ABIA", "ACCA")),
    # After a name that says what it is, quoted or not (YAML, .env, ~/.aws/credentials). The
    # patterns start at a literal (``ecret``): a leading character class costs 20× (bench).
    Rule("aws-secret-access-key", "AWS secret access key",
         _c(r"ecret(?P<name>_?[Aa]ccess_?[Kk]ey|_?[Kk]ey)?[\"']?\s*(?::=|=>|[:=])\s*[\"']?"
            r"(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"), _aws_secret, shows_prefix=False, anchors=("ecret",)),
    Rule("aws-secret-access-key", "AWS secret access key",
         _c(r"ECRET(?P<name>_?ACCESS_?KEY|_?KEY)?[\"']?\s*(?::=|=>|[:=])\s*[\"']?"
            r"(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"), _aws_secret, shows_prefix=False, anchors=("ECRET",)),
    Rule("azure-storage-key", "Azure storage account key", _c(r"AccountKey=(?P<secret>[A-Za-z0-9+/]{86}==)"),
         _v(looks_random), anchors=("AccountKey=",)),
    Rule("pypi-token", "PyPI upload token", _c(rf"pypi-AgEIcHlwaS5vcmc(?P<secret>[{_URLSAFE}]{{50,}})"), _v(looks_random),
         anchors=("pypi-AgEIcHlwaS5vcmc",)),
    Rule("sendgrid-key", "SendGrid API key", _c(rf"SG\.(?P<secret>[{_URLSAFE}]{{22}}\.[{_URLSAFE}]{{43}})"),
         _v(looks_random), anchors=("SG.",)),
    Rule("mailchimp-key", "Mailchimp API key", _c(r"(?P<secret>-us\d{1,2})(?![0-9A-Za-z])"), _mailchimp,
         shows_prefix=False, anchors=("-us",)),
    Rule("square-token", "Square access token", _c(rf"sq0(?:csp|atp)-(?P<secret>[{_URLSAFE}]{{22,}})"), _v(looks_random),
         anchors=("sq0",)),
    Rule("jwt", "signed JSON Web Token",
         _c(rf"(?P<secret>eyJ[{_URLSAFE}]{{8,}}\.eyJ[{_URLSAFE}]{{8,}}\.[{_URLSAFE}]{{16,}})"), _v(_signed_jwt),
         anchors=("eyJ",)),
    # scheme://user:password@host — the password; user may be empty (redis://:pw@host).
    Rule("credential-uri", "password in a URL",
         _c(r"://[^\s:/?#@'\"`<>{}]*:(?P<secret>[^\s/?#@'\"`]+)@[A-Za-z0-9\[][A-Za-z0-9.\-\[\]:]*"), _v(_uri_password),
         shows_prefix=False, anchors=("://",)),
)
