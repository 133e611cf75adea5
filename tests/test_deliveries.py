"""Deliveries are frozen when submitted and reach the förbund a period at a time, when the last
executor owing the period delivers or the office closes it."""

import datetime
import io
import json

import pytest
from openpyxl import load_workbook

from apps.activera.deliveries import delivery_submit, narrative_save, period_close
from apps.activera.models import Delivery, ForbundRelease, Programme
from insyn.errors import Conflict, ValidationFailed
from tests.activera_helpers import FAR_FUTURE, caseworker, deliver, deliver_all, refer, unit
from tests.conftest import verified_client

D = datetime.date


def _programme() -> Programme:
    return Programme.objects.get()


def test_a_submitted_delivery_is_frozen_and_unseen_until_its_period_is_released(activera, forbund_officer):
    refer(unit(), received_on=D(2026, 3, 2), serial=1, gender="man", party="region")
    delivery = deliver("alingsas", "monthly", 2026, 3)
    assert delivery.released_at is None and delivery.content == {}
    assert delivery.raw["tables"]["monthly_referrals"]["cells"][2] == [0, 1, 0]  # region: one man
    refer(unit(), received_on=D(2026, 3, 20), serial=2)
    delivery.refresh_from_db()
    assert sum(map(sum, delivery.raw["tables"]["monthly_referrals"]["cells"])) == 1  # frozen as submitted
    with pytest.raises(Conflict):
        deliver("alingsas", "monthly", 2026, 3)
    client = verified_client(forbund_officer)
    assert client.get(f"/forbund/leveranser/{delivery.pk}/").status_code == 404
    assert "mars 2026" in client.get("/forbund/leveranser/inkomna/").content.decode()  # waiting, 1 of 5


def test_the_last_executor_to_deliver_releases_the_period_with_the_forbund_sum(activera, forbund_officer):
    for serial, slug in enumerate(["alingsas", "lerum", "molndal"]):
        for n in range(6):
            refer(unit(slug), received_on=D(2026, 3, 2 + n), serial=serial * 10 + n, party="region", residence=slug)
    deliveries = deliver_all("monthly", 2026, 3)
    for delivery in deliveries:
        delivery.refresh_from_db()
    assert all(d.released_at is not None for d in deliveries)
    release = ForbundRelease.objects.get(kind="monthly", year=2026, period=3)
    assert set(release.deliveries.all()) == set(deliveries)
    table = release.content["tables"][0]
    assert table["key"] == "monthly_referrals" and table["total"] == 18
    assert release.content["units"] == [d.programme_unit.unit.slug for d in deliveries]
    client = verified_client(forbund_officer)
    page = client.get(f"/forbund/leveranser/{deliveries[0].pk}/").content.decode()
    assert "Regionens hälso- och sjukvård" in page
    data = json.loads(client.get(f"/forbund/leveranser/{deliveries[0].pk}/", {"format": "json"}).content)
    assert data["tables"][0]["key"] == "monthly_referrals" and "Fia" not in json.dumps(data)


def test_the_office_closes_a_period_and_a_later_delivery_stays_outside_the_sum(activera, forbund_officer):
    refer(unit("lerum"), received_on=D(2026, 3, 2), serial=1, residence="lerum")
    deliver("alingsas", "monthly", 2026, 3)
    deliver("lerum", "monthly", 2026, 3)
    release = period_close(actor=forbund_officer, programme=_programme(), kind="monthly", year=2026, period=3)
    assert release.closed_by == forbund_officer and release.content["units"] == ["alingsas-activera", "lerum-activera"]
    with pytest.raises(Conflict):
        period_close(actor=forbund_officer, programme=_programme(), kind="monthly", year=2026, period=3)
    late = deliver("molndal", "monthly", 2026, 3)
    assert late.released_at is not None  # published on its own at once
    release.refresh_from_db()
    assert late not in release.deliveries.all()
    with pytest.raises(ValidationFailed):
        period_close(actor=caseworker("alingsas"), programme=_programme(), kind="monthly", year=2026, period=4)


