import csv
import io
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update

from conference import chat
from conference.db.models import User
from tests.admin.helpers import session_by_key
from tests.support import make_account

API = "/api/v1"
SVG = "{http://www.w3.org/2000/svg}"


async def registered_at(app, account, moment: datetime) -> None:
    async with app.state.db.session() as db:
        await db.execute(update(User).where(User.id == account.id).values(created_at=moment))


async def test_stats_report_registrations_by_country_org_type_and_role(client, app, loaded):
    organiser = await make_account(client, app, role="organiser", country="FR", org_type="government")
    await make_account(client, app, country="KR", org_type="cooperative")
    await make_account(client, app, country="KR", org_type="cooperative")
    await make_account(client, app)

    body = (await client.get(f"{API}/admin/stats", headers=organiser.headers)).json()

    registrations = body["registrations"]
    assert registrations["total"] == 4
    assert registrations["by_country"] == [
        {"country": "KR", "name": "South Korea", "count": 2},
        {"country": "FR", "name": "France", "count": 1},
        {"country": None, "name": "Not given", "count": 1},
    ]
    assert registrations["by_org_type"] == [
        {"org_type": "cooperative", "count": 2},
        {"org_type": "government", "count": 1},
        {"org_type": "other", "count": 1},
    ]
    assert registrations["by_role"] == {"attendee": 3, "organiser": 1}
    assert body["online"] == {"now": 0, "sessions": []}


async def test_stats_count_registrations_per_day_and_hour(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    early = await make_account(client, app)
    now = datetime.now(UTC)
    await registered_at(app, organiser, now)
    await registered_at(app, early, now - timedelta(days=2))

    body = (await client.get(f"{API}/admin/stats", headers=organiser.headers)).json()

    paris = ZoneInfo("Europe/Paris")
    by_day = body["registrations"]["by_day"]
    assert [d["date"] for d in by_day] == [
        (now - timedelta(days=n)).astimezone(paris).date().isoformat() for n in range(6, -1, -1)
    ]
    assert [d["count"] for d in by_day] == [0, 0, 0, 0, 1, 0, 1]
    by_hour = body["registrations"]["by_hour"]
    assert (len(by_hour), by_hour[-1]["count"], sum(h["count"] for h in by_hour)) == (48, 1, 1)


async def test_stats_count_the_activity_of_every_area(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    holder = await make_account(client, app)
    session = await session_by_key(client, "session-legal-research")
    await client.put(f"{API}/me/bookmarks/{session['id']}", headers=holder.headers)
    async with app.state.db.session() as db:
        drafts = [chat.Draft(f"session:{session['id']}", holder.id, f"hello {i}", f"c{i}") for i in range(2)]
        await chat.store(db, drafts, {holder.id: "Holder"})

    body = (await client.get(f"{API}/admin/stats", headers=organiser.headers)).json()

    assert body["activity"] == {"messages": 2, "questions": 0, "poll_votes": 0, "meetings": 0}
    assert body["busiest_sessions"] == [
        {
            "session_id": session["id"],
            "title": session["title"],
            "start": body["busiest_sessions"][0]["start"],
            "online": 0,
            "bookmarks": 1,
            "messages": 2,
        }
    ]


async def test_chart_csv_is_the_data_behind_the_chart(client, app, loaded):
    organiser = await make_account(client, app, role="organiser", country="FR")
    await make_account(client, app, country="=1")  # stored as given: the helper skips validation

    response = await client.get(f"{API}/admin/stats/countries.csv", headers=organiser.headers)

    assert response.headers["content-disposition"] == 'attachment; filename="countries.csv"'
    assert list(csv.reader(io.StringIO(response.text))) == [
        ["country", "registrations"],
        ["'=1", "1"],
        ["FR", "1"],
    ]


async def test_chart_csv_escapes_session_titles(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    holder = await make_account(client, app)
    session = await session_by_key(client, "session-legal-research")
    await client.patch(f"{API}/sessions/{session['id']}", json={"title": "=1+1"}, headers=organiser.headers)
    await client.put(f"{API}/me/bookmarks/{session['id']}", headers=holder.headers)

    response = await client.get(f"{API}/admin/stats/busiest-sessions.csv", headers=organiser.headers)

    assert list(csv.reader(io.StringIO(response.text))) == [
        ["session", "online_plus_bookmarks"],
        ["'=1+1", "1"],
    ]


async def test_chart_svg_is_an_accessible_image(client, app, loaded):
    organiser = await make_account(client, app, role="organiser", org_type="cooperative")

    response = await client.get(f"{API}/admin/stats/org-types.svg", headers=organiser.headers)

    root = ET.fromstring(response.text)
    assert response.headers["content-type"] == "image/svg+xml"
    assert (root.get("role"), root.find(f"{SVG}title").text) == ("img", "Registrations by organisation type")
    assert root.find(f"{SVG}desc").text == "1 people in all. Cooperative: 1."


async def test_unknown_chart_is_404(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")

    response = await client.get(f"{API}/admin/stats/pie.csv", headers=organiser.headers)

    assert response.status_code == 404
