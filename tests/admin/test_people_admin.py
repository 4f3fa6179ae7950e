import csv
import io

from tests.support import make_account

API = "/api/v1"


async def test_user_search_finds_by_name_email_or_organisation_and_role(client, app):
    organiser = await make_account(client, app, role="organiser", name="Olga Organiser")
    ada = await make_account(client, app, name="Ada Lovelace", organisation="Engines Coop")
    await make_account(client, app, name="Bob", organisation="Bakery", role="moderator")

    by_org = await client.get(f"{API}/admin/users", params={"q": "engines"}, headers=organiser.headers)
    by_role = await client.get(f"{API}/admin/users", params={"role": "moderator"}, headers=organiser.headers)

    assert [u["name"] for u in by_org.json()["items"]] == ["Ada Lovelace"]
    assert by_org.json()["items"][0] == {
        "id": ada.id,
        "name": "Ada Lovelace",
        "email": ada.email,
        "organisation": "Engines Coop",
        "org_type": "other",
        "country": "",
        "role": "attendee",
        "active": True,
        "created_at": by_org.json()["items"][0]["created_at"],
    }
    assert ([u["name"] for u in by_role.json()["items"]], by_role.json()["total"]) == (["Bob"], 1)


async def test_user_search_pages(client, app):
    organiser = await make_account(client, app, role="organiser")
    for n in range(4):
        await make_account(client, app, name=f"Paged {n}")

    first = (
        await client.get(
            f"{API}/admin/users", params={"q": "paged", "per_page": 3}, headers=organiser.headers
        )
    ).json()
    second = (
        await client.get(
            f"{API}/admin/users", params={"q": "paged", "per_page": 3, "page": 2}, headers=organiser.headers
        )
    ).json()

    assert (first["total"], first["pages"], len(first["items"]), len(second["items"])) == (4, 2, 3, 1)
    assert [u["name"] for u in first["items"] + second["items"]] == [
        "Paged 3",
        "Paged 2",
        "Paged 1",
        "Paged 0",
    ]


async def test_role_change_is_validated(client, app):
    organiser = await make_account(client, app, role="organiser")
    ada = await make_account(client, app)

    response = await client.patch(
        f"{API}/users/{ada.id}", json={"role": "emperor", "email": "x@y.z"}, headers=organiser.headers
    )

    assert response.status_code == 422
    assert sorted(response.json()["error"]["fields"]) == ["email", "role"]


async def test_role_change_answers_with_the_user(client, app):
    organiser = await make_account(client, app, role="organiser")
    ada = await make_account(client, app)

    response = await client.patch(
        f"{API}/users/{ada.id}", json={"role": "moderator"}, headers=organiser.headers
    )

    me = (await client.get(f"{API}/me", headers=ada.headers)).json()
    assert (response.json()["role"], me["role"]) == ("moderator", "moderator")


async def test_organiser_cannot_demote_or_deactivate_themself(client, app):
    organiser = await make_account(client, app, role="organiser")

    demote = await client.patch(
        f"{API}/users/{organiser.id}", json={"role": "attendee"}, headers=organiser.headers
    )
    deactivate = await client.patch(
        f"{API}/users/{organiser.id}", json={"active": False}, headers=organiser.headers
    )

    assert (demote.status_code, deactivate.status_code) == (409, 409)
    assert (await client.get(f"{API}/me", headers=organiser.headers)).json()["role"] == "organiser"


async def test_unknown_user_is_404(client, app):
    organiser = await make_account(client, app, role="organiser")

    response = await client.patch(f"{API}/users/99999", json={"role": "speaker"}, headers=organiser.headers)

    assert response.status_code == 404


async def test_registrations_csv_has_every_account_with_its_columns(client, app):
    organiser = await make_account(client, app, role="organiser", name="Olga")
    ada = await make_account(
        client, app, name="Ada, the first", organisation="Engines Coop", org_type="cooperative", country="GB"
    )

    response = await client.get(f"{API}/admin/registrations.csv", headers=organiser.headers)

    rows = list(csv.reader(io.StringIO(response.text)))
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="registrations.csv"'
    assert rows[0] == ["id", "name", "email", "organisation", "org_type", "country", "role", "created_at"]
    assert [row[:7] for row in rows[1:]] == [
        [str(organiser.id), "Olga", organiser.email, "", "other", "", "organiser"],
        [str(ada.id), "Ada, the first", ada.email, "Engines Coop", "cooperative", "GB", "attendee"],
    ]
    assert all(row[7].startswith("20") for row in rows[1:])


async def test_registrations_csv_defuses_formulas(client, app):
    organiser = await make_account(client, app, role="organiser", name="Olga")
    await make_account(client, app, name='=HYPERLINK("http://evil")', organisation="+33 1 23")
    await make_account(client, app, name="@SUM(A1)", organisation="-minus")

    response = await client.get(f"{API}/admin/registrations.csv", headers=organiser.headers)

    rows = list(csv.reader(io.StringIO(response.text)))[2:]
    assert [(r[1], r[3]) for r in rows] == [
        ('\'=HYPERLINK("http://evil")', "'+33 1 23"),
        ("'@SUM(A1)", "'-minus"),
    ]
