"""Sign in (password, then a second factor for staff and specialists), sign out, password change.

No password reset by email: the site sends no mail; an admin sets a new password instead.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from patients.two_factor import SignInView, second_factor

urlpatterns = [
    path("login/", SignInView.as_view(), name="login"),
    path("second-factor/", second_factor, name="second_factor"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
