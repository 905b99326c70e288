"""Schemas shared by several resources of the mini-program API."""
from marshmallow import Schema, fields, validate

from models.base import MAX_RECORD_ID


def record_id(**kwargs) -> fields.Integer:
    """A field holding the id of a record: a whole number from 1 to ``MAX_RECORD_ID``."""
    return fields.Integer(validate=validate.Range(1, MAX_RECORD_ID), **kwargs)


class AreaOut(Schema):
    id = fields.Integer()
    name = fields.String()
    level = fields.Function(lambda area: area.level.value)


class ProgressOut(Schema):
    """A household's progress in a campaign: the predicates of ``models.ledger.Standing``."""

    visited = fields.Boolean()
    contacted = fields.Boolean()
    pledged = fields.Boolean()
    documented = fields.Boolean()
    revisit_due = fields.Boolean()
    last_outcome = fields.String(allow_none=True)
    last_visit_at = fields.String(allow_none=True, metadata={"description": "ISO 8601, UTC"})
    visits = fields.Integer()


class CountsOut(Schema):
    households = fields.Integer()
    in_scope = fields.Integer(metadata={"description": "households less those confirmed vacant"})
    visited = fields.Integer()
    contacted = fields.Integer()
    pledged = fields.Integer()
    documented = fields.Integer(metadata={"description": "三有: photo, material and signature"})
    revisit_due = fields.Integer()


class RatesOut(Schema):
    visited = fields.Float(allow_none=True)
    contacted = fields.Float(allow_none=True)
    pledged = fields.Float(allow_none=True)
    documented = fields.Float(allow_none=True)
