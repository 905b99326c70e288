"""Reading QR codes back, as a phone camera would: render, then decode with a real decoder (ZXing)."""
from __future__ import annotations

import io
import subprocess
from pathlib import Path

import zxingcpp
from PIL import Image


def decode_image(data: bytes | Image.Image) -> list[str]:
    image = Image.open(io.BytesIO(data)) if isinstance(data, bytes) else data
    return [result.text for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def render_pdf_page(pdf: Path, page: int, tmp_path: Path, dpi: int = 150) -> Image.Image:
    """Render one page with poppler's pdftoppm: the print path where non-embedded CJK fonts fail."""
    prefix = tmp_path / f"page{page}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png", str(pdf), str(prefix)],
                   check=True)
    (rendered,) = tmp_path.glob(f"page{page}-*.png")
    return Image.open(rendered)


def pdf_text(pdf: Path, page: int | None = None) -> str:
    args = ["pdftotext", "-layout"] + (["-f", str(page), "-l", str(page)] if page else []) + [str(pdf), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pdf_fonts(pdf: Path) -> str:
    return subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
