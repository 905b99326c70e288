"""The blueprint every mini-program resource is built on: strict parsing, and multipart bodies as one schema."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import RAISE
from webargs.flaskparser import FlaskParser
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import CombinedMultiDict


class ApiParser(FlaskParser):
    """webargs, refusing what a schema does not name in every location (a mistyped ``gird_id`` is an error,
    not a silently ignored parameter), with one more location, ``form_and_files``: the text fields and the
    files of a multipart body."""

    __location_map__ = {**FlaskParser.__location_map__, "form_and_files": "load_form_and_files"}
    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
                                   **dict.fromkeys(("query", "querystring", "json", "form", "files",
                                                    "form_and_files"), RAISE)}

    def load_form_and_files(self, req, schema):
        return MultiDictProxy(CombinedMultiDict([req.form, req.files]), schema)


class ApiBlueprint(Blueprint):
    """A mini-program resource, served under the API's one prefix; ``form_and_files`` arguments are one
    ``multipart/form-data`` body in the spec."""

    ARGUMENTS_PARSER = ApiParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING, "form_and_files": "multipart/form-data"}

    def __init__(self, name: str, import_name: str, **kwargs):
        super().__init__(name, import_name, url_prefix="/api/mp/v1", **kwargs)
