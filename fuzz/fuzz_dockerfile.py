"""atheris target: The Dockerfile parser (errors with a position only; lossless model; spans) and every Dockerfile rule (no crash, findings inside the file).

    python fuzz/fuzz_dockerfile.py fuzz/seeds/dockerfile -max_total_time=300
"""
from _harness import run

if __name__ == "__main__":
    run("check_dockerfile", ["dockerlint.parse.dockerfile", "dockerlint.rulekit.keyvalues", "dockerlint.rulekit.analysis"], as_text=True)
