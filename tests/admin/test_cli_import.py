"""`conference import-schedule` is an edit like the others: recorded and told to bookmark holders."""

import asyncio

import yaml
from sqlalchemy import select

from conference import agenda, cli, programme
from conference.db.models import AgendaChange, Notification
from tests.conftest import ROOT
from tests.support import make_account


async def test_command_line_import_is_recorded_and_notifies(
    client, app, loaded, settings, tmp_path, monkeypatch
):
    holder = await make_account(client, app)
    data = yaml.safe_load((ROOT / "schedule.yaml").read_text(encoding="utf-8"))
    data["sessions"][0]["title"] = "Opening, renamed from the command line"
    path = tmp_path / "schedule.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    async with app.state.db.session() as db:
        opening = (await programme.session_ids(db))[data["sessions"][0]["key"]]
        await agenda.add_bookmark(db, holder.id, opening)
    monkeypatch.setenv("CONFERENCE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("CONFERENCE_SECRET_KEY", "test-secret-key")

    code = await asyncio.to_thread(cli.main, ["import-schedule", str(path)])

    async with app.state.db.reader() as db:
        changes = (await db.scalars(select(AgendaChange))).all()
        notices = (await db.scalars(select(Notification).where(Notification.user_id == holder.id))).all()
    assert code == 0
    assert [(c.action, c.source, c.user_name, c.after["title"]) for c in changes] == [
        ("updated", "import", "command line", "Opening, renamed from the command line")
    ]
    assert [(n.kind, n.data["changes"]) for n in notices] == [("session.changed", ["title"])]
