"""Operator commands, run with the service's own settings (its pod, or scripts/make_admin
against the dev mesh):

    python -m lms_user.operator grant-admin EMAIL [--reason TEXT]

grant-admin makes a deployment's first administrator (and any later one an operator
must make without an admin's token) from a registered account whose email is verified.
The change is written to the audit log and published as UserRolesChanged through the
outbox, by `operator:<login>`; the running service relays the event. The user's next
access token (after a refresh) carries the role.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys

from cryptography.fernet import Fernet, MultiFernet

from lms_kit.db import Database
from lms_kit.domain import DomainError
from lms_user.adapters.unit_of_work import SqlUserUnitOfWork
from lms_user.handlers.admin import AdminHandlers


async def grant_admin(database_url: str, email: str, *, operator: str, reason: str) -> int:
    database = Database(database_url, pool_size=1, max_overflow=0)
    # Granting a role reads no TOTP secret, so a throwaway key stands for the real ones.
    unused = MultiFernet([Fernet(Fernet.generate_key())])
    admin = AdminHandlers(lambda: SqlUserUnitOfWork(database, unused))
    try:
        user, granted = await admin.grant_admin(email, operator=operator, reason=reason)
    except DomainError as refused:
        print(f"grant-admin: refused ({refused.reason}): {refused.message}", file=sys.stderr)
        return 1
    finally:
        await database.dispose()
    state = "is now an administrator" if granted else "was an administrator already"
    print(f"grant-admin: users/{user.id} ({user.email}) {state}; roles: {', '.join(sorted(user.roles))}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lms_user.operator", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    grant = commands.add_parser("grant-admin", help="give a verified account the admin role")
    grant.add_argument("email")
    grant.add_argument("--reason", default="granted by an operator", help="kept in the audit log")
    grant.add_argument(
        "--database-url",
        default=os.environ.get("LMS_DATABASE_URL", ""),
        help="the user service's database (default: $LMS_DATABASE_URL)",
    )
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("no database: set LMS_DATABASE_URL or pass --database-url")
    operator = os.environ.get("LMS_OPERATOR") or getpass.getuser()
    return asyncio.run(grant_admin(args.database_url, args.email, operator=operator, reason=args.reason))


if __name__ == "__main__":
    sys.exit(main())
