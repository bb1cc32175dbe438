"""The rules of party building, as data: the membership pipeline with its minimum
durations and the terms of party organizations (the size rules of the 1+6+X tree are in
``partybuilding.rules``).

Keys are ASCII (``partybuilding.choices``); only ``partybuilding.services.development``
changes ``Development.stage``, and only along ``DEVELOPMENT_TRANSITIONS``.
"""

import datetime

from incubation.rules import add_years
from partybuilding.choices import DevelopmentStage, PartyOrgKind

# --- Member development (入党申请人 → 入党积极分子 → 发展对象 → 预备党员 → 正式党员) ------------

_CANCELLED = DevelopmentStage.CANCELLED  # reachable from every stage that is not final

DEVELOPMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    DevelopmentStage.APPLICANT: frozenset({DevelopmentStage.ACTIVIST, _CANCELLED}),
    DevelopmentStage.ACTIVIST: frozenset({DevelopmentStage.CANDIDATE, _CANCELLED}),
    DevelopmentStage.CANDIDATE: frozenset({DevelopmentStage.PROBATIONARY, _CANCELLED}),
    DevelopmentStage.PROBATIONARY: frozenset({DevelopmentStage.FULL, _CANCELLED}),
    DevelopmentStage.FULL: frozenset(),
    DevelopmentStage.CANCELLED: frozenset(),
}
FINAL_DEVELOPMENT_STAGES = frozenset(
    stage for stage, targets in DEVELOPMENT_TRANSITIONS.items() if not targets
)

# The Development field that records the date a stage was reached.
STAGE_DATE_FIELDS: dict[str, str] = {
    DevelopmentStage.APPLICANT: "applied_on",
    DevelopmentStage.ACTIVIST: "activist_on",
    DevelopmentStage.CANDIDATE: "candidate_on",
    DevelopmentStage.PROBATIONARY: "admitted_on",  # the branch general assembly
    DevelopmentStage.FULL: "full_on",
    DevelopmentStage.CANCELLED: "cancelled_on",
}

# 入党积极分子 for at least a year before becoming a 发展对象.
ACTIVIST_MIN_YEARS = 1
# 预备期 of one year from the branch meeting that admitted the member (admitted_on).
PROBATION_YEARS = 1
# The probation may be extended once, by at most a year.
MAX_PROBATION_EXTENSION_YEARS = 1
# Applicants must be at least 18 (Party Constitution, art. 1).
MIN_APPLICANT_AGE = 18


def candidate_possible_from(activist_on: datetime.date) -> datetime.date:
    return add_years(activist_on, ACTIVIST_MIN_YEARS)


def probation_normal_end(admitted_on: datetime.date) -> datetime.date:
    return add_years(admitted_on, PROBATION_YEARS)


def probation_latest_extension(admitted_on: datetime.date) -> datetime.date:
    return add_years(probation_normal_end(admitted_on), MAX_PROBATION_EXTENSION_YEARS)


def probation_end(admitted_on: datetime.date, extended_until: datetime.date | None):
    """The day from which a probationary member may become a full member."""
    return extended_until or probation_normal_end(admitted_on)


# --- Terms of party organizations ------------------------------------------------------

# 换届: party branches serve 3 years, community party organizations 5 (aligned with the
# community committees' term since 2018); a street party committee 5 (the Constitution's
# 3-5 years, at the platform's 5-year ceiling). The model's check allows 1..5.
TERM_YEARS: dict[str, int] = {
    PartyOrgKind.COMMITTEE: 5,
    PartyOrgKind.GENERAL_BRANCH: 3,
    PartyOrgKind.BRANCH: 3,
}


def term_years_for(kind: str, *, community=None) -> int:
    """Branches of social organizations serve 3 years even when they sit in one
    community; the 5-year term belongs to community party organizations (社区党组织), which
    this tree does not hold. ``community`` is kept for callers; it does not change the
    term."""
    return TERM_YEARS[kind]


# The size rules of the tree ("1+6+X") live in ``partybuilding.rules`` (one place,
# settings-backed), read by the coverage flags, the tree services and the demo.
