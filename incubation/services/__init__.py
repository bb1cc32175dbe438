"""Every write to the organization registry goes through these functions.

Stage and incubation-phase changes have one function each (``organization_change_stage``,
``organization_change_phase``); nothing else assigns ``stage`` or ``incubation_phase``.
Each change locks the row, checks the table in ``workflows.py``, the actor's permission
and the preconditions, saves with ``update_fields``, writes an ``OrganizationEvent`` and
schedules side effects after commit.

The functions live in ``registry`` (create, edit, contact details, checksum exemptions,
bulk writes), ``lifecycle`` (stages, phases, intake, graduation, re-election, term
extension, annual review results, grades) and ``pairing_credit`` (service records, 1+X
pairing, credit lists); this package re-exports them.
"""

from incubation.services._common import record_event
from incubation.services.lifecycle import (
    incubation_intake,
    organization_change_phase,
    organization_change_stage,
    organization_confirm_independence,
    organization_graduate,
    organization_record_annual_review,
    organization_set_grade,
    re_election_complete,
    term_extend,
)
from incubation.services.pairing_credit import (
    GRASSROOTS_LEVELS,
    MENTOR_GRADES,
    SERVICE_RECORD_FIELDS,
    credit_escalate_due,
    credit_list_add,
    credit_list_clear,
    incubation_service_record,
    incubation_service_update,
    pairing_create,
    pairing_end,
)
from incubation.services.registry import (
    BULK_BATCH,
    CONTACT_FIELDS,
    EDITABLE_FIELDS,
    clean_identifiers,
    organization_add_leader,
    organization_create,
    organization_exempt_checksum,
    organization_update,
    organization_update_contact,
    organizations_bulk_create,
    organizations_bulk_update,
)

__all__ = [
    "BULK_BATCH",
    "CONTACT_FIELDS",
    "EDITABLE_FIELDS",
    "GRASSROOTS_LEVELS",
    "MENTOR_GRADES",
    "SERVICE_RECORD_FIELDS",
    "clean_identifiers",
    "credit_escalate_due",
    "credit_list_add",
    "credit_list_clear",
    "incubation_intake",
    "incubation_service_record",
    "incubation_service_update",
    "organization_add_leader",
    "organization_change_phase",
    "organization_change_stage",
    "organization_confirm_independence",
    "organization_create",
    "organization_exempt_checksum",
    "organization_graduate",
    "organization_record_annual_review",
    "organization_set_grade",
    "organization_update",
    "organization_update_contact",
    "organizations_bulk_create",
    "organizations_bulk_update",
    "pairing_create",
    "pairing_end",
    "re_election_complete",
    "record_event",
    "term_extend",
]
