"""Configuration: `[tool.dockerlint]` in pyproject.toml, `.dockerlint.toml`, and `.hadolint.yaml`.

The nearest directory above a file that holds any of them decides that file's settings, so one
run over a monorepo honours per-directory configs. In that directory a `.hadolint.yaml` is read
first and dockerlint's own config is applied on top. Unknown keys and bad values are errors that
name the key and the file.
"""
from __future__ import annotations

import os
import reprlib
import sys
from dataclasses import replace
from pathlib import Path

TYPE_CHECKING = False  # (typing.TYPE_CHECKING: typing is not imported at run time, ~2 ms)
if TYPE_CHECKING:
    from typing import Any

from dockerlint.model import Severity
from dockerlint.paths import absolute_in, parent as path_parent
from dockerlint.settings import Settings


DOCKERLINT_FILES = (".dockerlint.toml", "dockerlint.toml", "pyproject.toml")
HADOLINT_FILES = (".hadolint.yaml", ".hadolint.yml")


class ConfigError(Exception):
    def __init__(self, message: str, path: str | None = None):
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path


_SHOWN = reprlib.Repr()
_SHOWN.maxlevel, _SHOWN.maxlist, _SHOWN.maxdict, _SHOWN.maxstring, _SHOWN.maxother = 2, 6, 6, 60, 60


def _shown(value: Any) -> str:
    """A short repr for messages: a YAML alias bomb's full repr would not fit in memory."""
    return _SHOWN.repr(value)


def _str_list(value: Any, key: str, path: str) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ConfigError(f"`{key}` must be a list of strings, got {_shown(value)}", path)


def _str(value: Any, key: str, path: str) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"`{key}` must be a non-empty string, got {_shown(value)}", path)
    return value


def _bool(value: Any, key: str, path: str) -> bool:
    if isinstance(value, bool):
        return value
    raise ConfigError(f"`{key}` must be true or false, got {_shown(value)}", path)


def _severity(value: Any, key: str, path: str) -> Severity:
    if not isinstance(value, str):
        raise ConfigError(f"`{key}` must be a severity name, got {_shown(value)}", path)
    try:
        return Severity.parse(value)
    except ValueError as e:
        raise ConfigError(f"`{key}`: {e}", path) from None


def _str_map(value: Any, key: str, path: str) -> dict[str, str]:
    if isinstance(value, dict) and all(isinstance(k, str) and not isinstance(v, (dict, list)) for k, v in value.items()):
        return {k: str(v) for k, v in value.items()}
    raise ConfigError(f"`{key}` must be a table of strings, got {_shown(value)}", path)


def _image_replacements(value: Any, key: str, path: str) -> dict[str, str]:
    from dockerlint.images.policy import check_replacement

    table = _str_map(value, key, path)
    for glob, image in table.items():
        problem = check_replacement(glob, image)
        if problem:
            raise ConfigError(f"`{key}.\"{glob}\"`: {problem}", path)
    return table


def _iso_date(value: Any, key: str, path: str) -> str:
    import datetime as dt

    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise ConfigError(f"`{key}` must be a date (YYYY-MM-DD), got {_shown(value)}", path)


def _check_selectors(codes: list[str], key: str, path: str) -> list[str]:
    from dockerlint import ruleset

    for code in codes:
        if not ruleset.is_known_selector(code) and not _custom_rule_name(code):
            raise ConfigError(f"`{key}`: unknown rule or prefix {code!r}", path)
    return codes


def _custom_rule_name(name: str) -> bool:
    """A name of a custom rule loaded by this run (`custom-rules` is applied before selectors)."""
    loader = sys.modules.get("dockerlint.policies.loader")
    return loader is not None and name.strip().lower() in loader.loaded_names()


def _rule_options(value: Any, path: str) -> dict[str, dict[str, Any]]:
    from dockerlint import ruleset

    if not isinstance(value, dict):
        raise ConfigError("`rules` must be a table of rule tables", path)
    result: dict[str, dict[str, Any]] = {}
    for code, options in value.items():
        rule = ruleset.lookup(code)
        if rule is None:
            raise ConfigError(f"`rules.{code}`: unknown rule", path)
        if not isinstance(options, dict):
            raise ConfigError(f"`rules.{code}` must be a table", path)
        for name, option_value in options.items():
            option = rule.options.get(name)
            if option is None:
                known = ", ".join(sorted(rule.options)) or "none"
                raise ConfigError(
                    f"`rules.{code}.{name}`: unknown option for {rule.code} (known: {known})", path
                )
            if not isinstance(option_value, option.type) or (
                isinstance(option_value, bool) and option.type in (int, float)
            ):
                raise ConfigError(
                    f"`rules.{code}.{name}` must be of type "
                    f"{getattr(option.type, '__name__', option.type)}, got {_shown(option_value)}",
                    path,
                )
        result[rule.code] = dict(options)
    return result


