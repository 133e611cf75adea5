"""Every write of the decision register, by sub-domain (docs/architecture.md): `decisions` (a
decision, its events and offers), `reports` (the quarterly report), `reads` (the audit rows of
decisions shown), `imports` (an existing register), `reference` (legal bases and decision
types), and `common` for what they share with minutes.py and ivo.py. Import from here or from the
module itself."""

from .common import (
    audit_decision,
    audit_report,
    local_today,
    require_municipality,
)
from .decisions import (
    decision_create,
    decision_event_add,
    decision_offer_add,
    decision_update_waiting,
    validate_decision_fields,
)
from .imports import (
    CHAPTER_CITATION,
    IMPORT_BATCH,
    IMPORT_EVENT_COLUMNS,
    IMPORT_MAX_LISTED_PROBLEMS,
    IMPORT_REQUIRED,
    ImportResult,
    decisions_import,
    upload_limits,
)
from .reads import decision_export_record, decision_list_record, decision_view_record, report_preview_view_record
from .reference import (
    decision_type_save,
    legal_basis_save,
)
from .reports import (
    report_access_record,
    report_prepare,
    report_submit,
)

__all__ = [
    "CHAPTER_CITATION",
    "IMPORT_BATCH",
    "IMPORT_EVENT_COLUMNS",
    "IMPORT_MAX_LISTED_PROBLEMS",
    "IMPORT_REQUIRED",
    "ImportResult",
    "audit_decision",
    "audit_report",
    "decision_create",
    "decision_event_add",
    "decision_export_record",
    "decision_list_record",
    "decision_offer_add",
    "decision_type_save",
    "decision_update_waiting",
    "decision_view_record",
    "decisions_import",
    "legal_basis_save",
    "local_today",
    "report_access_record",
    "report_prepare",
    "report_preview_view_record",
    "report_submit",
    "require_municipality",
    "upload_limits",
    "validate_decision_fields",
]
