"""Reading a stored photo or signature: its bytes while kept, Gone once the retention period deleted them."""
import pytest

from models import FileKind, utcnow
from server.services.files.storage import LocalStorage
from server.services.files.uploads import FilePurged, read_file, store_upload
from tests.field import jpeg


def test_a_kept_file_reads_as_stored_and_a_purged_one_is_gone_not_missing(field, tmp_path):
    storage = LocalStorage(tmp_path)
    stored = store_upload(field.users["worker_a1"], FileKind.PHOTO, jpeg(), storage, max_bytes=10 << 20)
    assert read_file(stored, storage)[:2] == b"\xff\xd8"
    stored.purged_at = utcnow()
    with pytest.raises(FilePurged):
        read_file(stored, storage)
