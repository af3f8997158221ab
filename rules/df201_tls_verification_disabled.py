import re

from dockerlint.rulekit.insecure import commands, env_settings, flag_word
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.patterns import lazy

_CURL_VALUE_OPTS = "AbcCdDeEFHKmoPQrtTuUwxXyYz"
_FALSE = {"false", "0", "no", "off"}
_SSLVERIFY = lazy(r"(?:^|[.\s])sslverify\s*=\s*['\"]?(?:0|false|no)\b", re.I)
_GIT_SSLVERIFY = lazy(r"^http(?:\..+)?\.sslverify=(?:false|0|no|off)$", re.I)
_APT_VERIFY = lazy(r"^Acquire::https(?:::[^:]+)?::Verify-(?:Peer|Host)\s*=\s*\"?(?:false|0|no)\"?$", re.I)

# NAME -> (is the value insecure?, alias, what it does)
_ENV = {
    "PYTHONHTTPSVERIFY": (lambda v: v.strip() == "0", "CKV2_DOCKER_5", "makes Python's urllib skip HTTPS certificate verification"),
    "NODE_TLS_REJECT_UNAUTHORIZED": (lambda v: v.strip() == "0", "CKV2_DOCKER_6", "makes Node.js accept any TLS certificate"),
    "GIT_SSL_NO_VERIFY": (lambda v: True, "CKV2_DOCKER_14", "makes git skip TLS certificate verification (whatever its value)"),
    "PIP_TRUSTED_HOST": (lambda v: bool(v.strip()), "CKV2_DOCKER_16", "makes pip trust the host without a valid certificate"),
    "NPM_CONFIG_STRICT_SSL": (lambda v: v.strip().lower() == "false", "CKV2_DOCKER_12", "makes npm accept any TLS certificate"),
    "GOINSECURE": (lambda v: bool(v.strip()), "CKV2_DOCKER_18", "makes Go fetch those modules without TLS verification"),
}


