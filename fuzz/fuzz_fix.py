"""atheris target: The fix engine, unsafe fixes included: the result parses for BuildKit or nothing changed; fixing again changes nothing.

    python fuzz/fuzz_fix.py fuzz/seeds/fix -max_total_time=300
"""
from _harness import run

if __name__ == "__main__":
    run("check_fix", ["dockerlint.fix", "dockerlint.fixers.shell_edits", "dockerlint.fixers.instruction_lines"], as_text=True)
