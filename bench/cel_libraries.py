"""Measure the CEL libraries on PyPI: correctness on the CEL conformance suite (cel-spec's
tests/simple/testdata/*.textproto, the cases the libraries test themselves against) and speed on
a Kubernetes-admission-style expression.

    python bench/cel_libraries.py /path/to/cel-spec.git [--libraries celpy,rust,google]

Needs the libraries installed in the running interpreter (a throw-away venv:
`pip install cel-python common-expression-language cel-expr-python`); the cel-spec clone is read
with `git show`, nothing is copied. Cases that need protobuf messages (TestAllTypes, wrappers,
enums, Any) or expect a type/object value are skipped for every library alike; int and uint
results compare equal (not every library's Python mapping keeps the distinction).
Results: bench/cel_libraries.md.
"""
from __future__ import annotations

import argparse
import math
import re
import statistics
import subprocess
import sys
import time

FILES = ["basic", "comparisons", "conversions", "fields", "fp_math", "integer_math", "lists", "logic",
         "macros", "macros2", "parse", "plumbing", "string", "string_ext", "timestamps", "namespace",
         "optionals", "math_ext", "encoders_ext", "bindings_ext"]
PROTO = re.compile(r"TestAllTypes|NestedTestAllTypes|google\.protobuf|cel\.expr|proto2|proto3|\.Int32Value|TestRequired")


# ---- protobuf text format (the subset the conformance files use) ---------------------------------

_TOKEN = re.compile(r"""\s+|\#[^\n]*|(?P<s>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|(?P<p>[{}\[\]:<>,;])|(?P<w>[-+]?[A-Za-z0-9_.+/-]+)""")


def _unescape(body: str) -> bytes:
    out = bytearray()
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
            continue
        n = body[i + 1]
        simple = {"n": 10, "t": 9, "r": 13, "\\": 92, "'": 39, '"': 34, "a": 7, "b": 8, "f": 12, "v": 11, "?": 63}
        if n in simple:
            out.append(simple[n]); i += 2
        elif n in "01234567":
            m = re.match(r"[0-7]{1,3}", body[i + 1:]).group(0)
            out.append(int(m, 8) & 0xFF); i += 1 + len(m)
        elif n in "xX":
            m = re.match(r"[0-9a-fA-F]{1,2}", body[i + 2:]).group(0)
            out.append(int(m, 16)); i += 2 + len(m)
        elif n == "u":
            out += chr(int(body[i + 2:i + 6], 16)).encode("utf-8"); i += 6
        elif n == "U":
            out += chr(int(body[i + 2:i + 10], 16)).encode("utf-8"); i += 10
        else:
            out += n.encode(); i += 2
    return bytes(out)


def tokens(text: str):
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ValueError(f"textproto: cannot read {text[pos:pos + 20]!r}")
        pos = m.end()
        if m.group("s"):
            yield ("s", _unescape(m.group("s")[1:-1]))
        elif m.group("p"):
            yield ("p", m.group("p"))
        elif m.group("w"):
            yield ("w", m.group("w"))


def parse_message(toks, end=None) -> list[tuple[str, object]]:
    fields = []
    while True:
        kind, value = next(toks, (None, None))
        if kind is None or (kind == "p" and value == end):
            return fields
        if kind == "p" and value in ",;":
            continue
        name = value
        if kind == "p" and value == "[":  # an Any's [type.googleapis.com/...] or an extension name
            name = ""
            for kind, value in toks:
                if kind == "p" and value == "]":
                    break
                name += str(value)
            name = f"[{name}]"
        kind, value = next(toks)
        if kind == "p" and value == ":":
            kind, value = next(toks)
        if kind == "p" and value in "{<":
            fields.append((name, parse_message(toks, "}" if value == "{" else ">")))
        elif kind == "s":
            fields.append((name, ("s", [value])))
        elif kind == "p" and value == "[":
            raise ValueError("list syntax not supported")
        else:
            fields.append((name, ("w", value)))


def parse(text: str):
    raw = list(tokens(text))
    merged = []  # concatenate adjacent string literals
    for t in raw:
        if t[0] == "s" and merged and merged[-1][0] == "s":
            merged[-1] = ("s", merged[-1][1] + t[1])
        else:
            merged.append(t)
    return parse_message(iter(merged))


def get(msg, name):
    return [v for k, v in msg if k == name]


# ---- expected values -----------------------------------------------------------------------------