def test_nothing_added_after_a_release_changes_what_the_forbund_has(activera, forbund_officer):
    refer(unit(), received_on=D(2026, 3, 2), serial=1, gender="kvinna", party="egen_anmalan")
    deliver_all("monthly", 2026, 3)
    before = {d.pk: d.content for d in Delivery.objects.all()}
    before_sum = ForbundRelease.objects.get().content
    refer(unit(), received_on=D(2026, 3, 9), serial=2, gender="kvinna", party="egen_anmalan")
    assert {d.pk: d.content for d in Delivery.objects.all()} == before
    assert ForbundRelease.objects.get().content == before_sum


def test_a_period_that_has_not_ended_or_does_not_exist_cannot_be_delivered(activera, caseworker_alingsas):
    with pytest.raises(ValidationFailed) as info:
        delivery_submit(
            actor=caseworker_alingsas, unit=unit(), kind="interim", year=2026, period=0, today=D(2026, 8, 31)
        )
    assert "slut först 2026-08-31" in info.value.fields["period"][0]
    with pytest.raises(ValidationFailed) as info:
        delivery_submit(actor=caseworker_alingsas, unit=unit(), kind="tertial", year=99999, period=4, today=FAR_FUTURE)
    assert set(info.value.fields) == {"period", "year"}


def test_the_narrative_goes_with_the_interim_delivery_and_then_freezes(activera, caseworker_alingsas):
    narrative_save(actor=caseworker_alingsas, unit=unit(), kind="interim", year=2026, text="Vi startade två grupper.")
    delivery = delivery_submit(
        actor=caseworker_alingsas, unit=unit(), kind="interim", year=2026, period=0, today=FAR_FUTURE
    )
    assert delivery.raw["narrative"] == "Vi startade två grupper."
    with pytest.raises(Conflict):
        narrative_save(actor=caseworker_alingsas, unit=unit(), kind="interim", year=2026, text="Ändrat")
    deliver_all("interim", 2026, slugs=["harryda", "lerum", "molndal", "partille"])
    delivery.refresh_from_db()
    assert delivery.content["narrative"] == "Vi startade två grupper."
    assert delivery.content["due"] == "2026-09-10"


def test_a_narrative_with_personal_data_is_refused_and_nothing_is_stored(activera, caseworker_alingsas):
    text = "Anna Svensson 19121212-1212 tel 070-123 45 67"
    with pytest.raises(ValidationFailed) as info:
        narrative_save(actor=caseworker_alingsas, unit=unit(), kind="annual", year=2026, text=text)
    message = " ".join(info.value.fields["narrative"])
    assert "personnummer" in message and "telefonnummer" in message
    with pytest.raises(ValidationFailed):
        delivery_submit(
            actor=caseworker_alingsas, unit=unit(), kind="annual", year=2026, period=0, narrative=text, today=FAR_FUTURE
        )
    assert not Delivery.objects.exists()
    # The page keeps what was typed and points at it.
    client = verified_client(caseworker_alingsas)
    query = {"unit": unit().pk, "kind": "annual", "year": 2026, "period": 0}
    page = client.post("/deltagare/leveranser/forhandsvisning/", {**query, "action": "narrative", "narrative": text})
    html = page.content.decode()
    assert text in html and "personnummer" in html


def test_a_name_in_the_narrative_needs_a_confirmation(activera, caseworker_alingsas):
    text = "Samarbetet med Anna Svensson på Arbetsförmedlingen fungerade väl."
    with pytest.raises(ValidationFailed):
        narrative_save(actor=caseworker_alingsas, unit=unit(), kind="annual", year=2026, text=text)
    saved = narrative_save(
        actor=caseworker_alingsas, unit=unit(), kind="annual", year=2026, text=text, names_confirmed=True
    )
    assert saved.text == text


