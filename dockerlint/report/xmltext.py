"""Helpers for the XML reporters (checkstyle, junit)."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

# Characters XML 1.0 cannot carry even escaped (control characters from odd input files).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def element(tag: str, text: str | None = None, /, **attributes) -> ET.Element:
    e = ET.Element(tag, {k: clean(str(v)) for k, v in attributes.items() if v is not None})
    if text is not None:
        e.text = clean(text)
    return e


def serialise(root: ET.Element) -> str:
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
