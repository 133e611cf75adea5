import datetime
import io

from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from apps.activera.models import Enrolment, PublicSubmission, Referral, ViolenceTally
from apps.audit.models import AuditAction, AuditEvent
from lib.identity_numbers import LegalSex, fictional_number
from tests.activera_helpers import unit
from tests.conftest import verified_client

D = datetime.date
NUMBER = fictional_number(D(1991, 4, 8), serial=71, legal_sex=LegalSex.MALE)


def _p(prefix, data):
    return {f"{prefix}-{key}": value for key, value in data.items()}


def _public_form(**overrides):
    data = {
        "programme_unit": unit().pk,
        "consent": "on",
        "identity_number": NUMBER,
        "first_name": "Per",
        "last_name": "Publik",
        "gender": "man",
        "residence": unit("lerum").unit.parent_id,
        "phone": "070-111 22 33",
        "email": "",
        "need": "Vill börja arbeta",
        "criteria": [c["code"] for c in unit().programme.eligibility_criteria],
        "sip_held": "on",
        "sip_date": "2026-01-02",
        "referring_party": "egen_anmalan",
        "referrer_name": "",
        "referrer_organisation": "",
        "referrer_contact": "",
        "website": "",
    }
    data.update(overrides)
    return data


def test_the_public_form_needs_no_login_and_gives_a_receipt(activera):
    client = Client()
    assert client.get("/anmalan/").status_code == 200
    response = client.post("/anmalan/", _public_form())
    html = response.content.decode()
    referral = Referral.objects.get()
    assert referral.receipt_number in html and "ACTivera Alingsås" in html
    assert referral.residence.slug == "lerum"  # any municipality of the förbund may be chosen
    assert referral.channel == "web" and referral.person.last_name == "Publik"


def test_the_public_form_explains_every_error_and_keeps_the_input(activera):
    html = Client().post("/anmalan/", _public_form(identity_number="19910231-1234", gender="")).content.decode()
    assert "Det finns fel i formuläret" in html and "Datumet i numret finns inte" in html
    assert 'value="Publik"' in html and "Välj kön" in html
    assert not Referral.objects.exists()


def test_the_honeypot_and_the_rate_limit_stop_robots(activera):
    client = Client()
    client.post("/anmalan/", _public_form(website="http://spam.example"))
    assert not Referral.objects.exists()
    for index in range(5):
        client.post(
            "/anmalan/",
            _public_form(identity_number=fictional_number(D(1991, 4, 8), serial=index, legal_sex=LegalSex.MALE)),
        )
    assert Referral.objects.count() == 5
    html = client.post(
        "/anmalan/", _public_form(identity_number=fictional_number(D(1991, 4, 9), serial=1, legal_sex=LegalSex.MALE))
    ).content.decode()
    assert "För många anmälningar" in html
    assert Referral.objects.count() == 5
    assert PublicSubmission.objects.count() == 5
    assert not any(len(row.address_digest) != 64 for row in PublicSubmission.objects.all())