def test_the_executor_previews_downloads_and_submits_a_delivery(activera, caseworker_alingsas):
    refer(unit(), received_on=D(2026, 3, 2), serial=3)
    client = verified_client(caseworker_alingsas)
    query = {"unit": unit().pk, "kind": "monthly", "year": 2026, "period": 3}
    page = client.get("/deltagare/leveranser/forhandsvisning/", query).content.decode()
    assert "Förhandsvisning" in page and "mars 2026" in page
    csv_text = client.get("/deltagare/leveranser/forhandsvisning/", {**query, "format": "csv"}).content.decode(
        "utf-8-sig"
    )
    assert csv_text.splitlines()[3].startswith(";Kvinna;Man")
    xlsx = client.get("/deltagare/leveranser/forhandsvisning/", {**query, "format": "xlsx"})
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames == ["Intresseanmälningar per initier"]
    response = client.post("/deltagare/leveranser/forhandsvisning/", {**query, "action": "submit", "confirmed": "ja"})
    delivery = Delivery.objects.get()
    assert response["Location"] == f"/deltagare/leveranser/{delivery.pk}/"
    assert "Inte publicerad för förbundet än" in client.get(response["Location"]).content.decode()


def test_a_submission_without_confirmation_changes_nothing(activera, caseworker_alingsas):
    refer(unit(), received_on=D(2026, 3, 2), serial=3)
    client = verified_client(caseworker_alingsas)
    query = {"unit": unit().pk, "kind": "monthly", "year": 2026, "period": 3}
    page = client.get("/deltagare/leveranser/forhandsvisning/", query).content.decode()
    assert 'name="confirmed" value="ja"' in page
    response = client.post("/deltagare/leveranser/forhandsvisning/", {**query, "action": "submit"}, follow=True)
    assert not Delivery.objects.exists()
    assert "Leveransen är inte inlämnad: bekräfta" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "monthly", "year": "2026", "period": "13"},
        {"kind": "tertial", "year": "-1", "period": "1"},
        {"kind": "weekly", "year": "2026", "period": "1"},
        {"kind": "annual", "year": "99999999999", "period": "0"},
        {"kind": "annual", "year": "abc", "period": "0"},
    ],
)
def test_a_period_that_does_not_exist_answers_400_with_the_reason(activera, caseworker_alingsas, query):
    client = verified_client(caseworker_alingsas)
    response = client.get("/deltagare/leveranser/forhandsvisning/", {"unit": unit().pk, **query})
    assert response.status_code == 400
    assert "Perioden finns inte" in response.content.decode()


def test_the_forbund_statistics_page_shows_what_is_released(activera, forbund_officer, caseworker_alingsas):
    deliver_all("annual", 2025)
    html = (
        verified_client(forbund_officer).get("/forbund/statistik/", {"kind": "annual", "year": 2025}).content.decode()
    )
    assert "Hela förbundet" in html and "Mölndals stad" in html and "Avslutade per avslutsorsak" in html
    assert verified_client(caseworker_alingsas).get("/forbund/statistik/").status_code == 403


@pytest.mark.parametrize("query", [{"year": "-1"}, {"year": "99999999999"}, {"year": "0", "format": "xlsx"}])
def test_the_forbund_statistics_refuse_a_year_that_does_not_exist(activera, forbund_officer, query):
    response = verified_client(forbund_officer).get("/forbund/statistik/", query)
    assert response.status_code == 400 and "Ange ett år" in response.content.decode()


def test_a_file_of_a_period_nobody_delivered_says_so(activera, forbund_officer):
    client = verified_client(forbund_officer)
    for url, query in [
        ("/forbund/statistik/", {"kind": "annual", "year": 2030, "format": "xlsx"}),
        ("/forbund/leveranser/sammanstallning/", {"kind": "tertial", "year": 2026, "period": 3, "format": "xlsx"}),
        ("/forbund/leveranser/sammanstallning/", {"kind": "annual", "year": 2030, "format": "xlsx"}),
    ]:
        response = client.get(url, query)
        assert response.status_code == 200, url
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert "Inga inlämnade leveranser" in str(sheet["A1"].value)


