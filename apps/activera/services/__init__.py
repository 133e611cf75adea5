"""Every write of the participant follow-up, by sub-domain (docs/architecture.md), and the audit
rows of its reads (`reads`). Import from here or from the module itself."""

from .common import (
    DATA_DIR,
    PUBLIC_FORM_LIMIT_PER_HOUR,
    municipality_of_unit,
    require_unit_access,
)
from .imports import (
    IMPORT_REQUIRED,
    IMPORT_STATUSES,
    SERVICE_FIELD_COLUMNS,
    ParticipantImportResult,
    participants_import,
)
from .participation import (
    activity_add,
    enrolment_exit,
    enrolment_update_start_variables,
    exit_document_record,
    goal_add,
    leader_change,
    measurement_add,
    meeting_record,
)
from .programme import (
    programme_load,
)
from .reads import (
    enrolment_list_record,
    enrolment_view_record,
    exit_document_export_record,
    referral_view_record,
)
from .referrals import (
    ReferralInput,
    eligibility_problems,
    public_form_allowed,
    referral_accept,
    referral_decline,
    referral_submit,
)

__all__ = [
    "DATA_DIR",
    "IMPORT_REQUIRED",
    "IMPORT_STATUSES",
    "PUBLIC_FORM_LIMIT_PER_HOUR",
    "SERVICE_FIELD_COLUMNS",
    "ParticipantImportResult",
    "ReferralInput",
    "activity_add",
    "eligibility_problems",
    "enrolment_exit",
    "enrolment_list_record",
    "enrolment_update_start_variables",
    "enrolment_view_record",
    "exit_document_export_record",
    "exit_document_record",
    "goal_add",
    "leader_change",
    "measurement_add",
    "meeting_record",
    "municipality_of_unit",
    "participants_import",
    "programme_load",
    "public_form_allowed",
    "referral_accept",
    "referral_decline",
    "referral_submit",
    "referral_view_record",
    "require_unit_access",
]
