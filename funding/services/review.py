"""Review: experts assigned per call, conflicts of interest, scores per criterion."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import Role, roles_of
from core.decisions import refuse_unless
from core.errors import ActionRefused
from funding.models import Application, ConflictDeclaration, ExpertAssignment, Score
from funding.permissions import can_manage_call, can_score


def expert_assign(*, call, expert, actor) -> ExpertAssignment:
    refuse_unless(can_manage_call(actor, call))
    if Role.EVALUATOR not in roles_of(expert):
        raise ActionRefused(_("%(name)s is not an expert (evaluator).") % {"name": expert})
    assignment, _created = ExpertAssignment.objects.get_or_create(call=call, expert=expert)
    return assignment


def expert_unassign(*, call, expert, actor) -> None:
    refuse_unless(can_manage_call(actor, call))
    with transaction.atomic():
        Score.objects.filter(application__call=call, expert=expert).delete()
        ExpertAssignment.objects.filter(call=call, expert=expert).delete()


@transaction.atomic
def conflict_declare(*, call, organization, reason: str, actor) -> ConflictDeclaration:
    """An assigned expert declares a conflict of interest: the organization's application
    disappears from their list, and any scores they gave it are withdrawn."""
    if not ExpertAssignment.objects.filter(call=call, expert=actor).exists():
        raise ActionRefused(_("You are not assigned to review this call."))
    if not reason.strip():
        raise ActionRefused(_("Say what the conflict of interest is."))
    declaration, _created = ConflictDeclaration.objects.get_or_create(
        call=call, expert=actor, organization=organization, defaults={"reason": reason.strip()}
    )
    Score.objects.filter(
        application__call=call, application__organization=organization, expert=actor
    ).delete()
    return declaration


@transaction.atomic
def scores_record(*, application: Application, values: dict, actor) -> list[Score]:
    """Record the expert's score (0–100) for every criterion of the call at once:
    ``values`` maps criterion id to a number."""
    refuse_unless(can_score(actor, application))
    criteria = list(application.call.criteria.all())
    errors, parsed = {}, {}
    for criterion in criteria:
        raw = values.get(criterion.pk, values.get(str(criterion.pk)))
        try:
            value = Decimal(str(raw))
        except (InvalidOperation, TypeError, ValueError):
            errors[str(criterion.pk)] = _("Give a score for %(name)s.") % {"name": criterion.name}
            continue
        if not (0 <= value <= 100):
            errors[str(criterion.pk)] = _("A score is between 0 and 100.")
            continue
        parsed[criterion.pk] = value
    if errors:
        raise ValidationError(errors)
    scores = []
    for criterion in criteria:
        score, _created = Score.objects.update_or_create(
            application=application,
            expert=actor,
            criterion=criterion,
            defaults={"value": parsed[criterion.pk]},
        )
        scores.append(score)
    return scores
