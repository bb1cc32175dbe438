"""The append-only score ledger: building a month inserts one entry per fact not yet
recorded under the scheme, and nothing else. Nothing updates or deletes an entry.

A source's monthly cap is applied here, at insertion: an entry past the cap is still
recorded (its reason says the cap is reached) with the points that were left, so every
entry explains itself and a ranking only sums."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.errors import ActionRefused
from funding.choices import AcceptanceResult
from incubation.choices import CreditList
from rankings.choices import SourceKind
from rankings.copy import copy_rows
from rankings.models import ScoreEntry, ScoringScheme
from rankings.rules import COVERAGE_BRANCH, cap_of, points_of, veto_cap_of
from rankings.sources import Fact, facts

K = SourceKind
# What ``_entry`` gives, in order, then the month, the scheme and the time of recording.
_ENTRY_FIELDS: tuple[str, ...] = ("organization_id", "source_kind", "source_ref", "points")
_ENTRY_FIELDS += ("dimension", "total_cap", "reason", "period", "scheme_id", "created_at")


def signed(points: Decimal) -> str:
    """+3, +0.5, -10, +0: how a reason shows the points."""
    text = format(points.normalize(), "f") if points else "0"
    return text if text.startswith("-") else f"+{text}"


def _words(fact: Fact, rules: dict) -> str:
    s = fact.subject
    if fact.kind == K.CLAIM_CONFIRMED:
        return _("Claim of “%(item)s” confirmed") % {"item": s["item"]}
    if fact.kind == K.CLAIM_RATING:
        return _("Claim of “%(item)s” rated %(stars)s stars") % {
            "item": s["item"],
            "stars": s["rating"],
        }
    if fact.kind == K.ACTIVITY_ORGANIZED:
        return _("Organized the activity “%(title)s”") % {"title": s["title"]}
    if fact.kind == K.VOLUNTEER_HOURS:
        return _("%(hours)s volunteer hours at “%(title)s”") % {
            "hours": format(Decimal(s["hours"]).normalize(), "f"),
            "title": s["title"],
        }
    if fact.kind == K.EVALUATION_GRADE:
        return _("Evaluation grade %(grade)s (%(year)s)") % {
            "grade": s["grade"],
            "year": s["cycle__year"],
        }
    if fact.kind == K.PARTY_COVERAGE:
        if fact.level == COVERAGE_BRANCH:
            return _("Covered by the party organization “%(branch)s”") % {
                "branch": s["branch__name"]
            }
        return _("A party-building instructor is assigned")
    if fact.kind == K.ORGANIZATIONAL_LIFE:
        return _("Organizational life “%(title)s” on %(date)s") % {
            "title": s["title"],
            "date": s["date"].isoformat(),
        }
    if fact.kind == K.GRANT_COMPLETED:
        return _("Grant “%(title)s” completed: %(result)s") % {
            "title": s["title"],
            "result": AcceptanceResult(s["acceptance_result"]).label,
        }
    list_kind = str(fact.level)  # what remains is a veto, levelled by its list
    return _("On the %(list)s: the total score is capped at %(cap)s") % {
        "list": CreditList(list_kind).label,
        "cap": format(veto_cap_of(rules, list_kind).normalize(), "f"),
    }


def _entry(fact: Fact, rules: dict, used: Decimal) -> tuple:
    """The entry's values, ``_ENTRY_FIELDS`` up to the reason."""
    points = points_of(rules, fact.kind, fact.level) * fact.quantity
    note = ""
    cap = cap_of(rules, fact.kind)
    if cap is not None and points > 0 and used + points > cap:
        points = max(Decimal(0), cap - used)
        note = _(" (the monthly cap of %(cap)s for this source is reached)") % {
            "cap": format(cap.normalize(), "f")
        }
    reason = f"{_words(fact, rules)} {signed(points)}{note}"
    return (
        fact.organization_id,
        fact.kind,
        fact.ref,
        points.quantize(Decimal("0.01")),
        rules[fact.kind]["dimension"],
        veto_cap_of(rules, str(fact.level)) if fact.kind == K.CREDIT_VETO else None,
        reason[:300],
    )


def ledger_build(*, scheme: ScoringScheme, period: datetime.date) -> int:
    """Record the month's facts of the scheme's street under the scheme; returns how many
    entries were new. Building the same month again adds only facts that appeared since
    (a claim confirmed late, a rating given after the confirmation)."""
    if not scheme.is_published:
        raise ActionRefused(_("Only a published scoring scheme earns points."))
    if period.day != 1:
        raise ValueError("a ledger period is the first day of a month")
    with transaction.atomic():
        # One builder per scheme at a time: the caps below read what is already there.
        ScoringScheme.objects.select_for_update().filter(pk=scheme.pk).first()
        month = ScoreEntry.objects.filter(scheme=scheme, period=period)
        recorded = set(month.values_list("organization_id", "source_kind", "source_ref"))
        used: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
        for row in month.values("organization_id", "source_kind").annotate(s=Sum("points")):
            used[(row["organization_id"], row["source_kind"])] = row["s"]
        new = []
        now = timezone.now()
        with translation.override(settings.LANGUAGE_CODE):
            for fact in facts(scheme.street_id, period):
                if (fact.organization_id, fact.kind, fact.ref) in recorded:
                    continue
                entry = _entry(fact, scheme.rules, used[(fact.organization_id, fact.kind)])
                used[(fact.organization_id, fact.kind)] += entry[3]
                recorded.add((fact.organization_id, fact.kind, fact.ref))
                new.append((*entry, period, scheme.pk, now))
        # COPY, not bulk_create: a month of a 100,000-organization street is ~60,000
        # entries. Nothing conflicts: builders of a scheme wait for its lock above and skip
        # what is recorded (score_entry_once would stop a duplicate, failing the month).
        copy_rows(ScoreEntry, _ENTRY_FIELDS, new)
    return len(new)