def apply_dockerlint_table(settings: Settings, table: dict[str, Any], path: str) -> Settings:
    s = replace(settings)
    # custom rules first: `ignore`, `select` and `severity` may name them
    items = sorted(table.items(), key=lambda kv: kv[0] != "custom-rules")
    for key, value in items:
        if key == "select":
            s.select = _check_selectors(_str_list(value, key, path), key, path)
        elif key == "extend-select":
            s.extend_select = s.extend_select + _check_selectors(_str_list(value, key, path), key, path)
        elif key == "ignore":
            s.ignore = s.ignore + _check_selectors(_str_list(value, key, path), key, path)
        elif key == "severity":
            if not isinstance(value, dict):
                raise ConfigError("`severity` must be a table of CODE = \"level\"", path)
            overrides = dict(s.severity_overrides)
            for code, level in value.items():
                _check_selectors([code], f"severity.{code}", path)
                overrides[code.upper()] = _severity(level, f"severity.{code}", path)
            s.severity_overrides = overrides
        elif key == "failure-threshold":
            s.failure_threshold = _severity(value, key, path)
        elif key == "exclude":
            s.exclude = s.exclude + _str_list(value, key, path)
        elif key == "build-args":
            s.build_args = {**s.build_args, **_str_map(value, key, path)}
        elif key == "trusted-registries":
            s.trusted_registries = _str_list(value, key, path)
        elif key == "approved-images":
            s.approved_images = _str_list(value, key, path)
        elif key == "image-replacements":
            s.image_replacements = _image_replacements(value, key, path)
        elif key == "as-of":
            s.as_of = _iso_date(value, key, path)
        elif key == "custom-rules":
            from dockerlint.policies.loader import load

            base = os.path.dirname(os.path.abspath(path)) if os.path.exists(path) else os.getcwd()
            s.policies = load(_str_list(value, key, path), base, path)
        elif key == "label-schema":
            s.label_schema = _str_map(value, key, path)
        elif key == "strict-labels":
            s.strict_labels = _bool(value, key, path)
        elif key == "disable-ignore-pragma":
            s.disable_ignore_pragma = _bool(value, key, path)
        elif key == "unsafe-fixes":
            s.unsafe_fixes = _bool(value, key, path)
        elif key in ("extend-safe-fixes", "extend-unsafe-fixes", "unfixable"):
            codes = _check_selectors(_str_list(value, key, path), key, path)
            setattr(s, key.replace("-", "_"), codes)
        elif key == "baseline":  # a path relative to the config file
            s.baseline = os.path.join(os.path.dirname(os.path.abspath(path)), _str(value, key, path))
        elif key == "cache":
            s.cache = _bool(value, key, path)
        elif key == "cache-dir":
            s.cache_dir = os.path.join(os.path.dirname(os.path.abspath(path)), _str(value, key, path))
        elif key == "helm":
            s = _apply_helm_table(s, value, path)
        elif key == "format":
            from dockerlint.format.options import parse_table

            try:
                s.format_options = {**s.format_options, **parse_table(value)}
            except ValueError as e:
                raise ConfigError(str(e), path) from None
        elif key == "kubernetes-version":
            s.kubernetes_version = _kubernetes_version(value, path)
        elif key == "crd-paths":
            base = os.path.dirname(os.path.abspath(path))
            s.crd_paths = [os.path.join(base, p) for p in _str_list(value, key, path)]
        elif key == "rules":
            merged = dict(s.rule_options)
            merged.update(_rule_options(value, path))
            s.rule_options = merged
        else:
            known = (
                "select, extend-select, ignore, severity, failure-threshold, exclude, build-args, "
                "trusted-registries, approved-images, image-replacements, as-of, custom-rules, label-schema, strict-labels, "
                "disable-ignore-pragma, unsafe-fixes, extend-safe-fixes, extend-unsafe-fixes, "
                "unfixable, baseline, cache, cache-dir, kubernetes-version, crd-paths, helm, rules, format"
            )
            raise ConfigError(f"unknown key `{key}` (known keys: {known})", path)
    s.config_path = path
    return s


