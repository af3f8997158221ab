"""Kubernetes schema validation of one file: KS100-KS103 issues for every object.

Objects come from `rulekit.k8s_model.objects` (List items included). Built-in kinds are checked
against the bundled schema of the target version; custom resources against the CRDs of the
file and of the run (`crds.py`); other custom resources are left alone unless asked.
"""
from __future__ import annotations

import re
from functools import lru_cache

from dockerlint.kustomize import KUSTOMIZATION_FILES
from dockerlint.schemas import kubernetes_bundle, resolve_version
from dockerlint.schemas.crds import CrdCatalogue
from dockerlint.schemas.validate import KIND, MISSING_CRD, REQUIRED, Compiler, Issue
from dockerlint.schemas.values import close_matches


class KubernetesSchema:
    """One bundled version: the (apiVersion, kind) index and its compiler."""

    def __init__(self, version: str):
        bundle = kubernetes_bundle(version)
        self.version = version
        self.kinds: dict[str, dict[str, str]] = bundle["kinds"]
        self.compiler = Compiler(bundle["types"])
        self.groups: dict[str, list[str]] = {}  # group -> its apiVersions
        for api_version in self.kinds:
            self.groups.setdefault(group_of(api_version), []).append(api_version)
        self._checks: dict[tuple[str, str], object] = {}
        self.typo_groups: dict[tuple[str, str], list[str]] = {}

    def checker(self, api_version: str, kind: str):
        key = (api_version, kind)
        check = self._checks.get(key)
        if check is None:
            type_name = self.kinds.get(api_version, {}).get(kind)
            if type_name is None:
                return None
            check = self.compiler.compile("#" + type_name)
            self._checks[key] = check
        return check


@lru_cache(maxsize=8)
def kubernetes_schema(version: str) -> KubernetesSchema:
    return KubernetesSchema(version)


_CORE_VERSION = re.compile(r"v[0-9]+(?:(?:alpha|beta)[0-9]+)?")


def group_of(api_version: str) -> str | None:
    """The API group ("" for the core group), or None for something that is no apiVersion of
    Kubernetes at all (kustomize's `builtin`, `kustomize.config.k8s.io` has a slash)."""
    if "/" in api_version:
        return api_version.rpartition("/")[0]
    return "" if _CORE_VERSION.fullmatch(api_version) else None


def removed_in(api_version: str, kind: str, target: str):
    """(replacement, release) when this built-in apiVersion/kind was removed at or before the
    target version: KS067's list of historic removals, then the bundled schemas (served by an
    older bundled version, not by the target). KS067 reports these, not KS103."""
    from dockerlint.rules.ks067_deprecated_api_version import REMOVED
    from dockerlint.schemas import kubernetes_versions, served_versions, version_key

    schema = kubernetes_schema(target)
    if kind in schema.kinds.get(api_version, ()):
        return None  # served (networking.k8s.io/v1beta1 IPAddress is, while Ingress is long gone)
    older = [v for v in served_versions().get(api_version, {}).get(kind, ()) if version_key(v) < version_key(target)]
    last_served = max(older, key=version_key) if older else None
    if last_served is None:  # older than the bundled schemas: KS067's historic list
        found = REMOVED.get((api_version, kind)) or REMOVED.get((api_version, None))
        if found is not None and version_key(found[1]) <= version_key(target):
            return found
        return None
    versions = kubernetes_versions()
    release = versions[versions.index(last_served) + 1]
    group = group_of(api_version)
    served = sorted(v for v in schema.groups.get(group, ()) if kind in schema.kinds[v])
    return (" or ".join(served) if served else "(no longer served)", release)


