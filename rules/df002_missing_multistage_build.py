from dockerlint.model import Applicability, Edit, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok
from dockerlint.rulekit.analysis import final_image_stages, stage_infos
from dockerlint.rulekit.runs import cached_run_scripts
from dockerlint.rulekit.toolchains import copies_from_stage, leftover_toolchain_installs, node_dev_build, toolchain_base_use


class MissingMultistageBuild(Rule):
    """The final image ships the compilers and build tools it was built with.

    ## What it does
    Looks at the stages that make up the final image (the last stage and the stages it is
    built `FROM`) when none of them copies from another stage (`COPY --from`), and flags:

    - a `RUN` that installs compilers or build tools (`build-essential`, `gcc`, `g++`, `make`,
      `cmake`, `clang`, `build-base`, `musl-dev`, `libc6-dev`, `gcc-c++`, `golang`, `cargo`,
      `rustc`, `maven`, `gradle`, `default-jdk`, `openjdk-*-jdk`...) with `apt-get`, `apk`,
      `yum`/`dnf`/`microdnf` or `zypper` and does not remove them again in the same `RUN`
      (`apt-get purge`, `apk del`, also `apk add --virtual .build-deps ... && apk del .build-deps`,
      and the `apt-mark auto` + `apt-get purge --auto-remove` idiom of the official images);
    - a toolchain base image (`golang`, `rust`, `maven`, `gradle`, `gcc`, `buildpack-deps`, a JDK
      image such as `eclipse-temurin:21-jdk`, `mcr.microsoft.com/dotnet/sdk`) used to build
      (`go build`, `cargo build`, `mvn package`, `gradle build`, `javac`, `dotnet publish`, `make`);
    - `npm run build` / `yarn build` / `pnpm build` after a full `npm ci` / `npm install` /
      `yarn install` / `pnpm install` (devDependencies included: no `--omit=dev`,
      `--production`, `NODE_ENV=production`) that is never pruned (`npm prune --omit=dev`).

    The message names what ships, for example "gcc and make installed at line 4 ship in the
    final image".

    ## Why is this bad?
    Compilers, headers, SDKs and devDependencies are only needed to produce the application;
    shipped, they make the image several times larger (golang ~800 MB against ~20 MB for a
    static binary on distroless), slower to pull and start, and give an attacker who gets in a
    ready-made toolchain. A multi-stage build compiles in a builder stage and copies only the
    result into a small runtime stage:

    ```dockerfile
    FROM golang:1.22 AS build
    RUN go build -o /app .
    FROM gcr.io/distroless/static-debian12
    COPY --from=build /app /app
    ```

    ## Scope
    Only the stages in the final image; builder stages are where toolchains belong. A final
    image that already copies from another stage is taken as a multi-stage build and not
    judged. `ONBUILD` instructions are skipped (they run in another build).

    ## Fix safety
    Display-only: for Go, Python, Node.js and Maven/Gradle builds the finding carries the whole
    Dockerfile rewritten into a builder stage and a slim runtime stage (Go: distroless static
    `:nonroot`; Python: wheels built in the builder, installed on `-slim`; Node.js: production
    dependencies on `-slim`; Java: the jar on the eclipse-temurin JRE). It is shown, never
    applied: paths and commands are guesses to review. `dockerlint suggest multistage FILE`
    prints it.

    ## Compared with other tools
    hadolint, Checkov and Trivy have no equivalent; image-size tools (dive, docker-slim) find the
    same waste after the build.
    """

    code = "DF002"
    whole_object = True
    name = "missing-multistage-build"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.INFO
    stages = "final"
    aliases = ()
    examples = [
        bad("FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends gcc make libc6-dev\nCOPY . /src\nRUN make -C /src\n"),
        bad("FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD [\"/app\"]\n"),
        bad("FROM alpine:3.20\nRUN apk add --no-cache build-base && make\n"),
        bad("FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\nRUN npm run build\nCMD [\"node\", \"dist/index.js\"]\n"),
        bad("FROM eclipse-temurin:21-jdk\nCOPY . /src\nRUN cd /src && ./mvnw -q package\n"),
        ok(
            "FROM golang:1.22 AS build\nRUN go build -o /app .\n"
            "FROM gcr.io/distroless/static-debian12\nCOPY --from=build /app /app\n"
        ),
        ok("FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev && make && apk del .build-deps\n"),
        ok("FROM debian:12\nRUN apt-get update && apt-get install -y gcc && make && apt-get purge -y gcc && apt-get autoremove -y\n"),
        ok("FROM node:20-slim\nCOPY . .\nRUN npm ci && npm run build && npm prune --omit=dev\n"),
        ok("FROM golang:1.22\nRUN go version\n"),
        ok("FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\n"),
    ]

    def check(self, ctx):
        df = ctx.dockerfile
        if not df.stages:
            return
        infos = ctx.cached("stage_infos", lambda: stage_infos(df, ctx.settings.build_args))
        chain = final_image_stages(df, ctx.settings.build_args)
        instructions = [ins for ins in df.instructions if ins.stage in chain]
        if any(copies_from_stage(ins) for ins in instructions):
            return
        scripts = [rs for rs in cached_run_scripts(ctx) if not rs.onbuild and rs.stage in chain and rs.posix]
        for inst in leftover_toolchain_installs(scripts):
            left = inst.packages
            ctx.report(
                inst.span,
                f"{_join(left)} installed at line {inst.line} ship{'s' if len(left) == 1 else ''} in the final image: "
                "build in a separate stage and `COPY --from` only the result",
                fix=self._suggestion(ctx),
            )
        root = infos[min(chain)]
        use = toolchain_base_use(root, scripts)
        if use is not None:
            ctx.report(
                use.span,
                f"The {use.what} of `{root.image}` ships in the final image, though it is only needed for `{use.command}` at line {use.line}: "
                "build in a separate stage and `COPY --from` only the result",
                fix=self._suggestion(ctx),
            )
        dev = node_dev_build(instructions, scripts)
        if dev is not None:
            ctx.report(
                dev.span,
                f"devDependencies installed at line {dev.install_line} (`{dev.install}`) ship in the final image "
                "with this build: build in a separate stage, or prune them (`npm prune --omit=dev`)",
                fix=self._suggestion(ctx),
            )

    @staticmethod
    def _suggestion(ctx):
        """The whole Dockerfile rewritten as builder + runtime stages: shown, never applied."""

        def compute():
            from dockerlint.images.multistage import suggest_multistage

            suggestion = suggest_multistage(ctx.dockerfile, ctx.settings.build_args)
            if suggestion is None:
                return None
            text = ctx.source.text
            return make_fix([Edit(0, len(text), suggestion.text)], Applicability.DISPLAY_ONLY,
                            f"rewrite as a multi-stage build ({suggestion.ecosystem}); `dockerlint suggest multistage` prints it")

        return ctx.cached("df002-multistage-suggestion", compute)


def _join(names: list[str]) -> str:
    names = [f"`{n}`" for n in dict.fromkeys(names)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
