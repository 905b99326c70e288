"""The business rules, shared by the mini-program API, the web pages and the CLI.

Service functions work on the session: they flush, and never commit. The caller
(a view or a command) commits once its unit of work is whole.
"""
