"""The project's own app: wires the receivers that keep config's caches true."""

from django.apps import AppConfig


class StudytreeConfig(AppConfig):
    name = "config"
    label = "studytree"
    verbose_name = "Studytree"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save
        from rest_framework.authtoken.models import Token

        from config.api_conventions import forget_tokens

        user = get_user_model()
        post_delete.connect(forget_tokens, sender=Token, dispatch_uid="forget-deleted-token")
        post_save.connect(forget_tokens, sender=user, dispatch_uid="forget-saved-user-tokens")
        post_delete.connect(forget_tokens, sender=user, dispatch_uid="forget-deleted-user-tokens")
