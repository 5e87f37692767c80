"""Creating learner accounts."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from rest_framework.authtoken.models import Token

from config.errors import InvalidInput


@transaction.atomic
def user_register(*, username: str, password: str) -> tuple:
    """Create a learner and their API token; a taken username is :class:`InvalidInput`."""
    User = get_user_model()
    try:
        with transaction.atomic():
            user = User.objects.create_user(username=username, password=password)
    except IntegrityError as exc:
        raise InvalidInput(
            "That username is taken.", fields={"username": ["That username is taken."]}
        ) from exc
    token = Token.objects.create(user=user)
    return user, token.key
