"""dockerlint's rules, one per file, code first in the file name (imported as dockerlint.rules)."""
