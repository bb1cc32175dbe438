"""Objections to a ranking on public notice (公示) and their decision (复核).

An organization's own leader files an objection, with evidence, while the ranking is on
notice; the street's staff decide it with a reason. An upheld objection re-runs the
ranking into a new snapshot that supersedes the old one (``ranking_rerun``: the old rows
never change) and puts the corrected result on public notice again. Finalizing a ranking
is refused while any objection to it (or to a snapshot it superseded) is undecided
(``rankings.services.rankings.ranking_transition``)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from core.decisions import refuse_unless
from core.errors import ActionRefused
from core.transitions import refuse_unless_allowed
from core.uploads import stored_upload_fields
from incubation.models import Organization
from notifications.services import notify, notify_each
from rankings.models import Objection, ObjectionEvent, ObjectionEvidence, Ranking
from rankings.permissions import can_manage_rankings, can_object
from rankings.services.rankings import ranking_publish, ranking_rerun
from rankings.workflows import OBJECTION_TRANSITIONS, ObjectionStatus

TEXT_MAX = 2000
FILED_KIND = "ranking_objection_filed"
DECIDED_KIND = "ranking_objection_decided"


def objection_file(
    ranking: Ranking, organization: Organization, *, actor, text: str, evidence=None
) -> Objection:
    """File ``organization``'s objection to ``ranking`` (``can_object`` says who and
    when), with an optional evidence file whose type is read from its bytes. The street's
    staff hear of it after commit."""
    text = (text or "").strip()
    if not text:
        raise ActionRefused(_("Say what is wrong with the ranking's result."))
    if len(text) > TEXT_MAX:
        raise ActionRefused(
            _("An objection is at most %(max)d characters long.") % {"max": TEXT_MAX}
        )
    # The file is checked before anything is written: a bad file refuses the whole filing.
    upload = stored_upload_fields(evidence, actor) if evidence is not None else None
    with transaction.atomic():
        # Locked: finalizing locks the same row, so an objection filed in the last second
        # of the notice either lands before the ranking is final or is refused.
        locked = Ranking.objects.select_for_update().get(pk=ranking.pk)
        refuse_unless(can_object(actor, locked, organization))
        try:
            with transaction.atomic():
                objection = Objection(
                    ranking=locked, organization=organization, filed_by=actor, text=text
                )
                # The constraint, not a query, decides a race of two submits (below).
                objection.full_clean(exclude=["filed_by"], validate_constraints=False)
                objection.save()
        except IntegrityError:
            # A double submit: the constraint found the open objection first.
            raise ActionRefused(
                _("Your organization already has an objection to this ranking awaiting a decision.")
            ) from None
        if upload is not None:
            ObjectionEvidence.objects.create(objection=objection, **upload)
        ObjectionEvent.record(
            objection=objection, actor=actor, to_value=ObjectionStatus.FILED, note=text
        )
        transaction.on_commit(lambda: _tell_staff(objection.pk))
    return objection


def _chain_head(ranking: Ranking) -> Ranking:
    """The newest snapshot of the ranking's period and scope (re-runs supersede one after
    another), locked: an objection upheld after an earlier one re-runs the current result,
    and two decisions at once re-run one after the other instead of both superseding the
    same snapshot."""
    head = ranking
    while True:
        head = Ranking.objects.select_for_update().get(pk=head.pk)
        successor = Ranking.objects.filter(supersedes=head).first()
        if successor is None:
            return head
        head = successor


def objection_decide(objection: Objection, *, upheld: bool, reason: str, actor) -> Objection:
    """Uphold or dismiss an objection, with the reason the organization will read. The one
    place an objection's status changes; deciding the same way again changes nothing.

    Upheld: the ranking is computed again from the ledger (fix the source record first,
    e.g. confirm the missed claim, so that the ledger holds the fact) into a new snapshot
    that supersedes the current one and records this reason."""
    ranking = Ranking.objects.only("pk", "street_id").get(pk=objection.ranking_id)
    refuse_unless(can_manage_rankings(actor, ranking.street_id))
    reason = (reason or "").strip()
    to = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    with transaction.atomic():
        locked = (
            Objection.objects.select_for_update(of=("self",))
            .select_related("organization", "ranking")
            .get(pk=objection.pk)
        )
        if locked.status == to:
            return locked
        refuse_unless_allowed(
            OBJECTION_TRANSITIONS, ObjectionStatus, locked.status, to, _("objection")
        )
        if not reason:
            raise ActionRefused(_("Give the reason for the decision: the organization reads it."))
        changed = ["status", "decision_reason", "decided_by", "decided_at", "updated_at"]
        if upheld:
            note = _("Objection of %(organization)s upheld: %(reason)s") % {
                "organization": locked.organization.name,
                "reason": reason,
            }
            new = ranking_rerun(_chain_head(locked.ranking), reason=note, actor=actor)
            # The corrected result goes on public notice again, for a full period: the
            # correction moves other organizations' places too, and each of them must have
            # the whole notice to object to the new result (民政部令第39号: 公示 then 复核,
            # and the corrected result is published). Keeping only the remainder could
            # leave no time at all when the decision comes on the last day.
            new = ranking_publish(new, actor=actor, note=note)
            locked.rerun = new
            changed.append("rerun")
        before = locked.status
        locked.status = to
        locked.decision_reason = reason
        locked.decided_by = actor if getattr(actor, "pk", None) else None
        locked.decided_at = timezone.now()
        locked.full_clean(exclude=["filed_by"])
        locked.save(update_fields=changed)
        ObjectionEvent.record(
            objection=locked, actor=actor, from_value=before, to_value=to, note=reason
        )
        transaction.on_commit(lambda: _tell_leaders(locked.pk))
    return locked


# --- Who hears of it ----------------------------------------------------------------------


def register_kinds() -> None:
    from django.utils.translation import gettext_lazy

    from notifications.kinds import register_kind

    register_kind(FILED_KIND, gettext_lazy("Objection to a ranking filed"), optional=False)
    register_kind(DECIDED_KIND, gettext_lazy("Objection to a ranking decided"), optional=False)


def _tell_staff(objection_id: int) -> int:
    objection = Objection.objects.select_related("organization", "ranking").get(pk=objection_id)
    staff = get_user_model().objects.filter(
        groups__name=Role.STREET_ADMIN, street_id=objection.ranking.street_id, is_active=True
    )
    return notify_each(
        staff.order_by("pk").iterator(),
        kind=FILED_KIND,
        key=f"objection:{objection.pk}",
        title=_("Objection to %(ranking)s from %(organization)s")
        % {"ranking": objection.ranking, "organization": objection.organization.name},
        body=objection.text[:200],
        url=reverse("admin:rankings_objection_decide", args=[objection.pk]),
    )


def _tell_leaders(objection_id: int) -> None:
    objection = Objection.objects.select_related("organization", "ranking", "rerun").get(
        pk=objection_id
    )
    shown = objection.rerun or objection.ranking
    title = _("Your objection to %(ranking)s: %(status)s") % {
        "ranking": objection.ranking,
        "status": objection.get_status_display(),
    }
    url = reverse("rankings:notice_row", args=[shown.pk, objection.organization_id])
    for leader in objection.organization.leader_accounts.filter(is_active=True):
        notify(
            recipient=leader,
            kind=DECIDED_KIND,
            key=f"objection:{objection.pk}",
            title=title,
            body=objection.decision_reason[:300],
            url=url,
        )
