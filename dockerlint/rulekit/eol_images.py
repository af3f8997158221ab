"""The end-of-life verdict DF301, KS301 and DC301 share: the message naming each ended release
and its date, and the fix to the oldest still-supported release of the same variant."""
from __future__ import annotations

from dockerlint.images import eol
from dockerlint.model import Applicability, Fix
from dockerlint.fixers.image_edits import replace_written_image


def eol_report(image: str, settings, text: str, span, *, literal: bool = True):
    """(message, fix) when the image is end of life on the settings' `as-of` day, else None.

    `literal`: the image is written at `span` as is (not from an ARG or a computed value)."""
    found = eol.status(image, settings.as_of)
    if found is None:
        return None
    ended = "; ".join(eol.describe(p) for p in found.ended)
    message = f"`{image}`: {ended} (endoflife.date data of {eol.snapshot_date()})"
    fix = None
    if found.replacement is not None:
        message += f"; the oldest supported release of the same variant is `{found.replacement}`"
        edit = replace_written_image(text, span, image, found.replacement) if literal else None
        if edit is not None:
            if found.replacement_checked:
                fix = Fix((edit,), Applicability.UNSAFE, f"move to `{found.replacement}` (a new major release: test the application)")
            else:
                fix = Fix((edit,), Applicability.DISPLAY_ONLY, f"move to `{found.replacement}`: {found.reason}")
    elif found.reason:
        message += f" ({found.reason})"
    return message, fix
