"""Printable door labels: an A4 PDF of QR codes, in door order, with Chinese text embedded.

Each page is one 1-bit image holding its twelve codes, drawn at whole pixels per
module (no blur in any renderer), with the text on top in an embedded subset of
a CJK TrueType font. A page costs a few kilobytes of memory however many
labels came before it, so ten thousand labels stream in flat memory.
"""
from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import BinaryIO

from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfdoc import PDFImageXObject
from reportlab.pdfgen import canvas
from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from models import Area, Building, Campaign, Household
from server.extensions import db
from server.services.registry.areas import grid_ids_under
from server.services.registry.door_codes import qr_matrix
from server.services.registry.door_order import door_order

INSTRUCTION = "微信扫一扫 · 签署垃圾分类承诺书"
COLUMNS, ROWS = 3, 4
PAGE_MARGIN_MM = 10
PX_PER_MM = 4                # resolution of the page image that carries the codes
CODE_TARGET_MM = 42          # the code's width, at most: 33–42 mm scans from 30 cm and more


def draw_cut_lines(c, margin: float, columns: int, rows: int, cell_w: float, cell_h: float,
                   gray: float = 0.75) -> None:
    """Dashed lines around a grid of ``columns`` × ``rows`` cells on an A4 page, from its bottom-left margin: where
    labels and cards are cut apart."""
    c.saveState()
    c.setStrokeGray(gray)
    c.setLineWidth(0.3)
    c.setDash(2, 2)
    right, top = margin + columns * cell_w, margin + rows * cell_h
    for n in range(columns + 1):
        c.line(margin + n * cell_w, margin, margin + n * cell_w, top)
    for n in range(rows + 1):
        c.line(margin, margin + n * cell_h, right, margin + n * cell_h)
    c.restoreState()


@dataclass(frozen=True)
class LabelRow:
    token: str
    label: str
    community: str
    grid: str


def _draw_bilevel_image(c: canvas.Canvas, image: Image.Image, width: float, height: float) -> None:
    """Draw a 1-bit image over the page as a 1-bit PDF image: an eighth of the gray size.

    ``Canvas.drawImage`` would widen it to 8-bit RGB (24 times the data) and
    hash it; this registers the XObject the same way ``drawImage`` does.
    """
    packed = image.tobytes()  # PIL mode "1": rows of bits, 1 = white, as DeviceGray at 1 bit expects
    name = hashlib.md5(packed).hexdigest()
    registered = c._doc.getXObjectName(name)
    if c._doc.idToObject.get(registered) is None:
        xobject = PDFImageXObject(name)
        xobject.width, xobject.height = image.size
        xobject.bitsPerComponent = 1
        xobject.colorSpace = "DeviceGray"
        xobject._filters = ("FlateDecode",)
        xobject.streamContent = zlib.compress(packed, 6)
        c._setXObjects(xobject)
        c._doc.Reference(xobject, registered)
        c._doc.addForm(name, xobject)
    c.saveState()
    c.scale(width, height)
    c._code.append(f"/{registered} Do")
    c.restoreState()
    c._formsinuse.append(name)


def label_rows(area: Area) -> Select:
    """The households under ``area`` in door order (``door_order``), the order labels are posted in."""
    community, grid = aliased(Area), aliased(Area)
    return (
        select(Household.token, Household.label, community.name, grid.name)
        .join(Building, Household.building_id == Building.id)
        .join(community, Building.community_id == community.id)
        .join(grid, Building.grid_id == grid.id)
        .where(Building.grid_id.in_(grid_ids_under(area)))
        .order_by(*door_order(grid))
    )