def _apply_helm_table(s: Settings, table: Any, path: str) -> Settings:
    """`[tool.dockerlint.helm]`: how the charts under this config are rendered. Values files
    are relative to each chart's directory."""
    if not isinstance(table, dict):
        raise ConfigError("`helm` must be a table", path)
    for key, value in table.items():
        name = f"helm.{key}"
        if key == "values":
            s.helm_values_config = _str_list(value, name, path)
        elif key == "values-matrix":
            if not isinstance(value, dict):
                raise ConfigError(f"`{name}` must be a table of set name = [values files]", path)
            s.helm_values_matrix = {k: _str_list(v, f"{name}.{k}", path) for k, v in value.items()}
        elif key in ("release-name", "namespace", "kube-version"):
            if not isinstance(value, str) or not value:
                raise ConfigError(f"`{name}` must be a non-empty string, got {_shown(value)}", path)
            setattr(s, "helm_" + key.replace("-", "_"), value)
        elif key == "skip-tests":
            s.helm_skip_tests = _bool(value, name, path)
        else:
            raise ConfigError(
                f"unknown key `{name}` (known keys: values, values-matrix, release-name, namespace, kube-version, skip-tests)", path
            )
    return s


def _kubernetes_version(value: Any, path: str) -> str:
    from dockerlint.schemas import check_version

    if not isinstance(value, str):  # a TOML float would read 1.30 as 1.3
        raise ConfigError(f"`kubernetes-version` must be a string such as \"1.34\", got {_shown(value)}", path)
    problem = check_version(value)
    if problem:
        raise ConfigError(problem, path)
    return value


HADOLINT_LABEL_TYPES = {"text", "url", "spdx", "hash", "rfc3339", "semver", "email"}
# Keys hadolint accepts that only change its own output; accepted and ignored here.
HADOLINT_OUTPUT_KEYS = {"no-color", "no-fail", "verbose", "format", "output-file"}


def apply_hadolint_config(settings: Settings, data: Any, path: str) -> Settings:
    if data is None:
        return settings
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping at the top level", path)
    s = replace(settings)
    for key, value in data.items():
        if key == "ignored":
            s.ignore = s.ignore + _str_list(value or [], key, path)
        elif key == "override":
            if not isinstance(value, dict):
                raise ConfigError("`override` must map error/warning/info/style to lists of codes", path)
            overrides = dict(s.severity_overrides)
            for level, codes in value.items():
                severity = _severity(level, f"override.{level}", path)
                for code in _str_list(codes or [], f"override.{level}", path):
                    overrides[code.upper()] = severity
            s.severity_overrides = overrides
        elif key == "failure-threshold":
            s.failure_threshold = _severity(value, key, path)
        elif key == "trustedRegistries":
            s.trusted_registries = _str_list(value or [], key, path)
        elif key == "label-schema":
            schema = _str_map(value or {}, key, path)
            for label, kind in schema.items():
                if kind not in HADOLINT_LABEL_TYPES:
                    raise ConfigError(
                        f"`label-schema.{label}`: unknown label type {kind!r} "
                        f"(expected one of {', '.join(sorted(HADOLINT_LABEL_TYPES))})",
                        path,
                    )
            s.label_schema = schema
        elif key == "strict-labels":
            s.strict_labels = _bool(value, key, path)
        elif key == "disable-ignore-pragma":
            s.disable_ignore_pragma = _bool(value, key, path)
        elif key in HADOLINT_OUTPUT_KEYS:
            continue
        else:
            raise ConfigError(f"unknown hadolint key `{key}`", path)
    s.config_path = path
    return s


def load_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"invalid TOML: {e}", str(path)) from None
    except UnicodeDecodeError as e:
        raise ConfigError(f"invalid TOML: not UTF-8 (byte 0x{e.object[e.start]:02x} at offset {e.start})", str(path)) from None
    except RecursionError:
        raise ConfigError("invalid TOML: nested too deeply", str(path)) from None
    except OSError as e:
        raise ConfigError(f"cannot read: {e.strerror}", str(path)) from None


