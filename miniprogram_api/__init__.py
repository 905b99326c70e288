"""The JSON API the WeChat mini-program calls, under ``/api/mp/v1/``: thin views and marshmallow schemas.

Views parse with a schema, call one function of ``server.services``, commit and dump.
"""