class _Sheet:
    """Lays labels out on A4 pages, three across and four down."""

    def __init__(self, output: BinaryIO | str, font: str, base_url: str, heading: str | None):
        self.canvas = canvas.Canvas(output, pagesize=A4, pageCompression=1, invariant=1, initialFontName=font)
        self.canvas.setTitle("门贴二维码")
        self.font = font
        self.base_url = base_url
        self.heading = heading
        self.page_px = (round(A4[0] / mm * PX_PER_MM), round(A4[1] / mm * PX_PER_MM))
        self.label_w = (A4[0] / mm - 2 * PAGE_MARGIN_MM) / COLUMNS
        self.label_h = (A4[1] / mm - 2 * PAGE_MARGIN_MM) / ROWS
        self.image = None
        self.texts: list[tuple[float, float, float, float, str]] = []
        self.slot = 0

    def add(self, row: LabelRow) -> None:
        if self.image is None:
            self.image = Image.new("1", self.page_px, 1)
        col, line = self.slot % COLUMNS, self.slot // COLUMNS
        left_mm = PAGE_MARGIN_MM + col * self.label_w
        top_mm = PAGE_MARGIN_MM + line * self.label_h
        self._code(row.token, left_mm, top_mm)
        self._text(row, left_mm, top_mm)
        self.slot += 1
        if self.slot == COLUMNS * ROWS:
            self.end_page()

    def _code(self, token: str, left_mm: float, top_mm: float) -> None:
        matrix = qr_matrix(f"{self.base_url}/q/{token}")
        modules = len(matrix)
        module_px = max(3, CODE_TARGET_MM * PX_PER_MM // modules)
        code = Image.new("1", (modules, modules), 1)
        code.putdata([0 if dark else 1 for line in matrix for dark in line])
        code = code.resize((modules * module_px, modules * module_px), Image.NEAREST)
        x = round((left_mm + self.label_w / 2) * PX_PER_MM) - code.width // 2
        y = round((top_mm + 11) * PX_PER_MM)
        self.image.paste(code, (x, y))

    def _text(self, row: LabelRow, left_mm: float, top_mm: float) -> None:
        # Drawn after the page image, which would otherwise cover it.
        centre = (left_mm + self.label_w / 2) * mm
        top = A4[1] - top_mm * mm
        self.texts += [
            (8, 0.35, centre, top - 5.5 * mm, f"{row.community} · {row.grid}"),
            (15, 0, centre, top - 62 * mm, row.label),
            (8.5, 0, centre, top - 67 * mm, INSTRUCTION),
        ]

    def end_page(self) -> None:
        if self.image is None:
            return
        c = self.canvas
        _draw_bilevel_image(c, self.image, A4[0], A4[1])
        for size, gray, x, y, text in self.texts:
            c.setFont(self.font, size)
            c.setFillGray(gray)
            c.drawCentredString(x, y, text)
        self.texts.clear()
        self._cut_lines()
        if self.heading:
            c.setFont(self.font, 7)
            c.setFillGray(0.5)
            c.drawString(PAGE_MARGIN_MM * mm, 4 * mm, self.heading)
        c.showPage()
        self.image = None
        self.slot = 0

    def _cut_lines(self) -> None:
        draw_cut_lines(self.canvas, PAGE_MARGIN_MM * mm, COLUMNS, ROWS, self.label_w * mm, self.label_h * mm)

    def save(self) -> None:
        self.end_page()
        self.canvas.save()


def write_labels(rows: Iterable[LabelRow], output: BinaryIO | str, base_url: str, font: str,
                 heading: str | None = None, progress: Callable[[int], None] | None = None) -> int:
    """Write the labels of ``rows`` as an A4 PDF to ``output``; returns how many labels.

    ``font`` is a registered CJK font name (``cjk_font()``). A document without
    rows still gets one blank page, as a PDF must have a page.
    """
    sheet = _Sheet(output, font, base_url, heading)
    count = 0
    for row in rows:
        sheet.add(row)
        count += 1
        if progress and count % (COLUMNS * ROWS * 10) == 0:
            progress(count)
    sheet.save()
    if progress:
        progress(count)
    return count


def area_labels(area: Area, output: BinaryIO | str, base_url: str, font: str, campaign: Campaign | None = None,
                progress: Callable[[int], None] | None = None) -> int:
    """Write the door labels of every household under ``area``, streaming from the database."""
    result = db.session.execute(label_rows(area).execution_options(yield_per=2000))
    rows = (LabelRow(*r) for r in result)
    heading = f"{area.name} 门贴二维码" + (f" · {campaign.name}" if campaign else "")
    return write_labels(rows, output, base_url, font, heading=heading, progress=progress)
