"""A small canvassing world for API tests: two communities, workers and heads, an active campaign."""
from __future__ import annotations

import datetime as dt
import io
import uuid
from dataclasses import dataclass

from PIL import Image

from models import AreaLevel, Role, User
from server.extensions import db
from server.services.access.sessions import api_token
from server.services.registry.areas import create_area
from tests.factories import make_building, make_campaign, make_households, make_tree, make_user


@dataclass
class Field:
    district: object
    street: object
    community_a: object
    community_b: object
    grid_a1: object
    grid_a2: object
    grid_b1: object
    campaign: object
    households_a1: list
    households_a2: list
    households_b1: list
    users: dict


_snapshots: dict = {}


def field_on(url: str) -> Field:
    """The field on the (empty) database at ``url``: built once per database and run, then restored from its rows.

    Building it through the services costs about a second; writing back its few hundred rows costs a few
    milliseconds, and the test sees the same rows, ids and sequences as if it had been built afresh.
    """
    if url not in _snapshots:
        field = build_field()
        _snapshots[url] = (_rows(), _ids(field))
    else:
        rows, ids = _snapshots[url]
        _restore(rows)
        field = _load(ids)
    db.session.commit()  # no read transaction left open, and every object expired, as build_field leaves them
    return field


def _rows() -> dict:
    connection = db.session.connection()
    return {table: [dict(row) for row in connection.execute(db.select(table)).mappings()]
            for table in db.metadata.sorted_tables}


def _restore(rows: dict) -> None:
    connection = db.session.connection()
    for table, table_rows in rows.items():
        if table_rows:
            connection.execute(table.insert(), table_rows)
            if connection.dialect.name == "postgresql" and "id" in table.c:  # on as the build left the sequence
                connection.execute(db.text(
                    "SELECT setval(sequence, (SELECT max(id) FROM \"{0}\")) FROM "
                    "(SELECT pg_get_serial_sequence('\"{0}\"', 'id') AS sequence) AS serial "
                    "WHERE sequence IS NOT NULL".format(table.name)))
    db.session.commit()


def _ids(field: Field) -> dict:
    def ref(value):
        if isinstance(value, list):
            return [ref(item) for item in value]
        if isinstance(value, dict):
            return {key: ref(item) for key, item in value.items()}
        return (type(value), db.inspect(value).identity)

    return {name: ref(getattr(field, name)) for name in Field.__dataclass_fields__}


def _load(ids: dict) -> Field:
    def get(value):
        if isinstance(value, list):
            return [get(item) for item in value]
        if isinstance(value, dict):
            return {key: get(item) for key, item in value.items()}
        model, identity = value
        return db.session.get(model, identity)

    return Field(**{name: get(value) for name, value in ids.items()})


def build_field() -> Field:
    district, street, community_a, (grid_a1, grid_a2) = make_tree(grids=("第一网格", "第二网格"))
    community_b = create_area("滨江社区", AreaLevel.COMMUNITY, street)
    grid_b1 = create_area("第一网格", AreaLevel.GRID, community_b)
    households_a1 = make_households(make_building(grid_a1, "1栋"), 6) + make_households(make_building(grid_a1, "2栋"), 4)
    households_a2 = make_households(make_building(grid_a2, "3栋"), 4)
    households_b1 = make_households(make_building(grid_b1, "1栋"), 4)
    users = {
        "worker_a1": make_user(Role.GRID_WORKER, [grid_a1], name="王网格", username="worker_a1"),
        "worker_b1": make_user(Role.GRID_WORKER, [grid_b1], name="赵网格", username="worker_b1"),
        "volunteer_a": make_user(Role.VOLUNTEER, [community_a], name="钱志愿", username="volunteer_a"),
        "head_a": make_user(Role.COMMUNITY_HEAD, [community_a], name="李书记", username="head_a"),
        "head_b": make_user(Role.COMMUNITY_HEAD, [community_b], name="周主任", username="head_b"),
        "street_admin": make_user(Role.STREET_ADMIN, [street], name="孙街道", username="street_admin"),
    }
    campaign = make_campaign(district, start=dt.date.today() - dt.timedelta(days=7),
                             end=dt.date.today() + dt.timedelta(days=30))
    db.session.commit()
    return Field(district, street, community_a, community_b, grid_a1, grid_a2, grid_b1, campaign,
                 households_a1, households_a2, households_b1, users)


def bearer(app, user: User) -> dict:
    """The Authorization header of a new mini-program sign-in of ``user`` (committed)."""
    token, _ = api_token(app.config, user=user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def jpeg(width=640, height=480, color="green") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG")
    return buffer.getvalue()


def signature_png() -> bytes:
    image = Image.new("RGBA", (300, 120), (255, 255, 255, 0))
    for x in range(20, 280):
        image.putpixel((x, 60 + (x % 20) - 10), (0, 0, 0, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def upload(client, headers, kind="photo", data=None) -> str:
    data = data if data is not None else (jpeg() if kind == "photo" else signature_png())
    response = client.post("/api/mp/v1/files", headers=headers,
                           data={"kind": kind, "file": (io.BytesIO(data), f"{kind}.bin")})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def visit_payload(campaign, household, outcome="contacted", **extra) -> dict:
    payload = {"id": str(uuid.uuid4()), "campaign_id": campaign.id, "household_id": household.id,
               "outcome": outcome, "visited_at": dt.datetime.now(dt.timezone.utc).isoformat()}
    payload.update(extra)
    return payload
