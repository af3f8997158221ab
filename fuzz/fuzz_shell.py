"""atheris target: The shell parsing of RUN (parse_shell never raises; commands, words, redirects inside the script; RUN spans map back into the Dockerfile).

    python fuzz/fuzz_shell.py fuzz/seeds/shell -max_total_time=300
"""
from _harness import run

if __name__ == "__main__":
    run("check_shell", ["dockerlint.parse.shell", "dockerlint.rulekit.runs"], as_text=True)
