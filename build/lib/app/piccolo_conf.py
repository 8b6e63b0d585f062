"""Piccolo's configuration: the engine from CHARTER_DATABASE_URL and the one app registry."""

import os

from piccolo.conf.apps import AppRegistry

from app.db import engine_for
from app.settings import DEFAULT_DATABASE_URL

DB = engine_for(os.environ.get("CHARTER_DATABASE_URL", DEFAULT_DATABASE_URL))

APP_REGISTRY = AppRegistry(apps=["app.piccolo_app"])
