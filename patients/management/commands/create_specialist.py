"""manage.py create_specialist USERNAME [--email E] [--password-stdin]: a user in the Specialists group.

The password comes from standard input (--password-stdin), the SPECIALIST_PASSWORD environment
variable, or a prompt; there is never a default. Django's password validators apply.
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from patients.services import specialist_create, specialists_add


class Command(BaseCommand):
    help = "Create a specialist (or add an existing user to the Specialists group)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--password-stdin", action="store_true", help="Read the password from standard input.")

    def _password(self, options: dict[str, Any]) -> str:
        if options["password_stdin"]:
            return sys.stdin.readline().rstrip("\n")
        if os.environ.get("SPECIALIST_PASSWORD"):
            return os.environ["SPECIALIST_PASSWORD"]
        if not sys.stdin.isatty():
            raise CommandError("No password: use --password-stdin, SPECIALIST_PASSWORD, or run in a terminal.")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return password

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        existing = get_user_model().objects.filter(username=username).first()
        if existing is not None:
            specialists_add(users=[existing])
            self.stdout.write(f"{username} already exists: added to the Specialists group (password unchanged).")
            return
        password = self._password(options)
        if not password:
            raise CommandError("The password is empty.")
        try:
            specialist_create(username=username, email=options["email"], password=password)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Created the specialist {username}. They sign in at /accounts/login/.")
