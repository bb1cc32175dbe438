"""The one answer type of permission predicates (core.decisions)."""

import pytest
from django.core.exceptions import PermissionDenied

from core.decisions import ALLOWED, Decision, deny, refuse_unless
from core.errors import ActionRefused


def test_it_is_falsy_when_refused_and_keeps_the_reason():
    decision = deny("Only street staff may do this.")
    assert not decision
    assert decision.reason == "Only street staff may do this."


def test_it_neither_unpacks_nor_indexes():
    """The old ``(allowed, reason)`` readers fail loudly instead of half-working."""
    decision = deny("Only street staff may do this.")
    with pytest.raises(TypeError):
        allowed, reason = decision
    with pytest.raises(TypeError):
        decision[0]
    with pytest.raises(TypeError):
        decision[1]
    with pytest.raises(TypeError):
        list(ALLOWED)


def test_it_is_truthy_when_allowed():
    assert ALLOWED
    assert Decision(True, "why").reason == "why"


def test_it_raises_the_reason_as_action_refused_or_the_given_error():
    with pytest.raises(ActionRefused, match="no way"):
        refuse_unless(deny("no way"))
    with pytest.raises(PermissionDenied, match="no way"):
        refuse_unless(deny("no way"), PermissionDenied)
    refuse_unless(ALLOWED)


def test_it_rejects_a_bare_tuple_that_would_always_pass():
    with pytest.raises(TypeError):
        refuse_unless((False, "refused"))


@pytest.mark.parametrize(
    "predicate",
    [
        "incubation.permissions.can_exempt_checksum",
        "incubation.permissions.can_override_checkpoint",
        "incubation.permissions.can_manage_street_records",
        "evaluation.permissions.can_run_evaluation",
        "partybuilding.services.members.can_see_personal_data",
    ],
)
def test_it_is_what_every_predicate_answers(predicate, django_user_model, db):
    from django.utils.module_loading import import_string

    nobody = django_user_model.objects.create_user(username="nobody", password="x")
    decision = import_string(predicate)(nobody)
    assert isinstance(decision, Decision)
    assert not decision and decision.reason
