"""seccompProfile and appArmorProfile share one shape, `{type, localhostProfile}`, and one
verdict: a type other than RuntimeDefault or Localhost (Unconfined, a typo, none) is reported,
with a fix to RuntimeDefault where what was meant is not in doubt. Used by KS005 and KS006."""
from __future__ import annotations

from dockerlint.fixers.security_context import fix_of, set_field, set_value
from dockerlint.parse.yaml import MappingNode
from dockerlint.rulekit.k8s import is_set, key_span, scalar, text

VALID_TYPES = ("RuntimeDefault", "Localhost")


def fix_type(ctx, owner: MappingNode, field: str, profile, type_node):
    """Make an invalid profile RuntimeDefault; None when it names a localhostProfile (the
    author meant Localhost, with some file we cannot guess)."""
    if type(profile) is not MappingNode or "localhostProfile" in profile:
        return None
    if scalar(type_node) is not None:
        edits = set_value(ctx, type_node, "RuntimeDefault")
    else:
        edits = set_field(ctx, owner, [field, "type"], "RuntimeDefault")
    return fix_of(edits, f"set {field}.type: RuntimeDefault")


def check_profile_type(ctx, owner: MappingNode, sc: MappingNode | None, field: str, where: str,
                       *, windows: bool, aliases: tuple[str, ...]) -> bool | None:
    """None when `sc` (the security context of `owner`, a pod spec or a container) sets no
    `field`, True for a valid type; reports an invalid one and returns False."""
    profile = sc.get(field) if sc is not None else None
    if not is_set(profile):
        return None
    type_node = profile.get("type") if type(profile) is MappingNode else None
    value = text(type_node)
    if value in VALID_TYPES:
        return True
    span = type_node.span if is_set(type_node) else key_span(sc, field)
    article = "an" if field[0] in "aeiou" else "a"
    problem = f"sets {field}.type to {value}" if value is not None else f"sets {article} {field} without a type"
    ctx.report(
        span,
        f"{where} {problem}: use RuntimeDefault or Localhost",
        aliases=aliases,
        fix=None if windows else fix_type(ctx, owner, field, profile, type_node),
    )
    return False
