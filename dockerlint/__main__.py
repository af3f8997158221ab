from dockerlint.cli.main import entry

entry()
