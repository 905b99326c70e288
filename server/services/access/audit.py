"""Writing the audit log: who read or exported personal data, when and from where. Rows are only ever added
(the database refuses to change or delete them)."""
from __future__ import annotations

import json

from sqlalchemy import insert

from models import AuditEvent, User, utcnow
from server.extensions import db


def _values(user: User | None, action: str, object_type: str, object_id: int | None, detail: dict | None,
            ip: str | None) -> dict:
    return {"at": utcnow(), "user_id": user.id if user else None, "action": action, "object_type": object_type,
            "object_id": object_id, "detail": json.dumps(detail, ensure_ascii=False) if detail else None, "ip": ip}


def record(user: User | None, action: str, object_type: str, object_id: int | None = None,
           detail: dict | None = None, ip: str | None = None) -> AuditEvent:
    """Append an audit event within the caller's transaction, for an action that writes anyway. Flushes."""
    event = AuditEvent(**_values(user, action, object_type, object_id, detail, ip))
    db.session.add(event)
    db.session.flush()
    return event


def record_read(user: User | None, action: str, object_type: str, object_id: int | None = None,
                detail: dict | None = None, ip: str | None = None) -> None:
    """Append an audit event for a read, committed at once on a connection of its own.

    A page that only reads stays a read (on SQLite, its transaction never has to
    become a writer), and the read is logged even if the page then fails.
    """
    with db.engine.begin() as connection:
        connection.execute(insert(AuditEvent.__table__), _values(user, action, object_type, object_id, detail, ip))