def test_staff_take_a_participant_from_referral_to_exit_pdf(activera, caseworker_alingsas, pdf_support):
    Client().post("/anmalan/", _public_form())
    referral = Referral.objects.get()
    client = verified_client(caseworker_alingsas)
    assert referral.receipt_number in client.get("/deltagare/").content.decode()
    page = client.get(f"/deltagare/anmalningar/{referral.pk}/").content.decode()
    assert "Per Publik" in page
    today = timezone.localdate()
    start = today - datetime.timedelta(weeks=10)
    # The referral came in before the start; the public form always stamps today's date.
    Referral.objects.filter(pk=referral.pk).update(received_on=start - datetime.timedelta(days=7))
    response = client.post(
        f"/deltagare/anmalningar/{referral.pk}/",
        {
            "action": "accept",
            "start_date": start.isoformat(),
            "planned_end_date": (start + datetime.timedelta(weeks=20)).isoformat(),
            "extent_percent": 50,
            "leader": caseworker_alingsas.pk,
            "override_reason": "",
        },
    )
    enrolment = Enrolment.objects.get()
    assert response["Location"] == f"/deltagare/{enrolment.code}/"
    base = f"/deltagare/{enrolment.code}/"
    answers = {f"indicator_{i.code}": 2 for i in activera.indicators.all()}
    assert (
        client.post(
            base + "matning/",
            _p("measurement", {"date": (start + datetime.timedelta(days=3)).isoformat(), "kind": "first", **answers}),
        ).status_code
        == 302
    )
    blocked = client.post(
        base + "aktivitet/",
        _p(
            "activity",
            {
                "date": (start + datetime.timedelta(weeks=7)).isoformat(),
                "activity_type": activera.activity_types.first().pk,
                "mode": "group",
                "attended": "on",
            },
        ),
    )
    assert blocked.status_code == 400 and "flerpartsmöte" in blocked.content.decode()
    assert (
        client.post(
            base + "mote/",
            _p(
                "meeting",
                {
                    "date": (start + datetime.timedelta(weeks=6)).isoformat(),
                    "parties": ["Arbetsförmedlingen"],
                    "decision": "continue",
                },
            ),
        ).status_code
        == 302
    )
    assert (
        client.post(
            base + "aktivitet/",
            _p(
                "activity",
                {
                    "date": (start + datetime.timedelta(weeks=7)).isoformat(),
                    "activity_type": activera.activity_types.first().pk,
                    "mode": "group",
                    "attended": "on",
                },
            ),
        ).status_code
        == 302
    )
    later = {f"indicator_{i.code}": 4 for i in activera.indicators.all()}
    assert (
        client.post(
            base + "matning/",
            _p(
                "measurement", {"date": (start + datetime.timedelta(weeks=8)).isoformat(), "kind": "follow_up", **later}
            ),
        ).status_code
        == 302
    )
    assert (
        client.post(
            base + "mal/",
            _p(
                "goal",
                {
                    "indicator": activera.indicators.first().pk,
                    "goal": "Söka tre jobb i veckan",
                    "activities": "Jobbklubb",
                    "review_date": today.isoformat(),
                },
            ),
        ).status_code
        == 302
    )
    detail = client.get(base).content.decode()
    assert "<svg" in detail and "+2" in detail and "Söka tre jobb i veckan" in detail
    assert (
        client.post(
            base + "avslut/",
            _p(
                "exit",
                {
                    "exit_date": today.isoformat(),
                    "exit_reason": "genomford",
                    "occupation_after": "studier",
                    "income_after": "",
                },
            ),
        ).status_code
        == 302
    )
    pdf = client.get(base + "avslut.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Avslutsdokumentation" in text and enrolment.code in text and "Studier" in text
    assert (
        client.post(
            base + "avslutsdokument/", _p("document", {"given_on": today.isoformat(), "sent_on": today.isoformat()})
        ).status_code
        == 302
    )
    enrolment.refresh_from_db()
    assert enrolment.exit_document_sent_on == today
    assert AuditEvent.objects.filter(action=AuditAction.PARTICIPANT_EXPORT, person_code=enrolment.code).exists()


def test_the_violence_page_counts_a_batch_of_forms_without_linking(activera, caseworker_alingsas):
    client = verified_client(caseworker_alingsas)
    today = timezone.localdate()
    upload = io.BytesIO(b"psykiskt;fysiskt;sexuellt\nnej;nej;ja\nnej;;nej\n")
    upload.name = "formular.csv"
    response = client.post(
        "/deltagare/vald/",
        {"programme_unit": unit().pk, "year": today.year, "tertial": 1, "file": upload},
    )
    assert response.status_code == 302
    counts = {(t.question, t.answer): t.count for t in ViolenceTally.objects.filter(count__gt=0)}
    assert counts == {
        ("psykiskt", "nej"): 2,
        ("fysiskt", "nej"): 1,
        ("fysiskt", "ej_besvarad"): 1,
        ("sexuellt", "ja"): 1,
        ("sexuellt", "nej"): 1,
    }
    missing = client.post("/deltagare/vald/", {"programme_unit": unit().pk, "year": today.year, "tertial": 1})
    assert "Välj en fil." in missing.content.decode()


def test_the_caseworker_start_page_shows_what_to_do(activera, caseworker_alingsas):
    from apps.activera.services import referral_accept
    from tests.activera_helpers import FAR_FUTURE, refer

    referral = refer(unit(), serial=55, received_on=timezone.localdate() - datetime.timedelta(weeks=7))
    enrolment = referral_accept(
        actor=caseworker_alingsas,
        referral=referral,
        start_date=timezone.localdate() - datetime.timedelta(weeks=6, days=2),
        planned_end_date=timezone.localdate() + datetime.timedelta(weeks=10),
        extent_percent=50,
        leader=caseworker_alingsas,
        today=FAR_FUTURE,
    )
    refer(unit(), serial=56)
    html = verified_client(caseworker_alingsas).get("/").content.decode()
    assert "1 ny intresseanmälan väntar" in html
    assert enrolment.code in html and "flerpartsmöte behövs" in html
