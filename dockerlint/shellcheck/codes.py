"""ShellCheck codes we do not check natively, as rules the ShellCheck binary provides.

One row per code: (code, severity as ShellCheck reports it, kebab-case name, one-line
description). The descriptions are our own words (ShellCheck's wiki is GPL; nothing is copied
from it). The list holds every code ShellCheck reported on the Dockerfile corpus
(bench/shellcheck_native.md) and other common ones; `rules/sc_shellcheck_binary.py` turns each
row into a rule, so `dockerlint rules` lists them and `dockerlint rule SC2164` explains them.
A code the binary reports that is not in this table is still reported, under its own code, when
the selection covers it (`SC`, `SC2`, `ALL`...), though it has no docs page until a row is added.
"""
from __future__ import annotations

CODES: tuple[tuple[str, str, str, str], ...] = (
    # parser diagnostics
    ("SC1009", "info", "parse-error-context", "Where ShellCheck's parser was when it met the syntax error reported next to it."),
    ("SC1035", "error", "missing-space-in-brackets", "`[`, `[[`, `!` and similar need spaces around them."),
    ("SC1036", "error", "unexpected-paren", "A `(` where the shell does not expect one (often a missing `$` or quotes)."),
    ("SC1064", "error", "expected-function-body", "A function definition without a `{ ... }` body."),
    ("SC1065", "error", "function-parameters", "Shell functions take no declared parameters: use `f() { ...; }` and `$1`."),
    ("SC1066", "error", "dollar-on-assignment", "`$var=value` does not assign: drop the `$` on the left of `=`."),
    ("SC1070", "error", "parse-error-escape", "A backslash the parser could not make sense of."),
    ("SC1081", "error", "keyword-case", "Shell keywords are case sensitive: `if`, not `If`."),
    ("SC1083", "warning", "literal-brace", "A `{` or `}` that is taken literally; quote it if that is meant."),
    ("SC1088", "error", "unexpected-token", "A token the parser did not expect here (often an unescaped `(` or `)`)."),
    ("SC1133", "error", "operator-at-line-start", "A line starts with `&&`, `|` or `||`: put the operator at the end of the previous line."),
    # warnings and style
    ("SC2004", "style", "dollar-in-arithmetic", "`$` is not needed on plain variables inside `$((...))`."),
    ("SC2005", "style", "useless-echo-substitution", "`echo $(cmd)` prints what `cmd` already prints."),
    ("SC2010", "warning", "ls-grep", "`ls | grep` breaks on unusual file names; use a glob or find."),
    ("SC2012", "info", "parse-ls", "Reading `ls` output breaks on unusual file names; use find or a glob."),
    ("SC2021", "info", "tr-brackets", "`tr` does not need `[ ]` around ranges; they are taken literally."),
    ("SC2026", "info", "quotes-in-word", "A word that leaves and re-enters quotes in the middle; probably unintended."),
    ("SC2027", "warning", "quotes-around-expansion-in-string", "Quotes around an expansion inside a double-quoted string end and restart the string."),
    ("SC2034", "warning", "unused-variable", "A variable is assigned but never used (export it if another program reads it)."),
    ("SC2038", "warning", "find-xargs-unsafe", "`find | xargs` breaks on file names with spaces; use `-print0 | xargs -0` or `-exec`."),
    ("SC2062", "warning", "unquoted-grep-pattern", "A grep pattern that the shell may glob-expand; quote it."),
    ("SC2068", "error", "unquoted-array-expansion", "`$@` or an array expansion without quotes re-splits its elements."),
    ("SC2091", "warning", "executing-output", "`$(cmd)` as a command runs the output of cmd; drop the `$( )` to test cmd."),
    ("SC2094", "info", "read-write-same-file", "A pipeline reads and writes the same file; it may be truncated first."),
    ("SC2102", "info", "range-one-char", "A `[...]` range matches one character, not a string."),
    ("SC2103", "info", "cd-back", "`cd dir; ...; cd ..` is fragile; use a subshell `( cd dir && ... )`."),
    ("SC2143", "style", "grep-q", "Use `grep -q` in a condition instead of comparing its output."),
    ("SC2154", "warning", "unassigned-variable", "A lowercase variable is used but never assigned in the script (nor by ARG/ENV)."),
    ("SC2164", "warning", "cd-without-exit", "`cd` can fail; use `cd dir || exit` (or `set -e`)."),
    ("SC2166", "warning", "test-a-o", "`-a` and `-o` in `[ ]` are ill-defined; use `[ p ] && [ q ]`."),
    ("SC2174", "warning", "mkdir-p-m", "`mkdir -p -m` applies the mode only to the last directory."),
    ("SC2196", "info", "egrep-deprecated", "`egrep` is deprecated; use `grep -E`."),
    ("SC2211", "warning", "glob-as-command", "A glob used as a command name."),
    ("SC2226", "warning", "ln-one-argument", "`ln` with one argument links into the current directory; give the destination."),
    ("SC2251", "info", "negation-ignored-by-set-e", "A `!` command's failure does not stop `set -e`."),
    ("SC2268", "style", "x-prefix-comparison", "The `x$var` comparison trick is not needed in modern shells."),
    ("SC2288", "warning", "trailing-quote-or-symbol", "A command ends with a stray quote or symbol, likely a typo."),
    ("SC2308", "info", "expr-deprecated", "`expr` for string operations is non-standard; use parameter expansion."),
    # POSIX sh portability (SHELL is /bin/sh)
    ("SC3001", "warning", "process-substitution-in-sh", "In POSIX sh, `<(...)` process substitution is undefined."),
    ("SC3010", "warning", "double-brackets-in-sh", "In POSIX sh, `[[ ]]` is undefined."),
    ("SC3014", "warning", "double-equals-in-sh", "In POSIX sh, `==` in `[ ]` is undefined; use `=`."),
    ("SC3020", "warning", "redirect-both-in-sh", "In POSIX sh, `&>` is undefined; use `>file 2>&1`."),
    ("SC3028", "warning", "bash-variable-in-sh", "In POSIX sh, bash variables such as `$RANDOM` are undefined."),
    ("SC3030", "warning", "arrays-in-sh", "In POSIX sh, arrays are undefined."),
    ("SC3040", "warning", "set-option-in-sh", "In POSIX sh, this `set -o` option (e.g. pipefail) is undefined."),
    ("SC3045", "warning", "read-flags-in-sh", "In POSIX sh, this flag of a builtin (e.g. `read -p`) is undefined."),
    ("SC3046", "warning", "source-in-sh", "In POSIX sh, `source` is undefined; use `.`."),
    ("SC3054", "warning", "array-reference-in-sh", "In POSIX sh, array references are undefined."),
    ("SC3060", "warning", "pattern-substitution-in-sh", "In POSIX sh, `${var/a/b}` substitution is undefined."),
)
