"""Sign up, log in, log out: Django's auth views, and a sign-up form whose account is
created by ``learning.services.accounts.user_register`` (the API's sign-up service)."""

from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.views import LoginView, LogoutView
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters

from config.errors import InvalidInput
from learning.services.accounts import user_register


class SignupForm(UserCreationForm):
    """Username and password twice, checked by Django's rules (a username taken in any
    case too); the account itself is made by the service."""


def next_url(request, default: str) -> str:
    """``?next=`` (or the form's ``next``) when it points into this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and safe else default


#: The two account forms share a template: what each one says and where the other is.
SIGNUP_PAGE = {
    "heading": "Sign up",
    "other_question": "Have an account?",
    "other_heading": "Log in",
    "other_url": reverse_lazy("web:login"),
}
LOGIN_PAGE = {
    "heading": "Log in",
    "other_question": "New here?",
    "other_heading": "Sign up",
    "other_url": reverse_lazy("web:signup"),
}


@sensitive_post_parameters("password1", "password2")
def signup(request):
    if request.user.is_authenticated:
        return redirect(next_url(request, "/me/"))
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, _token = user_register(
                username=form.cleaned_data["username"], password=form.cleaned_data["password1"]
            )
        except InvalidInput as exc:
            for field, messages in exc.fields.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(next_url(request, "/me/"))
    return render(
        request,
        "web/accounts/form.html",
        SIGNUP_PAGE | {"form": form, "next": next_url(request, "")},
    )


login_view = LoginView.as_view(
    template_name="web/accounts/form.html",
    redirect_authenticated_user=True,
    extra_context=LOGIN_PAGE,
)
logout_view = LogoutView.as_view()
