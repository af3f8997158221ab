"""atheris target: The YAML loading layer (YamlParseError only; the C and Python composers agree; spans inside the text, fast and slow span paths agree) and every Kubernetes / Compose rule.

    python fuzz/fuzz_yaml.py fuzz/seeds/yaml -max_total_time=300
"""
from _harness import run

if __name__ == "__main__":
    run("check_yaml", ["dockerlint.parse.yaml", "dockerlint.parse.detect", "dockerlint.rulekit.k8s_model", "dockerlint.rulekit.compose_model"], as_text=True)
