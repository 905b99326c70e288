"""The one atomic file write and the one image-type table."""
import pytest

from server.services.files.atomic import atomic_open, write_atomically
from server.services.files.image_types import JPEG, PNG, WEBP, by_format, by_mime, sniff


def test_a_file_is_written_whole_or_left_as_it_was(tmp_path):
    target = tmp_path / "note.json"
    write_atomically(target, "{}")
    with pytest.raises(RuntimeError), atomic_open(target) as stream:
        stream.write(b"half")
        raise RuntimeError("interrupted")
    assert target.read_text() == "{}"
    assert [p.name for p in tmp_path.iterdir()] == ["note.json"], "no leftover of the interrupted write"


def test_each_image_type_is_known_by_its_bytes_mime_type_and_format_name():
    assert sniff(b"\x89PNG\r\n\x1a\n....") is PNG and sniff(b"\xff\xd8\xff\xe0") is JPEG
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") is WEBP and sniff(b"RIFF\x00\x00\x00\x00WAVE") is None
    assert by_mime("image/jpeg; charset=binary") is JPEG and by_mime("image/gif") is None
    assert by_format("WEBP") is WEBP and (JPEG.extension, PNG.extension) == (".jpg", ".png")
