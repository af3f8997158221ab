"""Is a Dockerfile an application image, or a base (or tool) image that others build FROM?

What a fix may change in the final image depends on it: a `USER` or a `SHELL` written into a
base image is inherited by every image built FROM it, whose own `RUN apt-get install` then
runs as that user, in that shell.
"""
from __future__ import annotations

from dockerlint.rulekit.patterns import lazy

# A CMD that only starts an interpreter or a shell: `python3`, `bash`, `jshell`, `node`.
_INTERPRETERS = {"python", "python3", "node", "bash", "sh", "ash", "zsh", "irb", "ruby", "php", "perl", "jshell",
                 "ghci", "iex", "erl", "lua", "julia", "R", "pwsh", "powershell", "scala", "groovysh"}
_VERSIONED = lazy(r"(python|ruby|php|perl|node|pypy)[\d.]*")


def base_image_shape(stages) -> str | None:
    """Why the final image (these stages) looks like a base or tool image, or None.

    No CMD or ENTRYPOINT at all, or a last CMD that only starts an interpreter or a shell (the
    official images' own Dockerfiles: `CMD ["python3"]`, an entrypoint wrapper with
    `CMD ["jshell"]`)."""
    starts = [i for stage in stages for i in stage.instructions if i.keyword in ("CMD", "ENTRYPOINT")]
    if not starts:
        return "it sets no CMD or ENTRYPOINT, so it looks like a base image that others build FROM"
    cmds = [i for i in starts if i.keyword == "CMD"]
    if cmds:
        last = cmds[-1]
        words = last.json if last.json is not None else last.args.split()
        if len(words) == 1:
            name = words[0].rsplit("/", 1)[-1]
            if name in _INTERPRETERS or _VERSIONED.fullmatch(name):
                return f"its CMD only starts {words[0]}, so it looks like a base image that others build FROM"
    return None
