"""Bare extension instances, bound to the app in ``server.app.register_extensions``."""
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from models.base import Base

# Objects stay readable after commit: a view commits, then dumps what it wrote without loading it again.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
api = Api()
limiter = Limiter(key_func=get_remote_address)
