"""Sign-up and token exchange for the mobile app: ``auth/register/`` and ``auth/token/``."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from learning.api import examples as ex
from learning.api.examples import example
from learning.services.accounts import user_register

User = get_user_model()


@extend_schema_serializer(
    examples=example(
        "Sign up", {"username": "ada", "password": "correct horse battery staple"}, request=True
    )
)
class RegisterSerializer(serializers.Serializer):
    username = serializers.RegexField(
        r"^[\w.@+-]+\Z",
        max_length=150,
        error_messages={"invalid": "Use letters, digits and @ . + - _ only."},
    )
    password = serializers.CharField(
        write_only=True, max_length=128, style={"input_type": "password"}
    )

    def validate_username(self, value: str) -> str:
        if User.objects.filter(username__iexact=value).exists():
            raise serializers.ValidationError("That username is taken.")
        return value

    def validate(self, attrs):
        try:
            validate_password(attrs["password"], User(username=attrs["username"]))
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": list(exc.messages)}) from exc
        return attrs


@extend_schema_serializer(examples=example("Your token", {"token": ex.TOKEN}, response=True))
class TokenOutSerializer(serializers.Serializer):
    token = serializers.CharField()


@extend_schema_serializer(
    examples=example("Signed up", {"username": "ada", "token": ex.TOKEN}, response=True)
)
class RegisteredSerializer(TokenOutSerializer):
    username = serializers.CharField()


class _AuthView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"


class RegisterView(_AuthView):
    @extend_schema(request=RegisterSerializer, responses={201: RegisteredSerializer}, tags=["auth"])
    def post(self, request):
        data = RegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user, token = user_register(**data.validated_data)
        return Response({"username": user.username, "token": token}, status=status.HTTP_201_CREATED)


class TokenView(_AuthView):
    def get_authenticate_header(self, request) -> str:
        return "Token"  # wrong credentials are a 401, as for a bad token

    @extend_schema(
        request=AuthTokenSerializer,
        responses={
            200: TokenOutSerializer,
            401: OpenApiResponse(description="Wrong username or password."),
        },
        tags=["auth"],
        examples=[
            OpenApiExample(
                "Sign in",
                {"username": "ada", "password": "correct horse battery staple"},
                request_only=True,
            ),
            OpenApiExample("Your token", {"token": ex.TOKEN}, response_only=True),
        ],
    )
    def post(self, request):
        data = AuthTokenSerializer(data=request.data, context={"request": request})
        if not data.is_valid():
            codes = data.errors.get("non_field_errors", [])
            if any(getattr(error, "code", None) == "authorization" for error in codes):
                raise AuthenticationFailed("Unable to sign in with that username and password.")
            raise ValidationError(data.errors)
        token, _ = Token.objects.get_or_create(user=data.validated_data["user"])
        return Response({"token": token.key})
