"""Uploads are judged by their bytes, re-encoded without metadata, stored once, and bombs are refused."""
import io
import os
import struct
import time
import tracemalloc
import zlib
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from models import StoredFile
from server.extensions import db as _db
from server.services.files.storage import storage as app_storage
from tests.field import bearer, jpeg

API = "/api/mp/v1"


@pytest.fixture
def headers(app, field):
    return bearer(app, field.users["worker_a1"])


def post(client, headers, data, kind="photo", name="photo.jpg"):
    return client.post(f"{API}/files", headers=headers, data={"kind": kind, "file": (io.BytesIO(data), name)})


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (400, 300), "blue")
    exif = Image.Exif()
    exif[0x010F] = "SomePhone"  # Make
    exif[0x8825] = {1: "N", 2: (29.0, 32.0, 0.0), 3: "E", 4: (108.0, 46.0, 0.0)}  # GPS IFD
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def png_bomb(width=20000, height=20000) -> bytes:
    """A tiny PNG that claims 400 million pixels: the header alone, with a little compressed data."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + \
        chunk(b"IEND", b"")


def test_a_photo_is_re_encoded_without_exif_or_gps(client, app, headers):
    response = post(client, headers, jpeg_with_gps())
    assert response.status_code == 201
    stored = _db.session.get(StoredFile, response.get_json()["id"])
    data = app_storage().read(stored.sha256, ".jpg")
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and not image.getexif()


def test_a_large_photo_is_shrunk_to_1600_px_on_the_long_side(client, headers):
    body = post(client, headers, jpeg(3200, 2400)).get_json()
    assert (body["width"], body["height"]) == (1600, 1200)


def test_the_same_bytes_again_are_the_same_file_with_no_second_copy(client, app, headers):
    data = jpeg()
    first, second = post(client, headers, data).get_json(), post(client, headers, data).get_json()
    assert first == second
    assert _db.session.scalar(select(func.count()).select_from(StoredFile)) == 1
    assert len(list(Path(app.config["UPLOAD_DIR"]).rglob("*.jpg"))) == 1


@pytest.mark.parametrize("data, name", [
    (b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>", "photo.jpg"),
    (b"<?php system($_GET['c']); ?>", "photo.jpg"),
    (b"%PDF-1.4 not an image", "photo.png"),
    (b"GIF89a" + b"\0" * 100, "photo.gif"),
    (jpeg()[:200], "truncated.jpg"),
    (jpeg(1200, 900, "red")[:-2000], "cut-off-in-the-scan.jpg"),
])
def test_bytes_that_are_not_an_accepted_image_are_refused_whatever_their_name(client, headers, data, name):
    response = post(client, headers, data, name=name)
    assert response.status_code == 422 and response.get_json()["errors"]["file"]
    assert _db.session.scalar(select(func.count()).select_from(StoredFile)) == 0


def test_a_decompression_bomb_is_refused_before_it_is_decoded(client, app, headers):
    bomb = png_bomb()
    tracemalloc.start()
    try:
        response = post(client, headers, bomb, kind="signature", name="s.png")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 422 and "像素" in response.get_json()["message"]
    assert peak < 10 * 1024 * 1024, f"{peak / 2**20:.1f} MB used for a 20000 × 20000 claim"
    assert not list(Path(app.config["UPLOAD_DIR"]).rglob("*.*"))


class Endless(io.RawIOBase):
    """A request body of ``size`` bytes that exist only as they are read, counting what the server reads."""

    def __init__(self, size):
        self.left, self.read_bytes = size, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), self.left)
        buffer[:n] = b"\0" * n
        self.left -= n
        self.read_bytes += n
        return n


def _send_fifty_megabytes(client, headers, declared: bool):
    body = Endless(50 * 1024 * 1024)
    environ = {"wsgi.input": io.BufferedReader(body), "wsgi.input_terminated": not declared}
    request_headers = {**headers, "Content-Type": "multipart/form-data; boundary=x"}
    if declared:
        request_headers["Content-Length"] = str(50 * 1024 * 1024)
    started = time.perf_counter()
    response = client.post(f"{API}/files", headers=request_headers, environ_overrides=environ)
    return response, body.read_bytes, time.perf_counter() - started


def test_a_fifty_megabyte_body_that_says_so_is_refused_without_being_read(client, app, headers):
    response, read, seconds = _send_fifty_megabytes(client, headers, declared=True)
    assert response.status_code == 413 and response.get_json()["code"] == 413
    assert read <= 1024 * 1024 and seconds < 2  # at most a little is drained so the phone reads the answer
    assert _db.session.scalar(select(func.count()).select_from(StoredFile)) == 0
    assert not list(Path(app.config["UPLOAD_DIR"]).rglob("*.*"))


def test_a_fifty_megabyte_body_sent_in_chunks_is_cut_off_at_the_limit(client, app, headers):
    tracemalloc.start()
    try:
        response, read, seconds = _send_fifty_megabytes(client, headers, declared=False)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 413
    assert read <= app.config["MAX_CONTENT_LENGTH"] + 1024 * 1024 and seconds < 10
    assert peak < 8 * 1024 * 1024, f"{peak / 2**20:.1f} MB held while refusing"
    assert _db.session.scalar(select(func.count()).select_from(StoredFile)) == 0
    assert not list(Path(app.config["UPLOAD_DIR"]).rglob("*.*"))


def test_a_file_over_the_size_limit_is_413(client, app, headers):
    app.config["MAX_FILE_MB"] = 1
    noisy = Image.frombytes("RGB", (1200, 1200), os.urandom(1200 * 1200 * 3))
    buffer = io.BytesIO()
    noisy.save(buffer, "PNG")
    assert len(buffer.getvalue()) > 1024 * 1024
    response = post(client, headers, buffer.getvalue(), name="big.png")
    assert response.status_code == 413 and response.get_json()["code"] == 413


def test_a_missing_file_or_kind_is_a_422_naming_it(client, headers):
    assert "file" in client.post(f"{API}/files", headers=headers, data={"kind": "photo"}).get_json()["errors"]
    response = client.post(f"{API}/files", headers=headers, data={"file": (io.BytesIO(jpeg()), "p.jpg")})
    assert response.status_code == 422 and "kind" in response.get_json()["errors"]
