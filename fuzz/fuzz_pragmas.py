"""atheris target: Suppression comments and pragmas (hadolint, dockerlint, BuildKit check=skip) through the whole suppression pipeline.

    python fuzz/fuzz_pragmas.py fuzz/seeds/pragmas -max_total_time=300
"""
from _harness import run

if __name__ == "__main__":
    run("check_pragmas", ["dockerlint.suppressions", "dockerlint.kinds.k8s_annotations"], as_text=True)
