"""The forms of a report's import page: one file per kind of figures, a Kolada file with an optional
kommunkod, and the button that computes key figures from Insyn's own data. The forms only check
what the browser sent (a file, its size); what is in the file is the import service's to judge."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

# A year's figures are a few kilobytes; a file far larger is the wrong file, refused before it is read.
FIGURE_FILE_MAX_MB = 5
KOLADA_FILE_MAX_MB = 5

FILE_ERRORS = {
    "required": _("Välj en fil."),
    "empty": _("Filen är tom."),
    "invalid": _("Ingen fil kom fram. Välj filen igen."),
    "missing": _("Ingen fil kom fram. Välj filen igen."),
    "max_length": _("Filnamnet är för långt."),
}


def _checked_size(upload: UploadedFile, limit_mb: int) -> UploadedFile:
    size = upload.size or 0
    if size > limit_mb * 1024 * 1024:
        raise forms.ValidationError(
            _("Filen är %(size).1f MB; högst %(limit)d MB tas emot. Kontrollera att det är rätt fil.")
            % {"size": size / (1024 * 1024), "limit": limit_mb}
        )
    return upload


class FiguresImportForm(forms.Form):
    """One kind of figures (the kind is the form's prefix and a field of the POST body)."""

    file = forms.FileField(label=_("Fil (CSV eller XLSX)"), max_length=200, error_messages=FILE_ERRORS)

    def __init__(self, *args: Any, label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("Fil med %(label)s (CSV eller XLSX)") % {"label": label}

    def clean_file(self) -> UploadedFile:
        return _checked_size(self.cleaned_data["file"], FIGURE_FILE_MAX_MB)


class KoladaImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fil från Kolada (JSON)"),
        max_length=200,
        help_text=_("Svaret från Koladas API v2 (data per nyckeltal och kommun), sparat som det kom."),
        error_messages=FILE_ERRORS,
    )
    kommunkod = forms.CharField(
        label=_("Kommunkod (valfri)"),
        required=False,
        max_length=4,
        help_text=_("Fyra siffror, som i Kolada. Behövs bara om Insyn inte känner kommunens kod."),
        error_messages={"max_length": _("Kommunkoden har fyra siffror.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_file(self) -> UploadedFile:
        return _checked_size(self.cleaned_data["file"], KOLADA_FILE_MAX_MB)


class ComputedRefreshForm(forms.Form):
    """No fields: the button alone. A form still, so a refusal is shown like any other."""