def check_objects(ctx, version: str | None, crds: CrdCatalogue | None, missing_crd: bool) -> list[Issue]:
    """Every schema issue of the file (all codes), in document order, each reported once."""
    from dockerlint.rulekit.k8s_objects import all_objects

    schema = kubernetes_schema(resolve_version(version))
    if crds is not None and crds.files:  # one of the run's CRD files: its CRDs from this parse
        crds.offer(ctx.model, ctx.path, ctx.source.text)
    catalogue = None  # the file's own CRDs and the run's: read at the first custom resource
    out: list[Issue] = []
    for obj in all_objects(ctx):
        node = obj.node
        api_version = obj.api_version
        kind = obj.kind
        if not api_version:
            if not obj.list_item:
                out.append(Issue(REQUIRED, obj.kind_span, f'{kind} is missing the required field "apiVersion"'))
            continue
        if kind and kind.endswith("List") and "items" in node:
            continue  # kubectl unpacks a List itself (`items:` left empty is zero objects)
        check = schema.checker(api_version, kind)
        if check is not None:
            check(node, out, None)
            continue
        group = group_of(api_version)
        if group is None:
            continue
        if catalogue is None:
            local = CrdCatalogue()
            local.add_documents(ctx.model, ctx.path)
            catalogue = _Both(local, crds)
        crd = catalogue.lookup(api_version, kind)
        if crd is not None:
            if not crd.served:
                out.append(Issue(KIND, _api_span(obj), f"{api_version} {kind} is not served by its CRD ({crd.source})"))
            crd.checker()(node, out, None)
            continue
        if group in schema.groups or group in _similar_builtin_groups(schema, group, kind):
            found = removed_in(api_version, kind, schema.version)
            if found is not None:
                continue  # KS067 names the replacement
            out.append(_unknown_builtin(schema, obj, api_version, kind))
            continue
        if kind in catalogue.kinds_in(group):
            out.append(_unknown_custom(catalogue, obj, api_version, kind))
        else:
            out.append(Issue(MISSING_CRD, _api_span(obj), f"no schema for {api_version} {kind}: no CRD for it in the linted files or `crd-paths`"))
    return _dedupe(out)


def _similar_builtin_groups(schema: KubernetesSchema, group: str, kind: str) -> list[str]:
    """`group` itself when it is a typo of a built-in group that defines `kind` (app/v1)."""
    key = (group, kind)
    found = schema.typo_groups.get(key)
    if found is None:
        found = schema.typo_groups[key] = _typo_group(schema, group, kind)
    return found


def _typo_group(schema: KubernetesSchema, group: str, kind: str) -> list[str]:
    if not group or "." in group and not group.endswith(".k8s.io"):
        return []
    for candidate in close_matches(group, [g for g in schema.groups if g], limit=1 if len(group) < 6 else 2):
        if any(kind in schema.kinds[v] for v in schema.groups[candidate]):
            return [group]
    return []


def _api_span(obj):
    key = obj.node.get("apiVersion")
    return key.span if key is not None else obj.kind_span


def _unknown_builtin(schema: KubernetesSchema, obj, api_version: str, kind: str) -> Issue:
    group = group_of(api_version)
    if group not in schema.groups:
        near = [g for g in close_matches(group, [g for g in schema.groups if g])
                if any(kind in schema.kinds[v] for v in schema.groups[g])]
        versions = sorted({v for g in near for v in schema.groups[g] if kind in schema.kinds[v]})
        hint = f"; did you mean {' or '.join(versions)}?" if versions else ""
        return Issue(KIND, _api_span(obj), f'unknown API group "{group}" for {kind}{hint}')
    in_group = {k: v for v in schema.groups[group] for k in schema.kinds[v]}
    if kind in in_group:
        served = sorted(v for v in schema.groups[group] if kind in schema.kinds[v])
        return Issue(KIND, _api_span(obj),
                     f"{kind} is not served as {api_version} in Kubernetes {schema.version} (served: {', '.join(served)})")
    elsewhere = sorted(v for v, kinds in schema.kinds.items() if kind in kinds)
    if elsewhere:
        return Issue(KIND, _api_span(obj), f"{kind} is not in {api_version} (it is {' or '.join(elsewhere)})")
    kinds_here = schema.kinds.get(api_version) or in_group
    near = close_matches(kind, [k for k in kinds_here if not k.endswith("List")])
    hint = f'; did you mean "{near[0]}"?' if near else ""
    return Issue(KIND, obj.kind_span, f'unknown kind "{kind}" in {api_version} (Kubernetes {schema.version}){hint}')


class _Both:
    """The file's own CRDs first, then the run's."""

    def __init__(self, local: CrdCatalogue, run: CrdCatalogue | None):
        self.local, self.run = local, run

    def lookup(self, api_version: str, kind: str):
        found = self.local.lookup(api_version, kind)
        if found is None and self.run is not None:
            found = self.run.lookup(api_version, kind)
        return found

    def kinds_in(self, group: str) -> dict:
        kinds = dict(self.run.kinds_in(group)) if self.run is not None else {}
        for kind, crds in self.local.kinds_in(group).items():
            kinds[kind] = kinds.get(kind, []) + crds
        return kinds


