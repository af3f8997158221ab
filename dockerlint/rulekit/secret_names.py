"""Names and values of credentials, shared by the Kubernetes and Compose rules (KS028, KS053,
DC011): which setting names hold a secret, and which values are literal secrets rather than
references, templates or placeholders.
"""
from __future__ import annotations

import re
from dockerlint.rulekit.patterns import lazy

# Helm/Kustomize/Compose/envsubst placeholders: the real value is unknown
TEMPLATED = lazy(r"\{\{|\$\{|\$\(|^\$[A-Za-z_]")


def is_templated(value: str | None) -> bool:
    return value is not None and bool(TEMPLATED.search(value))


# Names of settings that hold credentials. Word parts are matched on `_`, `-`, `.` and case
# boundaries, so `PASSWORD_FILE`/`TOKEN_PATH`/`SECRET_NAME` (references, not values) are told apart.
_SENSITIVE = lazy(
    r"(?:^|[_.\-])(?:PASSWORD|PASSWD|PASS|PASSPHRASE|SECRET|SECRETS|TOKEN|APIKEY|API_KEY|ACCESS_KEY|"
    r"PRIVATE_KEY|SECRET_KEY|CLIENT_SECRET|AUTH_KEY|AUTH_TOKEN|ACCESS_TOKEN|"
    r"SIGNING_KEY|ENCRYPTION_KEY|MASTER_KEY|CONNECTION_STRING)(?:$|[_.\-])"
)
# words after the credential word that make the variable describe a secret instead of holding it
# (`PASSWORD_FILE`, `TOKEN_EXPIRY_SECONDS`, `SECRET_NAME`)
_METADATA_WORDS = frozenset(
    "FILE PATH DIR NAME REF KEY_ID ID USER USERNAME LENGTH LEN MIN MAX TTL EXPIRY EXPIRES EXPIRATION "
    "TIMEOUT URL URI ENDPOINT HEADER ENABLED REQUIRED POLICY TYPE MODE VERSION COUNT PREFIX FIELD "
    "SOURCE PROVIDER LOCATION STORE VAULT MOUNT SECONDS SECS SEC MINUTES MINS HOURS DAYS MS MILLIS "
    "SIZE BYTES LIMIT RETRIES PORT HOST ALGORITHM ALG ISSUER AUDIENCE SCOPE SCOPES LIFETIME DURATION "
    "INTERVAL KIND FORMAT LOCATION".split()
)
def split_words(name: str) -> str:
    """`dbPassword` -> `DB_PASSWORD`, `api-key` -> `API_KEY`: one spelling for the patterns."""
    return re.sub(r"[-.\s]", "_", re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)).upper()


# a word before the credential that makes the variable a switch (`MYSQL_RANDOM_ROOT_PASSWORD`)
_SWITCH = lazy(r"(?:^|_)(?:RANDOM|ALLOW_EMPTY|EMPTY|GENERATE|SKIP|DISABLE|ENABLE|USE|REQUIRE|REQUIRED|NO)_")


def is_sensitive_name(name: str) -> bool:
    """A setting name that holds a credential (`DB_PASSWORD`, `apiKey`, `GITHUB_TOKEN`), and not
    one that only points at it (`PASSWORD_FILE`, `TOKEN_PATH`, `SECRET_NAME`) or switches a
    behaviour (`MYSQL_RANDOM_ROOT_PASSWORD`, `MYSQL_ALLOW_EMPTY_PASSWORD`)."""
    words = split_words(name)
    m = _SENSITIVE.search(words)
    if not m:
        return False
    if _SWITCH.search(words[: m.start() + 1]):
        return False
    after = words[m.end():].strip("_").split("_")
    return not any(w in _METADATA_WORDS for w in after)


_PLACEHOLDER = lazy(
    r"^(?:|changeme|change[-_ ]?me|none|null|nil|true|false|yes|no|on|off|[01]|todo|tbd|xxx+|\*+|<[^>]*>|"
    r"\[[^\]]*\]|example|placeholder|redacted|dummy|your[-_ ].*)$",
    re.I,
)


def is_literal_secret(value: str) -> bool:
    """A literal that may be a real credential: not empty, not a reference to another variable
    (`$(VAR)`, `${VAR}`), not a template, not an obvious placeholder."""
    v = value.strip()
    if not v or is_templated(v) or _PLACEHOLDER.match(v):
        return False
    if v.startswith(("/", "./", "../", "~/", "file:")):
        return False  # a path to a secret file, not the secret
    return True
