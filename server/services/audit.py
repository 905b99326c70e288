"""Writing the audit log: one row per read of personal data or export, never changed afterwards."""
from __future__ import annotations

import json

from models import AuditEvent, User
from server.extensions import db


def record(user: User | None, action: str, object_type: str, object_id: int | None = None,
           detail: dict | None = None, ip: str | None = None) -> AuditEvent:
    """Append an audit event (who, what, when, from where). Flushes."""
    event = AuditEvent(user_id=user.id if user else None, action=action, object_type=object_type,
                       object_id=object_id, detail=json.dumps(detail, ensure_ascii=False) if detail else None, ip=ip)
    db.session.add(event)
    db.session.flush()
    return event
