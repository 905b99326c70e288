"""What gunicorn serves: ``gunicorn wsgi:app``; also the app of ``flask --app wsgi <command>``.

A misconfiguration stops here with one line saying what to fix, not a traceback.
"""
import sys

from server.app import create_app
from server.config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    sys.exit(f"配置错误：{error}")
