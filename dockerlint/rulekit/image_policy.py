"""The approved-images verdict DF005, KS302 and DC302 share: is an image approved, what to say,
and which replacement (from `image-replacements`) the fix writes."""
from __future__ import annotations

from dataclasses import dataclass

from dockerlint.images.policy import approved, replacement
from dockerlint.model import Applicability, Fix
from dockerlint.fixers.image_edits import replace_written_image


@dataclass(frozen=True)
class Unapproved:
    """An image outside the approved list, with the approved one to use instead."""

    image: str
    message: str  # "`python:3.12` is not an approved image (approved-images: ...)"
    replacement: str | None  # an approved image to write instead, when configured


def approved_globs(settings) -> list[str]:
    return [g for g in (settings.approved_images or []) if g.strip()]


def unapproved(image: str, settings, what: str = "image") -> Unapproved | None:
    """None when the policy is off (no `approved-images`) or the image is approved."""
    globs = approved_globs(settings)
    if not globs or approved(image, globs):
        return None
    shown = ", ".join(f"`{g}`" for g in globs[:3]) + (", ..." if len(globs) > 3 else "")
    message = f"`{image}` is not an approved {what} (approved-images: {shown})"
    new = replacement(image, settings.image_replacements)
    if new is not None and new != image.strip() and approved(new, globs):
        return Unapproved(image, f"{message}; use `{new}` (image-replacements)", new)
    if new is not None and new != image.strip():
        message += f"; its image-replacements entry `{new}` is not approved either, so no fix is offered"
    return Unapproved(image, message, None)


def replacement_fix(text: str, span, verdict: Unapproved) -> Fix | None:
    """Safe: the user declared the replacement. None when the written text is not the plain value."""
    if verdict.replacement is None:
        return None
    edit = replace_written_image(text, span, verdict.image, verdict.replacement)
    if edit is None:
        return None
    return Fix((edit,), Applicability.SAFE, f"replace `{verdict.image}` with `{verdict.replacement}`")
