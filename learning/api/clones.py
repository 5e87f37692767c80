"""Clone and upstream-sync endpoints: ``clone/``, ``updates/``, ``sync/``."""

urlpatterns: list = []
