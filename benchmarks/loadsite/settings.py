"""The product's settings (``config.settings``, so the same middleware and environment),
with a URLconf that adds the bare view: the peer every endpoint of benchmarks/load.py is
measured against."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "loadsite.urls"