def test_the_forbund_sets_its_own_threshold_and_later_releases_use_it(activera):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("forbund", "threshold", "insjoriket", "8", stdout=out)
    assert "minsta antal som visas är 8 (förbundets egen)" in out.getvalue()
    for n in range(6):  # six referrals: shown under 5, hidden under 8
        refer(unit("alingsas"), received_on=D(2026, 3, 2 + n), serial=n, gender="man", party="region")
    deliver_all("monthly", 2026, 3)
    content = Delivery.objects.get(programme_unit=unit("alingsas")).content
    table = content["tables"][0]
    assert content["threshold"] == 8 and table["cells"][table["row_keys"].index("region")][1] is None
    call_command("forbund", "threshold", "insjoriket", "standard", stdout=out)
    assert "är 5 (INSYN_SUPPRESSION_THRESHOLD)" in out.getvalue()
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="2 och 50"):
        call_command("forbund", "threshold", "insjoriket", "1", stdout=out)


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/forbund/leveranser/sammanstallning/", {"kind": "tertial", "year": "2026", "period": "abc"}),
        ("/forbund/leveranser/sammanstallning/", {"kind": "monthly", "year": "2026", "period": "0"}),
        ("/forbund/leveranser/sammanstallning/", {"kind": "annual", "year": "1999999999999"}),
        ("/forbund/statistik/", {"kind": "weekly", "year": "2026"}),
        ("/forbund/statistik/platser-och-anmalningar/", {"year": "-5"}),
        ("/forbund/leveranser/", {"year": "x"}),
        ("/forbund/leveranser/nns/", {"year": "2026", "tertial": "9"}),
    ],
)
def test_every_forbund_route_answers_a_bad_period_with_400(activera, forbund_officer, url, query):
    response = verified_client(forbund_officer).get(url, query)
    assert response.status_code == 400, url


def test_the_forbund_office_is_told_of_each_delivery_by_mail_and_it_is_recorded(
    activera, forbund_officer, django_capture_on_commit_callbacks, mailoutbox
):
    from apps.audit.models import AuditAction, AuditEvent

    forbund_officer.email = "kansli@example.invalid"
    forbund_officer.save(update_fields=["email"])
    narrative_save(actor=caseworker("alingsas"), unit=unit(), kind="interim", year=2026, text="Två grupper.")
    with django_capture_on_commit_callbacks(execute=True):
        delivery = deliver("alingsas", "interim", 2026)
    (mail,) = mailoutbox
    assert mail.to == ["kansli@example.invalid"]
    assert mail.subject == "Leverans inlämnad: Delårsredovisning januari–augusti 2026, Alingsås kommun"
    assert "1 av 5 hittills" in mail.body and "verksamhetsberättelse" in mail.body
    assert AuditEvent.objects.filter(
        action=AuditAction.DELIVERY_NOTIFY, object_id=str(delivery.pk), details__recipient=forbund_officer.username
    ).exists()


def test_a_member_that_joins_after_an_executor_delivered_is_summed_by_its_row(activera, caseworker_lerum):
    """The executors' tables are frozen on different days: the förbund's sum adds them row by row
    label, so a home municipality that only the later deliveries list is in the sum too."""
    from apps.activera.services import referral_accept
    from apps.organisations.models import Organisation, OrganisationKind

    def enrol(slug: str, serial: int, residence: str) -> None:
        referral = refer(unit(slug), received_on=D(2026, 1, 20), serial=serial, residence=residence)
        referral_accept(
            actor=caseworker(slug),
            referral=referral,
            start_date=D(2026, 2, 2),
            planned_end_date=D(2026, 6, 22),
            extent_percent=50,
            leader=caseworker(slug),
            today=FAR_FUTURE,
        )

    for n in range(3):
        enrol("alingsas", 60 + n, "alingsas")
    first = deliver("alingsas", "annual", 2026)
    Organisation.objects.create(
        slug="vargarda",
        name="Vårgårda kommun",
        kind=OrganisationKind.MUNICIPALITY,
        code_prefix="VGA",
        parent=Organisation.objects.get(slug="insjoriket"),
    )
    for n in range(4):
        enrol("lerum", 70 + n, "vargarda")
    deliver_all("annual", 2026, slugs=["harryda", "lerum", "molndal", "partille"])
    assert "vargarda" not in first.raw["tables"]["residence"]["rows"]
    residence = ForbundRelease.objects.get(kind="annual", year=2026).raw["tables"]["residence"]
    by_row = {row: sum(cells) for row, cells in zip(residence["rows"], residence["cells"], strict=True)}
    assert by_row["alingsas"] == 3 and by_row["vargarda"] == 4
    assert sum(by_row.values()) == 7
