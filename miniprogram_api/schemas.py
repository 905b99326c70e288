"""Schemas shared by several resources of the mini-program API, and the typed fields they are built from."""
from __future__ import annotations

import enum

from marshmallow import Schema, fields, validate

from models import AreaLevel, Outcome
from models.base import MAX_RECORD_ID


def record_id(**kwargs) -> fields.Integer:
    """A field holding the id of a record: a whole number from 1 to ``MAX_RECORD_ID``."""
    return fields.Integer(validate=validate.Range(1, MAX_RECORD_ID), **kwargs)


def enum_value(enum_class: type[enum.StrEnum], **kwargs) -> fields.Enum:
    """An enum sent and read as its value: a string, the spec listing every value it may take.

    Read as it comes (not first as text), so that a number or a list is refused as "not one of the values"."""
    metadata = {"type": "string", **kwargs.pop("metadata", {})}
    return fields.Enum(enum_class, by_value=True, metadata=metadata, **kwargs)


def one_of(*values: str) -> validate.OneOf:
    """The values a string the API sends may take, listed in the spec as its enum (an enum's members as their
    values)."""
    return validate.OneOf([str(value) for value in values])


class FirstOf(fields.Nested):
    """A one-to-many relation sent as its first item, or null when it has none (a visit's pledge, its feedback)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(value[0] if value else None, attr, obj, **kwargs)


def messages(**kwargs) -> fields.Dict:
    """What was wrong, field by field: each name maps to its messages in Chinese or, for a list or a nested
    object, to the same kind of map one level down."""
    value = fields.Raw(metadata={"anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object"}]})
    return fields.Dict(keys=fields.String(), values=value, **kwargs)


class ErrorOut(Schema):
    """The one error shape of every JSON answer that is not a success (server/errors.py writes it)."""

    code = fields.Integer(metadata={"description": "the HTTP status"})
    status = fields.String(metadata={"description": "the HTTP status's name"})
    message = fields.String(metadata={"description": "for a person, in Chinese"})
    errors = messages()


class AreaOut(Schema):
    id = fields.Integer()
    name = fields.String()
    level = enum_value(AreaLevel)


class ProgressOut(Schema):
    """A household's progress in a campaign: the predicates of ``models.ledger.Standing``."""

    visited = fields.Boolean()
    contacted = fields.Boolean()
    pledged = fields.Boolean()
    documented = fields.Boolean()
    revisit_due = fields.Boolean()
    last_outcome = fields.String(allow_none=True, validate=one_of(*Outcome))
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
    quiz_respondents = fields.Integer(metadata={"description": "households in scope whose current answer answered "
                                                               "the quiz's questions: 知晓率's denominator"})
    quiz_passed = fields.Integer(metadata={"description": "of those, at or above the campaign's pass mark"})
    satisfaction_respondents = fields.Integer(metadata={"description": "answered the satisfaction question"})
    satisfied = fields.Integer(metadata={"description": "of those, chose one of the scale's top two"})


class RatesOut(Schema):
    visited = fields.Float(allow_none=True)
    contacted = fields.Float(allow_none=True)
    pledged = fields.Float(allow_none=True)
    documented = fields.Float(allow_none=True)
    knowledge = fields.Float(allow_none=True, metadata={
        "description": "知晓率: quiz_passed / quiz_respondents; null with no respondent"})
    satisfaction = fields.Float(allow_none=True, metadata={
        "description": "满意度: satisfied / satisfaction_respondents; null with no respondent"})
