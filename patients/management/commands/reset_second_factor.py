"""manage.py reset_second_factor USERNAME: remove a user's authenticator (a lost or replaced phone).

The user signs in with their password as before and then sets up an authenticator app again.
Their signed-in sessions keep no verification: every session of theirs is ended as well.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from patients.two_factor import second_factor_reset


class Command(BaseCommand):
    help = "Remove a user's second-factor devices and end their sessions; they enrol again at the next sign-in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        try:
            user = user_model.objects.get_by_natural_key(options["username"])
        except user_model.DoesNotExist:
            raise CommandError(f"There is no user {options['username']!r}.") from None
        devices, sessions = second_factor_reset(user=user)
        self.stdout.write(
            f"Removed {devices} device(s) of {user.get_username()} and ended {sessions} session(s); "
            "they set up an authenticator app at their next sign-in."
        )
