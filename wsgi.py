"""What gunicorn serves: ``gunicorn wsgi:app``; also the app of ``flask --app wsgi <command>``.

A misconfiguration stops here with one line saying what to fix, not a traceback. The exit status is 4, which
gunicorn reads as "the app cannot load": it stops, instead of starting the worker again and again.
"""
import sys

from server.app import create_app
from server.config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    print(f"配置错误：{error}", file=sys.stderr)
    sys.exit(4)  # gunicorn's APP_LOAD_ERROR
