from django.core.management import call_command

from apps.organisations.models import Organisation, OrganisationKind
from apps.organisations.selectors import municipality_of


def test_it_loads_insjoriket_with_its_members_and_units(db):
    call_command("org", "load", "insjoriket")
    forbund = Organisation.objects.get(slug="insjoriket")
    assert forbund.kind == OrganisationKind.FORBUND
    assert forbund.organisation_number == "222000-2071"
    municipalities = Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY, parent=forbund)
    assert sorted(m.slug for m in municipalities) == ["alingsas", "harryda", "lerum", "molndal", "partille"]
    assert all(m.population and m.population_date for m in municipalities)
    assert {
        o.slug for o in Organisation.objects.filter(parent=forbund).exclude(kind=OrganisationKind.MUNICIPALITY)
    } == {"forsakringskassan", "arbetsformedlingen", "vgregion"}
    for municipality in municipalities:
        activera = Organisation.objects.get(slug=f"{municipality.slug}-activera")
        committee = Organisation.objects.get(slug=f"{municipality.slug}-socialnamnd")
        assert activera.kind == OrganisationKind.EXECUTOR_UNIT
        assert committee.kind == OrganisationKind.SOCIAL_COMMITTEE
        assert municipality_of(activera) == municipality
    assert Organisation.objects.get(slug="alingsas-activera").name == "ACTivera Alingsås"
    # Units are named after the place, not the genitive of "Lerums kommun" or "Mölndals stad".
    assert Organisation.objects.get(slug="lerum-activera").name == "ACTivera Lerum"
    assert Organisation.objects.get(slug="molndal-socialnamnd").name == "Socialnämnden Mölndal"


def test_loading_twice_changes_nothing(db):
    call_command("org", "load", "insjoriket")
    first = sorted(Organisation.objects.values_list("slug", "name", "parent__slug"))
    call_command("org", "load", "insjoriket")
    assert sorted(Organisation.objects.values_list("slug", "name", "parent__slug")) == first
    assert Organisation.objects.count() == 1 + 8 + 10


def test_it_loads_structure_only_and_no_people(db):
    from apps.accounts.models import User
    from apps.people.models import Person

    call_command("org", "load", "insjoriket")
    assert not User.objects.exists()
    assert not Person.objects.exists()
