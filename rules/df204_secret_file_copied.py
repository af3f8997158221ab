import posixpath
import re

from dockerlint.rulekit.buildkit import args_span, arg_words
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.patterns import lazy

# Files that hold private keys or credentials, by base name.
_SECRET_NAMES = {
    "id_rsa": "an SSH private key", "id_dsa": "an SSH private key", "id_ecdsa": "an SSH private key",
    "id_ed25519": "an SSH private key", "id_ecdsa_sk": "an SSH private key", "id_ed25519_sk": "an SSH private key",
    ".env": "an environment file with secrets", ".npmrc": "npm credentials",
    ".pypirc": "PyPI credentials", ".netrc": "login credentials", ".git-credentials": "git credentials",
    ".dockercfg": "registry credentials", ".htpasswd": "password hashes", ".pgpass": "PostgreSQL passwords",
    ".my.cnf": "MySQL credentials", "credentials.json": "service-account credentials",
    "secring.gpg": "a GPG private keyring", "terraform.tfvars": "Terraform variables (often secrets)",
}
# Directories whose whole content is secret.
_SECRET_DIRS = {".ssh": "SSH keys", ".aws": "AWS credentials", ".gnupg": "GPG keys", ".kube": "Kubernetes credentials",
                ".azure": "Azure credentials", ".config/gcloud": "Google Cloud credentials"}
_KEY_SUFFIXES = {".pem": "a private key", ".key": "a private key", ".p12": "a PKCS#12 key store",
                 ".pfx": "a PKCS#12 key store", ".jks": "a Java key store", ".keystore": "a key store",
                 ".ppk": "a PuTTY private key"}
# Certificates and other public material that share the suffixes above.
_PUBLIC = lazy(
    r"(?:^|[._-])(?:cert|certs|certificate|crt|ca|cacert|chain|fullchain|bundle|pub|pubkey|public|root|trust|truststore|"
    r"dh|dhparams?|ffdhe\d*|params|gpg|pgp|release|repo|archive|keyring|signing|apt|yum|rpm)(?:[._-]|$)",
    re.I,
)
# Repository signing keys (`jenkins.io-2023.key`, `nodesource.gpg.key`) are public: so is what
# goes to the keyring directories.
_KEYRING_DEST = lazy(r"^/(?:usr/share/keyrings|etc/apt/(?:keyrings|trusted\.gpg\.d)|etc/pki/rpm-gpg)(?:/|$)")
_DOMAIN_KEY = lazy(r"^[a-z0-9-]+\.(?:io|org|com|net|dev)(?:[._-].*)?$", re.I)
_ENV_VARIANTS = lazy(r"^\.env\.(?!example$|sample$|template$|dist$|defaults?$|test$|ci$)[\w.-]+$")


def _secret_kind(path: str) -> str | None:
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if not parts:
        return None
    for k in range(len(parts)):
        for directory, what in _SECRET_DIRS.items():
            if "/".join(parts[k : k + directory.count("/") + 1]) == directory:
                return what
    base = parts[-1]
    if base in _SECRET_NAMES:
        return _SECRET_NAMES[base]
    if base == "config.json" and len(parts) > 1 and parts[-2] == ".docker":
        return "registry credentials"
    if _ENV_VARIANTS.match(base):
        return "an environment file with secrets"
    stem, suffix = posixpath.splitext(base)
    what = _KEY_SUFFIXES.get(suffix.lower())
    if what and not _PUBLIC.search(stem) and not _DOMAIN_KEY.match(stem):
        return what
    return None


class SecretFileCopied(Rule):
    """A private key or credentials file is copied into the image.

    ## What it does
    Flags `COPY` and `ADD` sources that are secrets by name: SSH private keys (`id_rsa`,
    `id_ed25519`, ...), `.ssh/`, `.aws/`, `.gnupg/`, `.kube/` directories and
    `.docker/config.json`, key files
    (`*.key`, `*.pem`, `*.p12`, `*.pfx`, `*.jks`, but not certificates such as `ca.pem` or
    `fullchain.pem`), `.env` files (not `.env.example`), and tool credential files (`.npmrc`,
    `.pypirc`, `.netrc`, `.git-credentials`, `.pgpass`, `credentials.json`, ...).

    ## Why is this bad?
    Whatever `COPY` puts in a layer stays in the image, even if a later `RUN rm` deletes it:
    anyone who can pull the image can extract the key from the layer. In a builder stage the file
    still sits in the build cache and in any image pushed from that stage. Use build secrets
    (`RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci`) or SSH forwarding
    (`RUN --mount=type=ssh git clone ...`) during the build, and runtime secrets for the
    container.

    ## Scope
    Every stage; `COPY --from` too (it copies a secret into this stage). Sources with variables
    and heredocs are skipped. `COPY . .` is not judged: use DF112 with a `.dockerignore` to keep
    secrets out of the context.

    ## Compared with other tools
    Trivy DS031 flags only `COPY` of a few credential files named by environment variables
    (`GOOGLE_APPLICATION_CREDENTIALS`, ...); Checkov and hadolint have no equivalent.
    """

    code = "DF204"
    name = "secret-file-copied"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    security = True
    examples = [
        bad("FROM debian:12\nCOPY id_rsa /root/.ssh/id_rsa\n", at=(2, 6)),
        bad("FROM node:20-slim\nCOPY package.json .npmrc ./\n", at=(2, 19)),
        bad("FROM python:3.12-slim\nADD .aws/credentials /root/.aws/credentials\n", at=(2, 5)),
        bad("FROM nginx:1.27\nCOPY certs/server.key /etc/nginx/tls/\n", at=(2, 6)),
        bad("FROM debian:12\nCOPY .ssh /root/.ssh\n", at=(2, 6)),
        bad("FROM node:20-slim\nCOPY .env.production /app/.env\n", at=(2, 6)),
        ok("FROM nginx:1.27\nCOPY certs/fullchain.pem certs/ca.pem /etc/nginx/tls/\n"),
        ok("FROM node:20-slim\nCOPY .env.example package.json /app/\n"),
        ok("FROM debian:12\nCOPY id_rsa.pub /root/.ssh/authorized_keys\n"),
        ok("FROM jenkins/jenkins:lts\nCOPY jenkins.io-2026.key dhparam.pem /tmp/\nCOPY vendor.key /usr/share/keyrings/\n"),
    ]

    def check(self, ctx):
        for ins in ctx.dockerfile.instructions:
            if ins.keyword not in ("COPY", "ADD"):
                continue
            if ins.json is not None:
                continue
            words = arg_words(ins)
            if len(words) < 2 or _KEYRING_DEST.match(words[-1].text.strip("\"'")):
                continue
            for word in words[:-1]:
                src = word.text
                if src.startswith("<<") or "$" in src or "://" in src:
                    continue
                what = _secret_kind(src.strip("\"'").rstrip("/"))
                if what:
                    ctx.report(
                        args_span(ins, word.start, word.end),
                        f"`{src}` looks like {what}: {ins.keyword} bakes it into an image layer; use a build secret (`RUN --mount=type=secret`) instead",
                    )
