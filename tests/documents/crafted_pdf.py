"""A hostile PDF: thousands of form fields packed in one compressed object stream.

Small on the wire (about 100 KB for 5,000 fields) and slow to parse: pyHanko's
`embedded_signatures` walks every field. The verification page must never parse such a file.
"""

from __future__ import annotations

import struct
import zlib


def crafted_pdf(fields: int = 5000) -> bytes:
    """A valid PDF 1.7 with `fields` text fields in one /ObjStm and a cross-reference stream."""
    first_field = 4  # 1 catalog, 2 pages, 3 page; fields from 4; then the object stream, xref
    numbers = range(first_field, first_field + fields)
    bodies = [f"<</FT/Tx/T(f{n})/Ff 0/V(x)/P 3 0 R>>".encode() for n in numbers]
    header, offset = [], 0
    for number, body in zip(numbers, bodies, strict=True):
        header.append(f"{number} {offset}")
        offset += len(body) + 1
    head = (" ".join(header) + "\n").encode()
    packed = zlib.compress(head + b"\n".join(bodies) + b"\n", 9)
    objstm = first_field + fields
    xref = objstm + 1
    kids = " ".join(f"{n} 0 R" for n in numbers)

    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}

    def add(number: int, data: bytes) -> None:
        offsets[number] = len(out)
        out.extend(f"{number} 0 obj\n".encode() + data + b"\nendobj\n")

    add(1, f"<</Type/Catalog/Pages 2 0 R/AcroForm<</Fields[{kids}]>>>>".encode())
    add(2, b"<</Type/Pages/Kids[3 0 R]/Count 1>>")
    add(3, b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>")
    dictionary = f"<</Type/ObjStm/N {fields}/First {len(head)}/Filter/FlateDecode"
    add(
        objstm,
        f"{dictionary}/Length {len(packed)}>>\n".encode() + b"stream\n" + packed + b"\nendstream",
    )
    # Cross-reference stream: W [1 4 2]; type 1 = at an offset, type 2 = inside the ObjStm.
    rows = [struct.pack(">BIH", 0, 0, 0xFFFF)]
    for number in range(1, xref + 1):
        if number in numbers:
            rows.append(struct.pack(">BIH", 2, objstm, number - first_field))
        elif number == xref:
            rows.append(struct.pack(">BIH", 1, len(out), 0))
        else:
            rows.append(struct.pack(">BIH", 1, offsets[number], 0))
    table = zlib.compress(b"".join(rows), 9)
    start = len(out)
    out.extend(
        f"{xref} 0 obj\n<</Type/XRef/Size {xref + 1}/W[1 4 2]/Root 1 0 R/Filter/FlateDecode"
        f"/Length {len(table)}>>\nstream\n".encode()
        + table
        + b"\nendstream\nendobj\n"
        + f"startxref\n{start}\n%%EOF\n".encode()
    )
    return bytes(out)
