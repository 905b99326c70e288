"""personal data encrypted at rest: household phones (with a blind index) and visit GPS

Revision ID: 0005_personal_data
Revises: 0004_dashboard
Create Date: 2026-11-23 20:40:00

Existing values are encrypted in place with the app's DATA_ENCRYPTION_KEY, a
thousand rows at a time; the downgrade decrypts them back.
"""
from alembic import op
import sqlalchemy as sa

revision = '0005_personal_data'
down_revision = '0004_dashboard'
branch_labels = None
depends_on = None

BATCH = 1000


def _cipher():
    from server.services.privacy.crypto import cipher

    return cipher()


def _rewrite(table: str, columns: tuple[str, ...], convert) -> None:
    """Rewrite ``columns`` of every row where the first is set: ``convert(row) -> {column: value}``."""
    bind = op.get_bind()
    t = sa.table(table, sa.column("id"), *(sa.column(c) for c in columns))
    page = sa.select(t.c.id, *(t.c[c] for c in columns)).where(t.c[columns[0]].is_not(None)) \
        .order_by(t.c.id).limit(BATCH)
    update = t.update().where(t.c.id == sa.bindparam("_id")).values({c: sa.bindparam(c) for c in columns})
    rows = bind.execute(page).all()
    while rows:  # a batch in memory at a time, in order of id (a number or a UUID)
        bind.execute(update, [{"_id": row.id, **{c: getattr(row, c) for c in columns}, **convert(row)}
                              for row in rows])
        rows = bind.execute(page.where(t.c.id > rows[-1].id)).all()


def upgrade():
    cipher = _cipher()
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.add_column(sa.Column('head_phone_index', sa.String(length=32), nullable=True))
        batch_op.alter_column('head_phone', existing_type=sa.String(length=32), type_=sa.Text(), existing_nullable=True)
        batch_op.create_index(batch_op.f('ix_household_head_phone_index'), ['head_phone_index'], unique=False)
    _rewrite("household", ("head_phone", "head_phone_index"),
             lambda row: {"head_phone": cipher.encrypt(row.head_phone) if row.head_phone else None,
                          "head_phone_index": cipher.blind_index(row.head_phone)})

    with op.batch_alter_table('visit', schema=None) as batch_op:
        for name in ('lat', 'lng'):
            batch_op.alter_column(name, existing_type=sa.Float(), type_=sa.Text(), existing_nullable=True,
                                  postgresql_using=f"{name}::text")
    _rewrite("visit", ("lat", "lng"), lambda row: {
        "lat": cipher.encrypt(repr(float(row.lat))),
        "lng": cipher.encrypt(repr(float(row.lng))) if row.lng is not None else None})


def downgrade():
    cipher = _cipher()
    _rewrite("visit", ("lat", "lng"), lambda row: {
        "lat": cipher.decrypt(row.lat), "lng": cipher.decrypt(row.lng) if row.lng else None})
    with op.batch_alter_table('visit', schema=None) as batch_op:
        for name in ('lat', 'lng'):
            batch_op.alter_column(name, existing_type=sa.Text(), type_=sa.Float(), existing_nullable=True,
                                  postgresql_using=f"{name}::double precision")

    _rewrite("household", ("head_phone",), lambda row: {"head_phone": cipher.decrypt(row.head_phone)})
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_head_phone_index'))
        batch_op.alter_column('head_phone', existing_type=sa.Text(), type_=sa.String(length=32), existing_nullable=True)
        batch_op.drop_column('head_phone_index')
