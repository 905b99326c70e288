"""Uploading a door photo or a signature."""
from __future__ import annotations

from flask import current_app
from flask_smorest import abort
from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from models import FileKind
from server.extensions import db, limiter
from server.services.files.storage import storage
from server.services.files.uploads import UploadRejected, UploadTooLarge, store_upload

from .blueprint import ApiBlueprint
from .schemas import enum_value
from .security import BEARER, VISITORS, current_user, requires

bp = ApiBlueprint("mp_files", __name__, description="上传照片与签名")


class FileIn(Schema):
    kind = enum_value(FileKind, required=True, metadata={"description": "photo | signature"})
    file = Upload(required=True)


class FileOut(Schema):
    id = fields.String()
    sha256 = fields.String()
    kind = enum_value(FileKind)
    width = fields.Integer()
    height = fields.Integer()


def _user_key() -> str:
    return f"user:{current_user().id}"


@bp.post("/files")
@bp.doc(security=BEARER)
@requires(VISITORS)
@bp.arguments(FileIn, location="form_and_files")
@bp.response(201, FileOut)
@limiter.limit("60/minute", key_func=_user_key)
def upload(form):
    """Upload a photo or a signature (JPEG, PNG or WebP), re-encoded without EXIF or GPS.

    The same bytes sent again return the same file, with no second copy.
    """
    data = form["file"].read(current_app.config["MAX_FILE_MB"] * 1024 * 1024 + 1)
    try:
        stored = store_upload(current_user(), form["kind"], data, storage(),
                              max_bytes=current_app.config["MAX_FILE_MB"] * 1024 * 1024)
    except UploadTooLarge as error:
        abort(413, message=str(error))
    except UploadRejected as error:
        abort(422, message=str(error), errors={"file": [str(error)]})
    db.session.commit()
    return stored
