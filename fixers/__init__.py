"""Pure functions that build fix edits (imported as dockerlint.fixers); they never write files."""
