"""`flask sweep-files` removes uploads no visit or pledge uses once the grace period is over, and stray files."""
import datetime as dt
import os
import time
from pathlib import Path

from sqlalchemy import select

from models import StoredFile
from server.extensions import db as _db
from tests.field import bearer, jpeg, upload, visit_payload

API = "/api/mp/v1"


def _age(path: Path, days: int) -> None:
    old = time.time() - days * 86400
    os.utime(path, (old, old))


def test_unused_uploads_and_stray_files_are_swept_after_the_grace_period(client, app, runner, field, monkeypatch):
    headers = bearer(app, field.users["worker_a1"])
    used = upload(client, headers, "photo")
    unused = upload(client, headers, "photo", data=jpeg(color="red"))
    assert client.post(f"{API}/visits", headers=headers, json=visit_payload(
        field.campaign, field.households_a1[0], materials=[{"code": "notice", "quantity": 1}],
        photo_file_id=used)).status_code == 201
    root = Path(app.config["UPLOAD_DIR"]) / "files"
    stray_old, stray_new = root / "ab" / "cd" / ("ab" * 32 + ".jpg"), root / "ef" / "01" / ("ef" * 32 + ".jpg.1a2b.part")
    for stray in (stray_old, stray_new):
        stray.parent.mkdir(parents=True, exist_ok=True)
        stray.write_bytes(b"left behind")
    for path in root.rglob("*"):
        if path.is_file() and path != stray_new:
            _age(path, 8)

    early = runner.invoke(args=["sweep-files"])
    assert early.exit_code == 0 and "删除未被使用的上传记录 0 条" in early.output, "the uploads are not yet a week old"
    assert not stray_old.exists() and stray_new.exists(), "an old stray goes, a write in progress stays"
    assert unused in {f.id for f in _db.session.scalars(select(StoredFile))}

    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=8)
    monkeypatch.setattr("server.cli.maintenance.utcnow", lambda: later)
    result = runner.invoke(args=["sweep-files"])
    assert result.exit_code == 0 and "删除未被使用的上传记录 1 条" in result.output, result.output
    _db.session.expire_all()
    assert [f.id for f in _db.session.scalars(select(StoredFile))] == [used]
    assert len([p for p in root.rglob("*.jpg") if p.is_file()]) == 1, "only the photo a visit uses is left"
