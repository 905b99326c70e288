"""Whether the database answers: the health check's one question."""
from __future__ import annotations

from sqlalchemy import text

from server.extensions import db


def ping() -> None:
    """Ask the database the simplest question on the request's session.

    Raises:
        sqlalchemy.exc.SQLAlchemyError: the database did not answer (refused, dropped, timed out).
    """
    db.session.execute(text("SELECT 1"))
