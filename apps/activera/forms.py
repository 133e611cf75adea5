from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.core.concurrency import version_field
from apps.organisations.models import Organisation, OrganisationKind
from lib.identity_numbers import InvalidIdentityNumber, parse_identity_number

from .models import (
    ActivityMode,
    ActivityType,
    BornIn,
    EducationLevel,
    ExitReason,
    Gender,
    IncomeSource,
    Indicator,
    MeasurementKind,
    MeetingDecision,
    OccupationAfter,
    Programme,
    ProgrammeUnit,
    ReferringParty,
    TimeWithoutWork,
)
from .services.common import municipality_of_unit
from .services.referrals import ReferralInput, public_referral_problems


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.unit.name)


class LeaderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


DATE_ERRORS = {"invalid": _("Ange datum som ÅÅÅÅ-MM-DD."), "required": _("Ange datum.")}


def _date(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        error_messages=DATE_ERRORS,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ReferralForm(forms.Form):
    programme_unit = UnitChoiceField(
        label=_("Till vilken kommuns ACTivera?"),
        queryset=ProgrammeUnit.objects.none(),
        empty_label=None,
        help_text=_("Du kan söka till ACTivera i vilken av förbundets kommuner som helst."),
    )
    consent = forms.BooleanField(
        label=_("Personen samtycker till att registreras med namn och personnummer"),
        required=False,
        help_text=_("Utan samtycke registreras personen anonymt: bara kön, födelseår och kommun sparas."),
    )
    protected_identity = forms.BooleanField(
        label=_("Personen har skyddad identitet"),
        required=False,
        help_text=_("Då registreras personen alltid anonymt."),
    )
    identity_number = forms.CharField(
        label=_("Personnummer"),
        required=False,
        max_length=20,
        help_text=_("Tolv siffror (ÅÅÅÅMMDDNNNN) eller ÅÅMMDD-NNNN. Sparas bara med samtycke."),
    )
    first_name = forms.CharField(label=_("Förnamn"), required=False, max_length=100)
    last_name = forms.CharField(label=_("Efternamn"), required=False, max_length=100)
    birth_year = forms.IntegerField(
        label=_("Födelseår (vid anonym registrering)"),
        required=False,
        min_value=1900,
        max_value=2100,
        error_messages={"invalid": _("Ange födelseåret med fyra siffror.")},
    )
    gender = forms.ChoiceField(
        label=_("Kön, som personen själv anger"),
        choices=Gender.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj kön.")},
    )
    residence = forms.ModelChoiceField(
        label=_("Folkbokförd i kommun"),
        queryset=Organisation.objects.none(),
        error_messages={"required": _("Välj kommun.")},
    )
    phone = forms.CharField(label=_("Telefon"), required=False, max_length=40)
    email = forms.EmailField(
        label=_("E-post"), required=False, error_messages={"invalid": _("Ange en giltig e-postadress.")}
    )
    need = forms.CharField(
        label=_("Behovet med personens egna ord"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    criteria = forms.MultipleChoiceField(
        label=_("Kriterier som är uppfyllda"), required=False, widget=forms.CheckboxSelectMultiple
    )
    sip_held = forms.BooleanField(label=_("Ett SIP/SAMSIP-möte har hållits"), required=False)
    sip_date = _date(_("Datum för SIP/SAMSIP-mötet"), required=False)
    referring_party = forms.ChoiceField(
        label=_("Vem gör anmälan?"),
        choices=ReferringParty.choices,
        error_messages={"required": _("Välj vem som gör anmälan.")},
    )
    referrer_name = forms.CharField(label=_("Remittentens namn"), required=False, max_length=150)
    referrer_organisation = forms.CharField(label=_("Remittentens organisation"), required=False, max_length=150)
    referrer_contact = forms.CharField(label=_("Remittentens telefon eller e-post"), required=False, max_length=200)
    # A field people never see; robots fill it in.
    website = forms.CharField(label=_("Lämna tomt"), required=False)

    def __init__(
        self, *args: Any, programme: Programme, units: list[ProgrammeUnit] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["programme_unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = ProgrammeUnit.objects.filter(
            pk__in=[u.pk for u in units] if units is not None else programme.units.values("pk")
        ).select_related("unit")
        residence = self.fields["residence"]
        assert isinstance(residence, forms.ModelChoiceField)
        residence.queryset = Organisation.objects.filter(parent=programme.forbund, kind=OrganisationKind.MUNICIPALITY)
        criteria = self.fields["criteria"]
        assert isinstance(criteria, forms.MultipleChoiceField)
        criteria.choices = [(c["code"], c["label"]) for c in programme.eligibility_criteria]

    def clean_identity_number(self) -> str:
        # Parsing only, so the person sees this error together with the others; the service decides
        # whether a number is needed (it is not for an anonymous registration).
        value = str(self.cleaned_data.get("identity_number") or "").strip()
        if value:
            try:
                parse_identity_number(value)
            except InvalidIdentityNumber as exc:
                raise forms.ValidationError(exc.message) from exc
        return value


class PublicReferralForm(ReferralForm):
    """The open intresseanmälan: nothing is preselected but the unit of the residence, and every
    problem – the fields', the service's rules and the personal-data check – comes in one round."""

    referring_party = forms.ChoiceField(
        label=_("Vem gör anmälan?"),
        choices=ReferringParty.choices,
        widget=forms.RadioSelect,
        help_text=_("Välj ”Egen anmälan” om du anmäler dig själv."),
        error_messages={
            "required": _(
                "Välj vem som gör anmälan: ”Egen anmälan” om du anmäler dig själv, annars din handläggares myndighet."
            )
        },
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, programme=programme, **kwargs)
        self.programme = programme
        unit_field = self.fields["programme_unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.empty_label = str(_("Välj kommun"))
        unit_field.error_messages["required"] = _("Välj vilken kommuns ACTivera anmälan ska till.")
        unit_field.help_text = _(
            "Du kan söka till ACTivera i vilken av förbundets kommuner som helst. Väljer du ingen går "
            "anmälan till ACTivera i kommunen där personen är folkbokförd."
        )
        residence = self.fields["residence"]
        assert isinstance(residence, forms.ModelChoiceField)
        residence.empty_label = str(_("Välj kommun"))
        if self.is_bound and not self.data.get(self.add_prefix("programme_unit")):
            # No unit chosen: the unit of the residence, shown preselected when the form comes back.
            unit = self._unit_of_residence(self.data.get(self.add_prefix("residence")))
            if unit is not None:
                data = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
                data[self.add_prefix("programme_unit")] = str(unit.pk)
                self.data = data

    def _unit_of_residence(self, residence_pk: Any) -> ProgrammeUnit | None:
        unit_field = self.fields["programme_unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        if unit_field.queryset is None or not str(residence_pk or "").isdigit():
            return None
        for unit in unit_field.queryset:
            if municipality_of_unit(unit).pk == int(residence_pk):
                return unit
        return None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        # The service's rules run on whatever could be read, so they come together with the fields'
        # errors; a field that already has an error keeps only that one.
        data = self.partial_input()
        problems = public_referral_problems(data, programme=self.programme) if data is not None else {}
        for field, messages in problems.items():
            if field in self.errors:
                continue
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        return cleaned

    def partial_input(self) -> ReferralInput | None:
        """What the form could read, for the service's checks (None for a programme with no units)."""
        data = self.cleaned_data
        # The unit only tells the checks the programme; a missing one has its own error already.
        programme_unit = data.get("programme_unit") or self.programme.units.first()
        if programme_unit is None:
            return None
        return ReferralInput(
            programme_unit=programme_unit,
            identity_number=data.get("identity_number") or "",
            first_name=data.get("first_name") or "",
            last_name=data.get("last_name") or "",
            gender=data.get("gender") or "",
            birth_year=data.get("birth_year"),
            residence=data.get("residence"),
            phone=data.get("phone") or "",
            email=data.get("email") or "",
            need=data.get("need") or "",
            criteria_confirmed=list(data.get("criteria") or []),
            sip_held=bool(data.get("sip_held")),
            sip_date=data.get("sip_date"),
            consent=bool(data.get("consent")),
            protected_identity=bool(data.get("protected_identity")),
            referring_party=data.get("referring_party") or "",
            referrer_name=data.get("referrer_name") or "",
            referrer_organisation=data.get("referrer_organisation") or "",
            referrer_contact=data.get("referrer_contact") or "",
        )


class AcceptForm(forms.Form):
    start_date = _date(_("Startdatum"))
    planned_end_date = _date(_("Planerat slut"), help_text=_("Högst 24 veckor efter start."))
    extent_percent = forms.IntegerField(
        label=_("Omfattning (% av heltid)"),
        min_value=1,
        max_value=100,
        error_messages={
            "required": _("Ange omfattning."),
            "invalid": _("Ange omfattningen som ett heltal, 1–100."),
            "min_value": _("Omfattningen ska vara minst 1 procent av heltid."),
            "max_value": _("Omfattningen kan vara högst 100 procent av heltid."),
        },
    )
    leader = LeaderChoiceField(
        label=_("Ansvarig ledare"),
        queryset=User.objects.none(),
        error_messages={
            "required": _("Välj ansvarig ledare."),
            "invalid_choice": _("Välj en ledare som arbetar hos utföraren."),
        },
    )
    override_reason = forms.CharField(
        label=_("Motivering för undantag från kriterierna (bara ansvarig chef)"),
        required=False,
        help_text=_("Krävs för att skriva in en person som inte uppfyller alla kriterier."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, leaders: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["leader"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(pk__in=[u.pk for u in leaders])


class DeclineForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Utfall"), choices=[("declined", _("Avböjd")), ("withdrawn", _("Återkallad"))])
    reason = forms.CharField(label=_("Skäl"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ActivityForm(forms.Form):
    date = _date(_("Datum"))
    activity_type = forms.ModelChoiceField(
        label=_("Aktivitet"), queryset=ActivityType.objects.none(), error_messages={"required": _("Välj aktivitet.")}
    )
    mode = forms.ChoiceField(label=_("Form"), choices=ActivityMode.choices)
    digital = forms.BooleanField(label=_("Digitalt"), required=False)
    attended = forms.BooleanField(label=_("Deltagaren deltog"), required=False, initial=True)

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["activity_type"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = programme.activity_types.all()


class MeasurementForm(forms.Form):
    date = _date(_("Datum"))
    kind = forms.ChoiceField(label=_("Slag av mätning"), choices=MeasurementKind.choices)

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = list(programme.indicators.all())
        for indicator in self.indicators:
            self.fields[f"indicator_{indicator.code}"] = forms.TypedChoiceField(
                label=f"{indicator.label} ({indicator.get_respondent_display().lower()})",
                choices=[(v, str(v)) for v in range(programme.scale_min, programme.scale_max + 1)],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Välj ett värde.")},
            )

    def answers(self) -> dict[str, int | None]:
        return {i.code: self.cleaned_data.get(f"indicator_{i.code}") for i in self.indicators}


class GoalForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("Indikator"), queryset=Indicator.objects.none())
    goal = forms.CharField(
        label=_("Mål"), widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": _("Beskriv målet.")}
    )
    activities = forms.CharField(label=_("Aktiviteter"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    review_date = _date(_("Följs upp"))

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["indicator"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = programme.indicators.all()


class MeetingForm(forms.Form):
    date = _date(_("Datum för flerpartsmötet"))
    parties = forms.MultipleChoiceField(
        label=_("Parter som var med"),
        widget=forms.CheckboxSelectMultiple,
        choices=[(p.label, p.label) for p in ReferringParty if p != ReferringParty.SELF],
        error_messages={"required": _("Ange vilka parter som var med.")},
    )
    decision = forms.ChoiceField(label=_("Beslut"), choices=MeetingDecision.choices)


class LeaderForm(forms.Form):
    leader = LeaderChoiceField(label=_("Ny ansvarig ledare"), queryset=User.objects.none())
    from_date = _date(_("Från och med"))
    reason = forms.CharField(
        label=_("Skäl till bytet"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Ange skälet till bytet.")},
    )

    def __init__(self, *args: Any, leaders: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["leader"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(pk__in=[u.pk for u in leaders])


class StartVariablesForm(forms.Form):
    expected_version = version_field()
    education_level = forms.ChoiceField(
        label=_("Utbildningsnivå"), choices=[("", "–"), *EducationLevel.choices], required=False
    )
    income_before = forms.ChoiceField(
        label=_("Huvudsaklig försörjning före"), choices=[("", "–"), *IncomeSource.choices], required=False
    )
    time_without_work = forms.ChoiceField(
        label=_("Tid utan arbete"), choices=[("", "–"), *TimeWithoutWork.choices], required=False
    )
    born_in = forms.ChoiceField(label=_("Född i"), choices=[("", "–"), *BornIn.choices], required=False)


class ExitForm(forms.Form):
    expected_version = version_field()
    exit_date = _date(_("Slutdatum"))
    exit_reason = forms.ChoiceField(label=_("Avslutsorsak"), choices=ExitReason.choices)
    occupation_after = forms.ChoiceField(label=_("Sysselsättning efter"), choices=OccupationAfter.choices)
    income_after = forms.ChoiceField(
        label=_("Försörjning efter"), choices=[("", "–"), *IncomeSource.choices], required=False
    )


class ExitDocumentForm(forms.Form):
    given_on = _date(_("Lämnad till deltagaren"), required=False)
    sent_on = _date(_("Skickad till remittenten"), required=False)
