"""The invite sheet of a roster: kept for its importer while the codes are valid, printed as A4 pages of cards to
cut out and hand to each worker.

Each card carries the worker's name, grid and role, the one-time invite code as text and as a QR code, and how
to use it. The QR code holds the worker sign-in page with the code after ``#`` (``…/w/login#code=ABCDE-FGHJK``):
WeChat's scanner opens the page with the code filled in, and the part after ``#`` never reaches the server, so
the code stays out of every access log. Chinese text is embedded as a subset of a CJK font, as on door labels.
"""
from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from sqlalchemy import delete, select

from models import Area, RosterSheet, User, utcnow
from server.extensions import db
from server.services.access.audit import record_read
from server.services.access.scope import OutOfScope
from server.services.registry.door_codes import qr_matrix
from server.services.registry.labels import draw_cut_lines

COLUMNS, ROWS = 2, 4
MARGIN_MM = 10
QR_MM = 36  # the code's width: scans from a hand's length


@dataclass(frozen=True)
class InviteCard:
    """One card of the invite sheet: who, where, as what, and the code to sign in with."""

    name: str
    grid: str
    role: str
    code: str


def keep_invite_sheet(cards: list[InviteCard], area: Area, importer: User, ttl_hours: int = 72,
                      now: dt.datetime | None = None) -> RosterSheet:
    """Keep the cards of an import into ``area`` for ``importer`` to download (encrypted, until the codes expire),
    and drop the sheets whose codes have expired. Flushes."""
    now = now or utcnow()
    db.session.execute(delete(RosterSheet).where(RosterSheet.expires_at <= now))
    sheet = RosterSheet(token=secrets.token_urlsafe(32), imported_by_id=importer.id, area_id=area.id,
                        cards=json.dumps([card.__dict__ for card in cards], ensure_ascii=False),
                        created_at=now, expires_at=now + dt.timedelta(hours=ttl_hours))
    db.session.add(sheet)
    db.session.flush()
    return sheet


#: What a person is told when an invite sheet is not theirs, unknown or expired.
SHEET_GONE = "没有这份邀请卡，或它已过期"


def invite_sheet_for(user: User, token: str, now: dt.datetime | None = None) -> tuple[RosterSheet, list[InviteCard]]:
    """The invite sheet ``token`` and its cards, for the person who imported it, while its codes are valid.

    Raises:
        OutOfScope: no such sheet, someone else's, or expired.
    """
    sheet = db.session.scalar(select(RosterSheet).where(RosterSheet.token == (token or "")[:43]))
    if sheet is None or sheet.imported_by_id != user.id or sheet.expires_at <= (now or utcnow()):
        raise OutOfScope(token, SHEET_GONE)
    return sheet, [InviteCard(**card) for card in json.loads(sheet.cards)]


def write_invite_sheet_pdf(user: User, token: str, output, base_url: str, font: str, ip: str | None = None) -> int:
    """Write the invite sheet ``token`` as a PDF for the person who imported it, and log the download (it shows
    invite codes) in the audit log. Returns how many cards.

    Raises:
        OutOfScope: as ``invite_sheet_for``.
    """
    sheet, cards = invite_sheet_for(user, token)
    until = sheet.expires_at.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M")
    count = write_invite_sheet(cards, output, base_url, font, heading=f"{sheet.area.name} 人员邀请卡",
                               valid_until=until)
    record_read(user, "download_invite_sheet", "roster_sheet", sheet.id, {"cards": count}, ip=ip)
    return count


def invite_url(base_url: str, code: str) -> str:
    """What a card's QR code holds: the worker sign-in page, with the code where only the browser reads it."""
    return f"{base_url}/w/login#code={code}"


def _draw_qr(c: canvas.Canvas, url: str, x: float, y: float, size: float) -> None:
    """The code as vector squares, with its quiet zone left white; (x, y) is the bottom left corner."""
    matrix = qr_matrix(url)
    module = size / len(matrix)
    c.saveState()
    c.setFillGray(0)
    path = c.beginPath()
    for row, line in enumerate(matrix):
        for col, dark in enumerate(line):
            if dark:
                path.rect(x + col * module, y + size - (row + 1) * module, module, module)
    c.drawPath(path, stroke=0, fill=1)
    c.restoreState()


