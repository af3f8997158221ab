from dockerlint.rulekit.insecure import commands, flag_word
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok


class PasswordSetInImage(Rule):
    """A password is set (or removed) while building the image.

    ## What it does
    Flags `RUN` commands that set or clear an account password: `chpasswd`,
    `useradd`/`usermod -p` (`--password`), `passwd --stdin` and `passwd -d`.

    ## Why is this bad?
    The password hash is baked into `/etc/shadow` of every container started from the image,
    and the clear-text password usually sits in the Dockerfile and in the image history
    (`docker history`), readable by anyone who can pull the image. A deleted password
    (`passwd -d`) allows password-less logins. Containers should not need login passwords; pass
    credentials at run time (secrets, environment) if a service needs one.

    ## Scope
    Every stage, `RUN` inside `ONBUILD` included; only POSIX-shell `RUN`s are read.

    ## Compared with other tools
    Checkov CKV2_DOCKER_17 (looks for the word `chpasswd`); this rule also covers `useradd`/
    `usermod -p` and `passwd`. hadolint has no equivalent.
    """

    code = "DF203"
    name = "password-set-in-image"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("CKV2_DOCKER_17",)
    security = True
    examples = [
        bad("FROM debian:12\nRUN echo 'root:toor' | chpasswd\n", at=(2, 24)),
        bad("FROM debian:12\nRUN useradd -m -p \"$(openssl passwd -1 secret)\" app\n", at=(2, 16)),
        bad("FROM debian:12\nRUN passwd -d root\n", at=(2, 12)),
        ok("FROM debian:12\nRUN useradd --create-home --shell /usr/sbin/nologin app\n"),
        ok("FROM debian:12\nRUN passwd -l root\n"),
    ]

    def check(self, ctx):
        for rs, cmd in commands(ctx):
            name = cmd.basename
            word = None
            if name == "chpasswd":
                message = "`chpasswd` sets passwords inside the image; they stay in /etc/shadow and in the build history"
            elif name in ("useradd", "usermod", "adduser"):
                word = flag_word(cmd, long=("--password",), short="p", short_with_value="bcdefgGkKsuUZL")
                if word is None:
                    continue
                message = f"`{name} {word.value}` sets a password inside the image; it stays in /etc/shadow and in the build history"
            elif name == "passwd":
                word = flag_word(cmd, long=("--stdin", "--delete"), short="d")
                if word is None:
                    continue
                action = "removes the password (password-less login)" if word.value in ("-d", "--delete") else "sets a password"
                message = f"`passwd {word.value}` {action} inside the image"
            else:
                continue
            ctx.report(rs.word_span(word) if word is not None else rs.span(cmd.name_word.start, cmd.name_word.end), message)