def load_config_file(path: Path, base: Settings) -> Settings:
    """Apply one explicit config file (any of the supported formats) to `base`."""
    name = path.name
    if name in HADOLINT_FILES or path.suffix in (".yaml", ".yml"):
        from dockerlint.parse.yaml import pyyaml

        yaml = pyyaml()

        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, OSError, UnicodeDecodeError) as e:
            raise ConfigError(f"cannot read hadolint config: {e}", str(path)) from None
        except RecursionError:
            raise ConfigError("cannot read hadolint config: nested too deeply", str(path)) from None
        return apply_hadolint_config(base, data, str(path))
    data = load_toml(path)
    if name == "pyproject.toml":
        table = data.get("tool", {}).get("dockerlint")
        return apply_dockerlint_table(base, table or {}, str(path))
    return apply_dockerlint_table(base, data, str(path))


def _has_dockerlint_table(path: Path) -> bool:
    if path.name != "pyproject.toml":
        return True
    try:
        with open(path, "rb") as f:
            return b"[tool.dockerlint" in f.read()
    except OSError:
        return False


class ConfigResolver:
    """Finds the settings for each file: nearest config directory wins. Cached per directory."""

    def __init__(self, base: Settings, cli_overrides=None, explicit: Path | None = None, isolated: bool = False,
                 fixed_cwd: bool = False):
        self.base = base
        self.cli_overrides = cli_overrides  # callable(Settings) -> Settings applied last
        self.explicit = explicit
        self.isolated = isolated
        self._by_dir: dict[str, Settings] = {}
        self._by_parent: dict = {}  # os.path.dirname(path) as given (with the cwd if relative) -> settings
        self.cwd = os.getcwd() if fixed_cwd else None  # the run's working directory, when fixed
        # a command-line run, which never changes directory, remembers each path's key in
        # _by_parent (asked 4 times per file; dirname and the working directory each time otherwise)
        self._parent_key: dict | None = {} if fixed_cwd else None
        self._absolute: dict[str, str] = {}

    def add_override(self, apply) -> None:
        """Apply `apply(Settings) -> Settings` after everything else, from now on (e.g. the
        run's CRD catalogue, known only after discovery)."""
        previous = self.cli_overrides
        self.cli_overrides = (lambda s: apply(previous(s))) if previous is not None else apply
        self._by_dir.clear()
        self._by_parent.clear()

    def config_files_in(self, directory: Path) -> list[Path]:
        found = [directory / n for n in HADOLINT_FILES if (directory / n).is_file()][:1]
        for name in DOCKERLINT_FILES:
            candidate = directory / name
            if candidate.is_file() and _has_dockerlint_table(candidate):
                found.append(candidate)
                break
        return found

    def for_directory(self, directory: Path) -> Settings:
        key = str(directory)
        cached = self._by_dir.get(key)
        if cached is not None:
            return cached
        settings = self.base
        if self.explicit is not None:
            settings = load_config_file(self.explicit, settings)
        elif not self.isolated:
            current = directory
            while True:
                files = self.config_files_in(current)
                if files:
                    for f in files:
                        settings = load_config_file(f, settings)
                    break
                if current.parent == current:
                    break
                current = current.parent
        if self.cli_overrides is not None:
            settings = self.cli_overrides(settings)
        self._by_dir[key] = settings
        return settings

    def absolute(self, path: str) -> str:
        """os.path.abspath(path); in a command-line run without asking the system for the
        working directory again (thousands of files, several times each)."""
        if self.cwd is None:
            return os.path.abspath(path)
        found = self._absolute.get(path)
        if found is None:
            found = self._absolute[path] = absolute_in(self.cwd, path)  # absolute paths as they are
        return found

    def for_file(self, path: str) -> Settings:
        if path == "-":
            return self.for_directory(Path.cwd())
        # a run asks several times per file, for thousands of files in a few directories
        keys = self._parent_key
        key = keys.get(path) if keys is not None else None
        if key is None:
            folder = path_parent(path)
            key = folder if os.path.isabs(path) else (self.cwd or os.getcwd(), folder)
            if keys is not None:
                keys[path] = key
        found = self._by_parent.get(key)
        if found is None:
            found = self._by_parent[key] = self.for_directory(Path(os.path.abspath(path)).parent)
        return found