def write_invite_sheet(cards: Iterable[InviteCard], output: BinaryIO | str, base_url: str, font: str,
                       heading: str = "", valid_until: str = "") -> int:
    """Write the cards as an A4 PDF, eight to a page with dashed cut lines; returns how many cards.

    ``font`` is a registered CJK font name (``cjk_font()``). A sheet without cards still has one page.
    """
    c = canvas.Canvas(output, pagesize=A4, pageCompression=1, invariant=1, initialFontName=font)
    c.setTitle("工作人员邀请卡")
    card_w = (A4[0] - 2 * MARGIN_MM * mm) / COLUMNS
    card_h = (A4[1] - 2 * MARGIN_MM * mm) / ROWS
    count = slot = 0
    for card in cards:
        col, line = slot % COLUMNS, slot // COLUMNS
        left = MARGIN_MM * mm + col * card_w
        top = A4[1] - MARGIN_MM * mm - line * card_h
        _draw_card(c, card, left, top, card_w, card_h, base_url, font, valid_until)
        count += 1
        slot += 1
        if slot == COLUMNS * ROWS:
            _end_page(c, font, heading, card_w, card_h)
            slot = 0
    if slot or count == 0:
        _end_page(c, font, heading, card_w, card_h)
    c.save()
    return count


def _draw_card(c: canvas.Canvas, card: InviteCard, left: float, top: float, width: float, height: float,
               base_url: str, font: str, valid_until: str) -> None:
    pad = 6 * mm
    c.setFillGray(0.35)
    c.setFont(font, 8)
    c.drawString(left + pad, top - pad - 2 * mm, "敲门行动 · 网格员/志愿者邀请卡")
    c.setFillGray(0)
    room = width - 2 * pad - QR_MM * mm - 2 * mm  # left of the QR code
    _fitted(c, card.name, font, 16, left + pad, top - pad - 11 * mm, room)
    _fitted(c, f"{card.role} · {card.grid}", font, 9, left + pad, top - pad - 17 * mm, room)
    c.setFont(font, 8)
    c.drawString(left + pad, top - pad - 25 * mm, "一次性邀请码")
    c.setFont("Courier-Bold", 15)
    c.drawString(left + pad, top - pad - 31 * mm, card.code)
    c.setFillGray(0.25)
    c.setFont(font, 7)
    lines = ["用微信扫右上二维码登录，或打开以下网址输入邀请码：", f"{base_url}/w/login",
             "邀请码只能用一次，请本人使用，勿转给他人" + (f"；有效期至 {valid_until}" if valid_until else "")]
    for n, text in enumerate(lines):
        c.drawString(left + pad, top - pad - (44 + 4 * n) * mm, text)
    c.setFillGray(0)
    qr = QR_MM * mm
    _draw_qr(c, invite_url(base_url, card.code), left + width - pad - qr, top - pad - 4 * mm - qr, qr)


def _fitted(c: canvas.Canvas, text: str, font: str, size: float, x: float, y: float, room: float) -> None:
    """Draw ``text`` at ``size``, or smaller if it would run into the QR code (a long community name)."""
    size = min(size, size * room / max(c.stringWidth(text, font, size), 1))
    c.setFont(font, max(size, 5))
    c.drawString(x, y, text)


def _end_page(c: canvas.Canvas, font: str, heading: str, card_w: float, card_h: float) -> None:
    draw_cut_lines(c, MARGIN_MM * mm, COLUMNS, ROWS, card_w, card_h, gray=0.6)
    if heading:
        c.setFont(font, 7)
        c.setFillGray(0.5)
        c.drawString(MARGIN_MM * mm, 4 * mm, f"{heading} · 沿虚线剪开，一人一张")
    c.showPage()