def _unknown_custom(catalogue, obj, api_version: str, kind: str) -> Issue:
    group = group_of(api_version)
    kinds = catalogue.kinds_in(group)
    if kind in kinds:
        versions = sorted({c.version for c in kinds[kind]})  # two files may define the same CRD
        return Issue(KIND, _api_span(obj), f"{kind} has no version {api_version.rpartition('/')[2]} in its CRD "
                     f"({kinds[kind][0].source}; versions: {', '.join(versions)})")
    near = close_matches(kind, list(kinds))
    hint = f'; did you mean "{near[0]}"?' if near else ""
    return Issue(KIND, obj.kind_span, f'no CRD defines kind "{kind}" in group {group}{hint}')


def _dedupe(issues: list[Issue]) -> list[Issue]:
    seen = set()
    result = []
    for issue in issues:
        key = (issue.category, issue.span.start, issue.span.end, issue.message)
        if key not in seen:
            seen.add(key)
            result.append(issue)
    return result


def file_issues(ctx) -> list[Issue]:
    """The schema issues of the file in `ctx`, computed once for every schema rule."""
    def compute():
        from dockerlint.schemas.crds import catalogue_for

        settings = ctx.settings
        issues = check_objects(ctx, settings.kubernetes_version, catalogue_for(settings), True)
        if any(i.category == REQUIRED for i in issues) and is_kustomize_patch(ctx.path):
            issues = [i for i in issues if i.category != REQUIRED]
        return issues
    return ctx.cached("k8s-schema-issues", compute)


_PATCH_NAME = re.compile(r"patch", re.I)


def is_kustomize_patch(path: str) -> bool:
    """A kustomize patch holds only the fields it changes, so required fields are not
    expected: a file named like `*patch*.yaml`, or named in a sibling kustomization's
    `patches`/`patchesStrategicMerge`."""
    import os

    name = os.path.basename(path)
    if _PATCH_NAME.search(name):
        return True
    if path == "-":
        return False
    return name in _patches_listed(os.path.dirname(os.path.abspath(path)))


_LISTED: dict[str, tuple[tuple, frozenset]] = {}  # directory -> (stamp, file names listed as patches)


def _patches_listed(directory: str) -> frozenset:
    """File names a kustomization in `directory` lists under its patches; re-read when the
    kustomization file changes (the language server lives long)."""
    import os

    stamp: tuple = ()
    found = None
    for candidate in KUSTOMIZATION_FILES:
        full = os.path.join(directory, candidate)
        try:
            st = os.stat(full)
        except OSError:
            continue
        stamp, found = (full, st.st_mtime_ns, st.st_size), full
        break
    cached = _LISTED.get(directory)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    names: frozenset = frozenset()
    if found is not None:
        try:
            with open(found, encoding="utf-8") as f:
                text = f.read(200_000)
        except (OSError, UnicodeDecodeError):
            text = ""
        if re.search(r"(?m)^(?:patches|patchesStrategicMerge|patchesJson6902)\s*:", text):
            names = frozenset(os.path.basename(m) for m in re.findall(
                r"(?m)^\s*(?:-\s*)?(?:path:\s*)?['\"]?(?:\./)?([^\s'\"#]+\.ya?ml)['\"]?\s*$", text))
    if len(_LISTED) > 10_000:
        _LISTED.clear()
    _LISTED[directory] = (stamp, names)
    return names


def report(ctx, categories: tuple[str, ...]) -> None:
    """Report the issues of these categories (`Rule.schema_issue`); an unknown key gets the
    rename fix when exactly one valid name is close (unsafe: the key might be meant for a newer
    version or another tool)."""
    for issue in file_issues(ctx):
        if issue.category in categories:
            ctx.report(issue.span, issue.message, fix=rename_fix(issue))


def rename_fix(issue: Issue):
    if issue.rename_to is None or issue.key is None:
        return None
    from dockerlint.fixers.rename_key import rename_key_edit
    from dockerlint.model import Applicability
    from dockerlint.rule import make_fix

    edit = rename_key_edit(issue.key, issue.rename_to)
    if edit is None:
        return None
    return make_fix([edit], Applicability.UNSAFE, f'rename "{issue.key.value}" to "{issue.rename_to}"')