class TlsVerificationDisabled(Rule):
    """TLS certificate verification is turned off.

    ## What it does
    Flags the ways a Dockerfile tells a download tool to accept any TLS certificate:

    - `curl -k` / `--insecure`, `wget --no-check-certificate`, `git -c http.sslVerify=false`
      (and `git config http.sslVerify false`), `apt-get -o Acquire::https::Verify-Peer=false`;
    - `pip --trusted-host` (and `pip config set global.trusted-host`);
    - `npm`/`yarn`/`pnpm config set strict-ssl false`, `npm --strict-ssl=false`;
    - `yum`/`dnf --setopt=sslverify=0` and `sslverify=0` written into a repository file;
    - environment variables, set with `ENV`, `ARG` or inside `RUN`: `PYTHONHTTPSVERIFY=0`,
      `NODE_TLS_REJECT_UNAUTHORIZED=0`, `GIT_SSL_NO_VERIFY`, `PIP_TRUSTED_HOST`,
      `NPM_CONFIG_STRICT_SSL=false`, `GOINSECURE`.

    ## Why is this bad?
    Without certificate verification anyone on the network path (a proxy, a compromised Wi-Fi,
    DNS spoofing) can serve their own package or script, and it runs inside the image with root
    rights. Fix the trust store instead: install the CA certificate (`ca-certificates`,
    `update-ca-certificates`, `PIP_CERT`, `NODE_EXTRA_CA_CERTS`).

    ## Scope
    Every stage, `RUN` inside `ONBUILD` included: a builder stage that downloads unverified code
    can plant it in the artifacts it hands to the final image. Only POSIX-shell `RUN`s are read.

    ## Compared with other tools
    Checkov reports these as CKV2_DOCKER_2 (curl), 3 (wget), 4 (pip option), 5, 6, 12-16, 18
    (variables and config commands) with regular expressions over the instruction text; each
    finding here carries the matching Checkov id. The `git`, `apt` and `npm --strict-ssl` cases
    have no Checkov check. hadolint has no equivalent.
    """

    code = "DF201"
    name = "tls-verification-disabled"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = (
        "CKV2_DOCKER_2", "CKV2_DOCKER_3", "CKV2_DOCKER_4", "CKV2_DOCKER_5", "CKV2_DOCKER_6", "CKV2_DOCKER_12",
        "CKV2_DOCKER_13", "CKV2_DOCKER_14", "CKV2_DOCKER_15", "CKV2_DOCKER_16", "CKV2_DOCKER_18",
    )
    security = True
    examples = [
        bad("FROM debian:12\nRUN curl -fsSLk https://example.com/install.sh | sh\n", at=(2, 10)),
        bad("FROM debian:12\nRUN wget --no-check-certificate -O /tmp/x.tgz https://example.com/x.tgz\n", at=(2, 10)),
        bad("FROM python:3.12-slim\nRUN pip install --trusted-host pypi.org flask\n", at=(2, 17)),
        bad("FROM node:20-slim\nENV NODE_TLS_REJECT_UNAUTHORIZED=0\n", at=(2, 5)),
        bad("FROM node:20-slim\nRUN npm config set strict-ssl false && npm ci\n", at=(2, 20)),
        bad("FROM python:3.12-slim\nRUN export PYTHONHTTPSVERIFY=0 && python fetch.py\n", at=(2, 12)),
        bad("FROM alpine:3.20\nARG GIT_SSL_NO_VERIFY=1\n", at=(2, 5)),
        bad("FROM rockylinux:9\nRUN dnf --setopt=sslverify=false install -y nginx\n", at=(2, 9)),
        bad("FROM debian:12\nRUN git -c http.sslVerify=false clone https://example.com/repo.git\n", at=(2, 12)),
        ok("FROM debian:12\nRUN curl -fsSL -o k https://example.com/k && wget -q https://example.com/x\n"),
        ok("FROM node:20-slim\nENV NODE_TLS_REJECT_UNAUTHORIZED=1 NODE_EXTRA_CA_CERTS=/etc/ssl/corp.pem\n"),
        ok("FROM python:3.12-slim\nRUN pip install --index-url https://pypi.example.com/simple flask\n"),
    ]

    def check(self, ctx):
        for setting in env_settings(ctx):
            name = setting.name.upper() if setting.name.upper() == "NPM_CONFIG_STRICT_SSL" else setting.name
            rule = _ENV.get(name)  # npm reads npm_config_* in any case; the others are exact
            if rule is None:
                continue
            insecure, alias, what = rule
            if "$" in setting.value or not insecure(setting.value):
                continue
            ctx.report(setting.span, f"`{setting.name}` {what}: TLS certificate verification is disabled", aliases=(alias,))
        for rs, cmd in commands(ctx):
            for word, message, alias in self._command(cmd):
                span = rs.word_span(word) if word is not None else rs.command_span(cmd)
                ctx.report(span, message, aliases=(alias,) if alias else ())

    @staticmethod
    def _command(cmd):
        name = cmd.basename
        if name == "curl":
            word = flag_word(cmd, long=("--insecure", "--proxy-insecure", "--doh-insecure"), short="k", short_with_value=_CURL_VALUE_OPTS)
            if word:
                yield word, f"`curl {word.value}` accepts any TLS certificate: verification is disabled", "CKV2_DOCKER_2"
        elif name == "wget":
            word = flag_word(cmd, long=("--no-check-certificate",))
            if word:
                yield word, "`wget --no-check-certificate` accepts any TLS certificate: verification is disabled", "CKV2_DOCKER_3"
            for w in cmd.args:
                if re.fullmatch(r"(?:-e|--execute=)?\s*check_certificate\s*=\s*(?:off|0|no)", w.value, re.I):
                    yield w, "wget `check_certificate=off` accepts any TLS certificate: verification is disabled", "CKV2_DOCKER_3"
        elif name.startswith(("pip", "python")) and (  # (every command comes here: no regex for most)
            name in ("pip", "pip3") or re.fullmatch(r"pip3(?:\.\d+)?", name)
            or (re.fullmatch(r"python[0-9.]*", name) and [w.value for w in cmd.args[:2]] == ["-m", "pip"])
        ):
            word = flag_word(cmd, long=("--trusted-host",))
            if word:
                yield word, "`pip --trusted-host` installs from that host without a valid certificate: verification is disabled", "CKV2_DOCKER_4"
            values = [w.value for w in cmd.args]
            if "config" in values and any(v.endswith("trusted-host") for v in values):
                word = next(w for w in cmd.args if w.value.endswith("trusted-host"))
                yield word, "`pip config set ...trusted-host` trusts that host without a valid certificate: verification is disabled", "CKV2_DOCKER_4"
        elif name in ("npm", "yarn", "pnpm"):
            values = [w.value.lower() for w in cmd.args]
            for k, v in enumerate(values):
                key, eq, val = v.partition("=")
                if key.strip("\"'") in ("strict-ssl", "enablestrictssl") and "set" in values[:k]:
                    setting = val if eq else (values[k + 1] if k + 1 < len(values) else "")
                    if setting.strip("\"'") in _FALSE:
                        yield cmd.args[k], f"`{name} config set strict-ssl false` accepts any TLS certificate: verification is disabled", "CKV2_DOCKER_13"
                if v in ("--strict-ssl=false", "--no-strict-ssl"):
                    yield cmd.args[k], f"`{name} {cmd.args[k].value}` accepts any TLS certificate: verification is disabled", None
        elif name in ("yum", "dnf", "microdnf", "tdnf", "yum-config-manager", "dnf-3"):
            for w in cmd.args:
                if w.value.startswith("--setopt=") and _SSLVERIFY.search(w.value[len("--setopt="):].strip("\"'")):
                    yield w, f"`{name} {w.value}` accepts any TLS certificate for the repositories: verification is disabled", "CKV2_DOCKER_15"
            words = [w.value for w in cmd.args]
            for k, v in enumerate(words[:-1]):
                if v == "--setopt" and _SSLVERIFY.search(words[k + 1].strip("\"'")):
                    yield cmd.args[k + 1], f"`{name} --setopt {words[k + 1]}` accepts any TLS certificate: verification is disabled", "CKV2_DOCKER_15"
        elif name in ("echo", "printf", "tee", "sed"):
            for w in cmd.args:
                if _SSLVERIFY.search(w.value) and not w.value.startswith("-"):
                    yield w, "`sslverify=0` in a repository configuration accepts any TLS certificate: verification is disabled", None
        elif name == "git":
            values = [w.value for w in cmd.args]
            for k, v in enumerate(values):
                if v == "-c" and k + 1 < len(values) and _GIT_SSLVERIFY.match(values[k + 1]):
                    yield cmd.args[k + 1], f"`git -c {values[k + 1]}` accepts any TLS certificate: verification is disabled", None
                if v.lower().startswith("http") and v.lower().endswith(".sslverify") and "config" in values[:k]:
                    if k + 1 < len(values) and values[k + 1].lower() in _FALSE:
                        yield cmd.args[k], f"`git config {v} {values[k + 1]}` accepts any TLS certificate: verification is disabled", None
        elif name in ("apt-get", "apt", "aptitude"):
            values = [w.value for w in cmd.args]
            for k, v in enumerate(values):
                opt = values[k + 1] if v == "-o" and k + 1 < len(values) else (v[2:] if v.startswith("-o") and len(v) > 2 else None)
                if opt and _APT_VERIFY.match(opt.lstrip("=")):
                    word = cmd.args[k + 1] if v == "-o" else cmd.args[k]
                    yield word, f"`{name} -o {opt.lstrip('=')}` accepts any TLS certificate for the repositories: verification is disabled", None