class Skip(Exception):
    pass


def value_of(msg):
    (name, v), = msg if msg else [("list_value", [])]
    if name in ("int64_value", "uint64_value"):
        return int(v[1])
    if name == "double_value":
        return float(v[1].replace("inf", "inf"))
    if name == "string_value":
        return v[1][0].decode("utf-8")
    if name == "bytes_value":
        return bytes(v[1][0])
    if name == "bool_value":
        return v[1] == "true"
    if name == "null_value":
        return None
    if name == "list_value":
        return [value_of(x) for x in get(v, "values")]
    if name == "map_value":
        return {hashable(value_of(get(e, "key")[0])): value_of(get(e, "value")[0]) for e in get(v, "entries")}
    raise Skip(name)


def hashable(v):
    return tuple(v) if isinstance(v, list) else v


def cases(git_dir: str):
    for name in FILES:
        try:
            text = subprocess.run(["git", "--git-dir", git_dir, "show", f"HEAD:tests/simple/testdata/{name}.textproto"], check=True, capture_output=True, text=True).stdout
        except subprocess.CalledProcessError:
            continue
        for section in get(parse(text), "section"):
            for test in get(section, "test"):
                expr = get(test, "expr")[0][1][0].decode("utf-8")
                tname = get(test, "name")[0][1][0].decode()
                case = {"file": name, "name": tname, "expr": expr, "bindings": {}, "container": None}
                try:
                    if PROTO.search(expr) or get(test, "container") or get(test, "check_only") or get(test, "typed_result"):
                        raise Skip("proto/container/typed")
                    for b in get(test, "bindings"):
                        key = get(b, "key")[0][1][0].decode()
                        case["bindings"][key] = value_of(get(get(b, "value")[0], "value")[0])
                    if get(test, "eval_error") or get(test, "any_eval_errors"):
                        case["error"] = True
                    elif get(test, "value"):
                        case["value"] = value_of(get(test, "value")[0])
                    else:
                        case["value"] = True  # no expectation given: the default is true
                except Skip as s:
                    case["skip"] = str(s)
                yield case


# ---- the libraries -------------------------------------------------------------------------------

