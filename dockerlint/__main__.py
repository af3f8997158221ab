from dockerlint.cli import entry

entry()
