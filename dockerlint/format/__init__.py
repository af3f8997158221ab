"""`dockerlint format`: lay out Dockerfiles, and prove that the build is unchanged.

`format_text(text)` returns the formatted text, the instructions it left as written (with the
reason) and, for a file our parser rejects, the parse error (the text is then unchanged).
"""
from dockerlint.format.document import FormatResult, format_text
from dockerlint.format.options import FormatOptions

__all__ = ["FormatOptions", "FormatResult", "format_text"]
