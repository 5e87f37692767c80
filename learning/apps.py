from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _lift_sqlite_variable_limit(sender, connection, **kwargs) -> None:
    """Let bulk inserts use SQLite's real variable limit (32766 since 3.32), not Django's
    conservative 999, so cloning a path is a constant number of statements on SQLite too."""
    if connection.vendor == "sqlite":
        import sqlite3

        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        connection.features.max_query_params = limit


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "Learning"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        connection_created.connect(_lift_sqlite_variable_limit, dispatch_uid="sqlite-limit")
