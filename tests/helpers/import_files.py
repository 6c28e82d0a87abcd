"""Legacy files made on the fly: legitimate persons files of any size and the import bombs."""
from __future__ import annotations

import io
import re
import zipfile

PERSON_HEADER = "case_ref,programme,family_name,given_name,sex,date_of_birth,relationship,arrival_date\n"
_FAMILIES = ("Petrović", "Jovanović", "Nikolić", "Ђорђевић", "Berisha", "Gashi", "Ilić", "Marković")
_GIVEN = ("Marko", "Jelena", "Ana", "Dragan", "Љиљана", "Arben", "Besa", "Ivana", "Nikola")


def persons_csv(rows: int, programme: str = "AVR-CH", start: int = 0) -> bytes:
    """`rows` good rows, two persons per case (a principal and a child)."""
    out = io.StringIO()
    out.write(PERSON_HEADER)
    for i in range(start, start + rows):
        case, member = divmod(i, 2)
        family = _FAMILIES[case % len(_FAMILIES)]
        given = _GIVEN[(i * 7) % len(_GIVEN)]
        if member == 0:
            out.write(f"L/{case},{programme},{family},{given}{case},M,{1950 + case % 40},principal,15.03.2003\n")
        else:
            out.write(f"L/{case},{programme},{family},{given}{case},F,{1994 + case % 8},child,15.03.2003\n")
    return out.getvalue().encode("utf-8")


def bad_rows_csv(rows: int) -> bytes:
    """A header and `rows` rows with a wrong sex and a wrong date each."""
    line = "A,AVR-CH,Ilić,Ana,Q,year,principal,\n"
    return (PERSON_HEADER + line * rows).encode("utf-8")


def xlsx_from_rows(rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def small_persons_xlsx() -> bytes:
    lines = persons_csv(2).decode().splitlines()
    return xlsx_from_rows(line.split(",") for line in lines)


def _rewrite(data: bytes, name: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == name:
                content = change(content)
            target.writestr(item.filename, content)
    return out.getvalue()


def dimension_bomb() -> bytes:
    """A few KB that declare the largest sheet Excel allows (A1:XFD1048576)."""
    def declare(xml: bytes) -> bytes:
        xml = re.sub(rb"<dimension ref=\"[^\"]*\"\s*/>", b'<dimension ref="A1:XFD1048576"/>', xml)
        assert b"XFD1048576" in xml
        return xml

    return _rewrite(small_persons_xlsx(), "xl/worksheets/sheet1.xml", declare)


def doctype_xlsx() -> bytes:
    """A sheet with a DOCTYPE and an entity reference it does not define."""
    def add_doctype(xml: bytes) -> bytes:
        if not xml.startswith(b"<?xml"):
            xml = b'<?xml version="1.0" encoding="UTF-8"?>' + xml
        xml = xml.replace(b"?>", b'?><!DOCTYPE worksheet [<!ENTITY lol "lol">]>', 1)
        return xml.replace(b"<sheetData>", b"<sheetData>&undefined;", 1)

    return _rewrite(small_persons_xlsx(), "xl/worksheets/sheet1.xml", add_doctype)


def unpacked_size_bomb(unpacked_mb: int) -> bytes:
    """A valid workbook plus a part that inflates to `unpacked_mb` MB from a few hundred KB."""
    data = small_persons_xlsx()
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as target, \
            target.open("xl/sharedStrings2.xml", "w", force_zip64=True) as part:
        block = b"<si><t>" + b"A" * (1024 * 1024 - 15) + b"</t></si>"
        for _ in range(unpacked_mb):
            part.write(block)
    return out.getvalue()


def many_parts_xlsx(parts: int) -> bytes:
    out = io.BytesIO(small_persons_xlsx())
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as target:
        for i in range(parts):
            target.writestr(f"xl/media/p{i}.xml", b"<x/>")
    return out.getvalue()
