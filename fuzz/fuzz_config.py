"""atheris target: The config loader: .hadolint.yaml, .dockerlint.toml and pyproject.toml (chosen by the first byte); ConfigError only.

    python fuzz/fuzz_config.py fuzz/seeds/config -max_total_time=300
"""
from _harness import run

if __name__ == "__main__":
    run("check_config", ["dockerlint.config"], as_text=False)
