"""Charter: customer-service accreditation and self-assessment for the public sector."""

import os

# Piccolo finds its engine through this module; set before any Table is used.
os.environ.setdefault("PICCOLO_CONF", "app.piccolo_conf")
