"""Finding a Chinese TrueType font that reportlab can embed (as a subset) in PDFs.

A PDF that names a CJK font without embedding it (reportlab's STSong-Light)
shows empty boxes in poppler and on many printers; so labels always embed one.
"""
from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

#: Fonts with TrueType outlines that reportlab can subset, most common first.
KNOWN_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/simsun.ttc",
)
FONT_NAME = "QiaomenCJK"  # prefix of the registered name; the font file's stem follows
INSTALL_HINT = ("没有找到可以嵌入 PDF 的中文 TrueType 字体。请安装文泉驿正黑（Debian/Ubuntu："
                "apt-get install fonts-wqy-zenhei），或用 LABEL_FONT 指定一个 .ttf/.ttc 字体文件。"
                "（No embeddable CJK TrueType font found: install fonts-wqy-zenhei or set LABEL_FONT.)")


class CJKFontMissing(RuntimeError):
    """No usable CJK font: the message says what to install or configure."""


def _loads(path: str):
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    try:
        font = TTFont(f"{FONT_NAME}-{Path(path).stem}", path, subfontIndex=0)
    except (TTFError, OSError, ValueError):
        return None  # e.g. CFF outlines (Noto CJK .otf/.ttc), which reportlab cannot embed
    return font if font.face.charToGlyph.get(ord("门")) else None


def _fontconfig_candidates() -> list[str]:
    if not shutil.which("fc-list"):
        return []
    try:
        listing = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line.split(":")[0].strip() for line in listing.stdout.splitlines() if line.strip()})


@functools.lru_cache(maxsize=4)
def cjk_font(configured: str | None = None) -> str:
    """Register a CJK font with reportlab and return its name.

    ``configured`` (``LABEL_FONT``) wins; otherwise well-known paths, then what
    fontconfig lists for Chinese.

    Raises:
        CJKFontMissing: the configured font cannot be embedded, or none was found.
    """
    from reportlab.pdfbase import pdfmetrics

    if configured:
        font = _loads(configured) if Path(configured).is_file() else None
        if font is None:
            raise CJKFontMissing(f"LABEL_FONT={configured} 不是可嵌入的中文 TrueType 字体。{INSTALL_HINT}")
    else:
        font = next((f for p in (*KNOWN_FONTS, *_fontconfig_candidates())
                     if Path(p).is_file() and (f := _loads(p)) is not None), None)
        if font is None:
            raise CJKFontMissing(INSTALL_HINT)
    pdfmetrics.registerFont(font)
    return font.fontName
