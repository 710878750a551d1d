"""The PDF's document information (Title, Subject, Author, dates, Creator), added to a
finished file as an incremental update.

The batch writer splits one WeasyPrint PDF into a file per form with PDFium, which
keeps no document information of its own choosing (it writes Producer "PDFium" and the
clock). An incremental update is the PDF format's own way to amend a file: the new
information dictionary and a cross-reference section for it are appended, and the new
trailer points to them; the original bytes stay as they are. Dates come from the
record (the agreement's signing, the studio's founding), so the same records give the
same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

CREATOR = "匠谱 jiangpu"
_TRAILER = re.compile(rb"trailer\s*<<(.*?)>>\s*startxref\s*(\d+)\s*%%EOF\s*$", re.S)
_XREF_STREAM_START = re.compile(rb"startxref\s*(\d+)\s*%%EOF\s*$", re.S)


@dataclass(frozen=True, slots=True)
class Info:
    title: str
    subject: str = ""
    author: str = ""
    created: date | None = None


def _text(value: str) -> bytes:
    """A PDF text string: UTF-16BE with its byte-order mark, in hex (any Chinese text)."""
    return b"<FEFF" + value.encode("utf-16-be").hex().upper().encode() + b">"


def _date(day: date) -> bytes:
    return f"(D:{day:%Y%m%d}000000+08'00')".encode()


def _entry(data: bytes, key: bytes) -> bytes | None:
    found = re.search(rb"/" + key + rb"\s*(\d+\s+\d+\s+R|\[[^\]]*\]|\d+)", data)
    return found.group(1) if found else None


def with_info(data: bytes, info: Info) -> bytes:
    """``data`` (a complete PDF with a classic trailer) with ``info`` as its document information."""
    trailer = _TRAILER.search(data)
    if trailer is None:  # a cross-reference stream: leave the file as it is
        return data
    fields, previous = trailer.group(1), trailer.group(2)
    size, root, ids = _entry(fields, b"Size"), _entry(fields, b"Root"), _entry(fields, b"ID")
    if size is None or root is None:
        return data
    number = int(size)
    entries = [b"/Title " + _text(info.title), b"/Creator " + _text(CREATOR), b"/Producer " + _text(CREATOR + "（WeasyPrint、PDFium）")]
    if info.subject:
        entries.append(b"/Subject " + _text(info.subject))
    if info.author:
        entries.append(b"/Author " + _text(info.author))
    if info.created:
        entries += [b"/CreationDate " + _date(info.created), b"/ModDate " + _date(info.created)]
    body = b"\n" if not data.endswith(b"\n") else b""
    offset = len(data) + len(body)
    body += f"{number} 0 obj\n<<".encode() + b" ".join(entries) + b">>\nendobj\n"
    xref = len(data) + len(body)
    body += f"xref\n{number} 1\n{offset:010d} 00000 n \ntrailer\n<</Size {number + 1} /Root ".encode() + root
    body += b" /Info " + f"{number} 0 R".encode() + (b" /ID " + ids if ids else b"") + b" /Prev " + previous
    body += f">>\nstartxref\n{xref}\n%%EOF\n".encode()
    return data + body