def _plain(v):
    """Library results -> plain Python values to compare."""
    if isinstance(v, bool) or v is None or isinstance(v, (str, bytes)):
        return v
    if isinstance(v, bytearray):
        return bytes(v)
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return float(v)
    if isinstance(v, dict) or hasattr(v, "items"):
        return {hashable(_plain(k)): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


def same(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return type(a) is type(b) and a == b
    return type(a) is type(b) and a == b


def lib_celpy():
    import celpy
    from celpy import celtypes

    def conv(v):
        if isinstance(v, celtypes.BoolType):
            return bool(v)
        if isinstance(v, (celtypes.IntType, celtypes.UintType)):
            return int(v)
        if isinstance(v, celtypes.DoubleType):
            return float(v)
        if isinstance(v, celtypes.StringType):
            return str(v)
        if isinstance(v, celtypes.BytesType):
            return bytes(v)
        if isinstance(v, celtypes.ListType):
            return [conv(x) for x in v]
        if isinstance(v, celtypes.MapType):
            return {hashable(conv(k)): conv(x) for k, x in v.items()}
        if isinstance(v, Exception) or type(v).__name__ == "CELEvalError":
            raise RuntimeError(str(v))
        return v

    env = celpy.Environment()

    def compile_(expr, names):
        return env.program(env.compile(expr))

    def prepare(bindings):
        return {k: celpy.json_to_cel(v) for k, v in bindings.items()}

    def run(prg, prepared):
        return conv(prg.evaluate(prepared))

    return compile_, prepare, run


def lib_rust():
    import cel

    def compile_(expr, names):
        return cel.compile(expr)

    def prepare(bindings):
        return cel.Context(variables=bindings)

    def run(prg, prepared):
        return _plain(prg.execute(prepared))

    return compile_, prepare, run


def lib_google():
    from cel_expr_python import cel

    exts = []
    try:
        from cel_expr_python.ext import ext_strings, ext_math, ext_encoders, ext_optional, ext_bindings
        exts = [ext_strings.ExtStrings(), ext_math.ExtMath(), ext_encoders.ExtEncoders(), ext_optional.ExtOptional(), ext_bindings.ExtBindings()]
    except Exception:
        pass
    cache = {}

    def compile_(expr, names):
        key = tuple(sorted(names))
        env = cache.get(key)
        if env is None:
            env = cache[key] = cel.NewEnv(variables={k: cel.Type.DYN for k in names}, extensions=exts)
        return env, env.compile(expr)

    def prepare(bindings):
        return bindings

    def run(prg, prepared):
        env, program = prg
        value = program.eval(data=prepared)
        if value.type() == cel.Type.ERROR:
            raise RuntimeError(str(value.value()))
        return _plain(value.plain_value())

    return compile_, prepare, run


LIBRARIES = {"celpy": ("cel-python", lib_celpy), "rust": ("common-expression-language", lib_rust), "google": ("cel-expr-python", lib_google)}


def conformance(lib, all_cases):
    compile_, prepare, run = lib()
    passed = failed = skipped = 0
    failures = []
    for case in all_cases:
        if "skip" in case:
            skipped += 1
            continue
        try:
            result = run(compile_(case["expr"], case["bindings"]), prepare(case["bindings"]))
            ok = not case.get("error") and same(result, case["value"])
        except Skip:
            skipped += 1
            continue
        except BaseException as e:  # noqa: BLE001 - a library's crash is a failed case
            if isinstance(e, KeyboardInterrupt):
                raise
            ok = bool(case.get("error"))
            result = f"{type(e).__name__}: {str(e)[:80]}"
        if ok:
            passed += 1
        else:
            failed += 1
            failures.append((case["file"], case["name"], case["expr"], result))
    return passed, failed, skipped, failures


ADMISSION = "object.spec.template.spec.containers.all(c, has(c.securityContext) && has(c.securityContext.runAsNonRoot) && c.securityContext.runAsNonRoot == true && !c.image.endsWith(':latest'))"
OBJECT = {"spec": {"template": {"spec": {"containers": [{"name": f"c{i}", "image": f"ghcr.io/acme/app{i}:1.{i}", "securityContext": {"runAsNonRoot": True}} for i in range(3)]}}}}


def speed(lib, n=2000):
    """(compile ms, prepare-the-object us, evaluate us): a rule set compiles once, each object is
    prepared once and then evaluated by every rule."""
    compile_, prepare, run = lib()
    t = time.perf_counter()
    for _ in range(50):
        prg = compile_(ADMISSION, ["object"])
    compile_ms = (time.perf_counter() - t) / 50 * 1000
    t = time.perf_counter()
    for _ in range(200):
        prepared = prepare({"object": OBJECT})
    prepare_us = (time.perf_counter() - t) / 200 * 1e6
    assert run(prg, prepared) is True
    samples = []
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(n // 5):
            run(prg, prepared)
        samples.append((time.perf_counter() - t) / (n // 5) * 1e6)
    return compile_ms, prepare_us, statistics.median(samples)


def import_ms(module: str) -> float:
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"], capture_output=True, text=True).stderr
    last = [line for line in out.splitlines() if line.rstrip().endswith(f"| {module}")]
    return int(last[-1].split("|")[1]) / 1000 if last else float("nan")


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("cel_spec_git_dir")
    p.add_argument("--libraries", default="celpy,rust,google")
    p.add_argument("--show-failures", type=int, default=0)
    args = p.parse_args(argv)
    all_cases = list(cases(args.cel_spec_git_dir))
    print(f"{len(all_cases)} conformance cases from {len(FILES)} files; "
          f"{sum('skip' in c for c in all_cases)} need protobuf messages or type checks and are skipped for all")
    modules = {"celpy": "celpy", "rust": "cel", "google": "cel_expr_python.cel"}
    for key in args.libraries.split(","):
        dist, lib = LIBRARIES[key]
        passed, failed, skipped, failures = conformance(lib, all_cases)
        compile_ms, prepare_us, eval_us = speed(lib)
        total = passed + failed
        print(f"{dist:28} conformance {passed}/{total} ({100 * passed / total:.1f}%), skipped {skipped}; "
              f"compile {compile_ms:.3f} ms; prepare object {prepare_us:.1f} us; evaluate {eval_us:.1f} us; "
              f"import {import_ms(modules[key]):.0f} ms")
        by_file = {}
        for f in failures:
            by_file[f[0]] = by_file.get(f[0], 0) + 1
        print("   failures by file:", dict(sorted(by_file.items())))
        for f in failures[: args.show_failures]:
            print("   ", f)


if __name__ == "__main__":
    main()
