"""The `conference` command: serve, migrate, users, the programme file, demo data."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

from conference.errors import AppError, ConfigError
from conference.settings import Settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="conference", description="A virtual conference and networking platform."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="migrate, load the programme if empty, and serve")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="server processes (share a Redis broker)")
    serve.add_argument("--demo", action="store_true", help="also seed synthetic attendees")

    commands.add_parser("migrate", help="create or upgrade the database schema")

    user = commands.add_parser("create-user", help="create an account")
    user.add_argument("--email", required=True)
    user.add_argument("--password", required=True)
    user.add_argument("--name", required=True)
    user.add_argument("--role", default="attendee", choices=["attendee", "speaker", "moderator", "organiser"])

    check = commands.add_parser("check-schedule", help="validate a programme file")
    check.add_argument("file", type=Path)
    imp = commands.add_parser("import-schedule", help="replace the programme with a file")
    imp.add_argument("file", type=Path)
    exp = commands.add_parser("export-schedule", help="write the programme as YAML")
    exp.add_argument("file", type=Path, nargs="?")

    demo = commands.add_parser("demo-data", help="seed synthetic attendees")
    demo.add_argument("--attendees", type=int, default=200)
    demo.add_argument("--seed", type=int, default=1)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "check-schedule":
            return check_schedule(args.file)
        settings = Settings.from_env()
        if args.command == "serve":
            return serve(settings, args)
        if args.command == "migrate":
            from conference.db.migrate import upgrade

            upgrade(settings.database_url)
            print("database is up to date")
            return 0
        return asyncio.run(run_command(settings, args))
    except (AppError, ConfigError) as exc:
        print(f"error: {getattr(exc, 'message', exc)}", file=sys.stderr)
        for field, problem in getattr(exc, "fields", {}).items():
            print(f"  {field}: {problem}", file=sys.stderr)
        return 1


def check_schedule(path: Path) -> int:
    from conference.schedule.loader import ScheduleError, load_programme_file

    try:
        programme = load_programme_file(path)
    except ScheduleError as exc:
        for problem in exc.problems:
            print(f"{path}: {problem}")
        print(f"{len(exc.problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"{path}: ok ({len(programme.sessions)} sessions, {len(programme.speakers)} speakers)")
    return 0


async def run_command(settings: Settings, args: argparse.Namespace) -> int:
    from conference import programme
    from conference.db.base import Database
    from conference.db.migrate import upgrade_async

    await upgrade_async(settings.database_url)
    db = Database(settings.database_url)
    try:
        if args.command == "create-user":
            from conference import accounts

            async with db.session() as session:
                user = await accounts.create_user(
                    session,
                    args.email,
                    args.password,
                    {"name": args.name},
                    role=args.role,
                    hash_cost=settings.password_hash_cost,
                )
            print(f"created {user.role} {user.email} (id {user.id})")
        elif args.command == "import-schedule":
            from conference.schedule.loader import load_programme_file

            loaded = load_programme_file(args.file)
            diff = await import_recorded(settings, db, loaded)
            print(
                f"imported {len(loaded.sessions)} sessions from {args.file}: {len(diff.added)} added, "
                f"{len(diff.changed)} changed, {len(diff.removed)} removed"
            )
        elif args.command == "export-schedule":
            async with db.reader() as session:
                text = await programme.export_yaml(session)
            if args.file:
                args.file.write_text(text, encoding="utf-8")
            else:
                sys.stdout.write(text)
        elif args.command == "demo-data":
            from conference.demo import seed_attendees

            async with db.session() as session:
                count = await seed_attendees(session, args.attendees, seed=args.seed)
            print(f"seeded {count} attendees")
    except Exception as exc:
        from conference.schedule.loader import ScheduleError

        if isinstance(exc, ScheduleError):
            for problem in exc.problems:
                print(f"{args.file}: {problem}", file=sys.stderr)
            return 1
        raise
    finally:
        await db.close()
    return 0


async def import_recorded(settings: Settings, db: Any, loaded: Any) -> Any:
    """A command-line import is an edit like any other: recorded, told to bookmark holders, and pushed
    through the broker to the servers' open pages (when they share a Redis broker with this command)."""
    from conference.agenda_edits import Actor, AgendaEditor
    from conference.realtime.brokers import broker_from_url
    from conference.realtime.hub import Hub

    actor = Actor(None, "command line")
    async with AsyncExitStack() as stack:
        pusher: Any
        try:
            pusher = await stack.enter_async_context(
                Hub(db, broker_from_url(settings.broker_url, settings.redis_prefix))
            )
        except Exception as exc:  # noqa: BLE001  (the import matters more than the live push)
            print(f"warning: no live push to open pages ({exc}); they show it when reloaded", file=sys.stderr)
            pusher = _Nobody()
        return (await AgendaEditor(db, pusher).import_programme(actor, loaded, dry_run=False)).diff


class _Nobody:
    """Where the pushes go when no broker answers: nobody is listening in this process anyway."""

    async def broadcast(self, event: dict) -> None:
        return None

    async def notify_user(self, user_id: int, event: dict) -> None:
        return None


async def prepare(settings: Settings, demo: bool, base_url: str = "") -> None:
    """What `serve` does before it listens: migrate, load the programme, first-run organiser link."""
    from conference import accounts, programme
    from conference.db.base import Database
    from conference.db.migrate import upgrade_async
    from conference.security import Signer

    await upgrade_async(settings.database_url)
    db = Database(settings.database_url)
    try:
        async with db.session() as session:
            if await programme.is_empty(session):
                from conference.schedule.loader import load_programme_file

                loaded = load_programme_file(settings.schedule_path)
                await programme.replace_programme(session, loaded)
                print(f"loaded the programme from {settings.schedule_path} ({len(loaded.sessions)} sessions)")
        if demo:
            from conference.demo import seed_demo

            async with db.session() as session:
                summary = await seed_demo(session)
            if summary:
                print(summary)
        async with db.reader() as session:
            if not await accounts.has_organiser(session):
                token = Signer(settings.secret_key).setup_token()
                print(
                    f"No organiser yet. Create the first organiser account at: {base_url}/setup?token={token}"
                )
    finally:
        await db.close()


def serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    shown_host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    asyncio.run(prepare(settings, args.demo, f"http://{shown_host}:{args.port}"))
    if args.workers > 1 and settings.broker_url.startswith("memory://"):
        print("warning: workers on the in-process broker do not share rooms; set CONFERENCE_BROKER_URL")
    uvicorn.run(
        "conference.app:served_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        ws_max_size=64 * 1024,
        ws_per_message_deflate=False,
        proxy_headers=True,
        log_level="info",
    )
    return 0
