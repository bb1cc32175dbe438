"""The three lists: batches, needs, resources, projects and their ledger of social funds."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.decisions import refuse_unless
from core.errors import ActionRefused
from core.transitions import refuse_unless_allowed
from marketplace.choices import FundSource, ListKind, ProviderKind
from marketplace.models import (
    BatchEvent,
    FundCommitment,
    ListBatch,
    Need,
    Project,
    ProjectEvent,
    Resource,
)
from marketplace.permissions import can_manage_community, can_manage_street
from marketplace.workflows import (
    BATCH_TRANSITIONS,
    LISTING_TRANSITIONS,
    PROJECT_TRANSITIONS,
    BatchStatus,
    ListingStatus,
    ProjectStatus,
)


def _full_clean(obj, **kwargs) -> None:
    obj.full_clean(**kwargs)


# --- Batches (清单期次) ---------------------------------------------------------------------


def batch_create(*, street, community=None, kind: str, title: str, period_start, period_end, actor):
    if community is not None:
        refuse_unless(can_manage_community(actor, community))
    else:
        refuse_unless(can_manage_street(actor, street))
    batch = ListBatch(
        street=street,
        community=community,
        kind=ListKind(kind),
        title=title.strip(),
        period_start=period_start,
        period_end=period_end,
        created_by=actor,
    )
    _full_clean(batch)
    batch.save()
    return batch


def batch_transition(*, batch: ListBatch, to: str, actor, note: str = "") -> ListBatch:
    """Publish, close, reopen or archive a batch. Publishing tells the organizations of the
    batch's community (or street) that may claim, after commit."""
    to = BatchStatus(to)
    with transaction.atomic():
        batch = ListBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status == to:
            return batch
        if batch.community_id:
            refuse_unless(can_manage_community(actor, batch.community))
        else:
            refuse_unless(can_manage_street(actor, batch.street))
        refuse_unless_allowed(BATCH_TRANSITIONS, BatchStatus, batch.status, to, _("list batch"))
        before = batch.status
        update = ["status", "updated_at"]
        if to == BatchStatus.PUBLISHED and batch.published_at is None:
            batch.published_at = timezone.now()
            update.append("published_at")
        batch.status = to
        batch.save(update_fields=update)
        BatchEvent.objects.create(
            batch=batch, actor=actor, from_value=before, to_value=to, note=note
        )
        if to == BatchStatus.PUBLISHED:
            from marketplace.notices import announce_batch

            batch_id = batch.pk
            transaction.on_commit(lambda: announce_batch(batch_id))
    return batch


# --- Needs (需求) --------------------------------------------------------------------------


def need_create(*, community, actor, **fields) -> Need:
    """A need collected by a community worker; it waits for verification."""
    refuse_unless(can_manage_community(actor, community))
    need = Need(community=community, collected_by=actor, status=ListingStatus.PENDING, **fields)
    _full_clean(need)
    need.save()
    return need


def need_review(*, need: Need, actor, verified: bool, reason: str = "", batch=None) -> Need:
    """Verify a collected need (it is listed, optionally in ``batch``) or reject it with a
    reason. A rejected need may be corrected and verified again."""
    with transaction.atomic():
        need = Need.objects.select_for_update().select_related("community").get(pk=need.pk)
        refuse_unless(can_manage_community(actor, need.community))
        to = ListingStatus.LISTED if verified else ListingStatus.REJECTED
        if need.status == ListingStatus.REJECTED and verified:
            need.status = ListingStatus.PENDING
        refuse_unless_allowed(LISTING_TRANSITIONS, ListingStatus, need.status, to, _("need"))
        update = ["status", "reviewed_by", "updated_at"]
        if verified:
            need.listed_at = timezone.now()
            need.reject_reason = ""
            update += ["listed_at", "reject_reason"]
            if batch is not None:
                _check_batch(batch, ListKind.NEEDS, need.community)
                need.batch = batch
                update.append("batch")
        else:
            if not reason.strip():
                raise ActionRefused(_("Give the reason for rejecting the need."))
            need.reject_reason = reason.strip()
            update.append("reject_reason")
        need.status = to
        need.reviewed_by = actor
        need.save(update_fields=update)
    return need


def need_close(*, need: Need, actor, fulfilled: bool) -> Need:
    with transaction.atomic():
        need = Need.objects.select_for_update().select_related("community").get(pk=need.pk)
        refuse_unless(can_manage_community(actor, need.community))
        to = ListingStatus.FULFILLED if fulfilled else ListingStatus.WITHDRAWN
        if need.status == to:
            return need
        refuse_unless_allowed(LISTING_TRANSITIONS, ListingStatus, need.status, to, _("need"))
        need.status = to
        need.save(update_fields=["status", "updated_at"])
    return need


def _check_batch(batch: ListBatch, kind: str, community) -> None:
    if batch.kind != kind:
        raise ActionRefused(
            _("%(batch)s is a %(kind)s.") % {"batch": batch.title, "kind": batch.get_kind_display()}
        )
    if batch.community_id not in (None, getattr(community, "pk", None)):
        raise ActionRefused(_("%(batch)s belongs to another community.") % {"batch": batch.title})
    if batch.status in (BatchStatus.CLOSED, BatchStatus.ARCHIVED):
        raise ActionRefused(
            _("%(batch)s is %(status)s.")
            % {"batch": batch.title, "status": batch.get_status_display()}
        )


# --- Resources (资源) ----------------------------------------------------------------------


def resource_create(*, street, actor, communities=(), **fields) -> Resource:
    """A resource offered by an organization (its leader or staff), a party member, a
    partner unit or a volunteer team (staff). It waits for the street's audit."""
    organization = fields.get("organization")
    if organization is not None:
        from marketplace.permissions import can_act_for_organization

        if not can_act_for_organization(actor, organization):
            refuse_unless(can_manage_community(actor, organization.community))
        fields.setdefault("provider_kind", ProviderKind.ORGANIZATION)
    else:
        refuse_unless(can_manage_street(actor, street))
    resource = Resource(street=street, status=ListingStatus.PENDING, **fields)
    _full_clean(resource)
    with transaction.atomic():
        resource.save()
        if communities:
            resource.communities.set(communities)
    return resource


def resource_review(*, resource: Resource, actor, approved: bool, reason: str = "") -> Resource:
    with transaction.atomic():
        resource = Resource.objects.select_for_update().get(pk=resource.pk)
        refuse_unless(can_manage_street(actor, resource.street))
        to = ListingStatus.LISTED if approved else ListingStatus.REJECTED
        if resource.status == ListingStatus.REJECTED and approved:
            resource.status = ListingStatus.PENDING
        refuse_unless_allowed(
            LISTING_TRANSITIONS, ListingStatus, resource.status, to, _("resource")
        )
        update = ["status", "reviewed_by", "updated_at"]
        if approved:
            resource.listed_at = timezone.now()
            resource.reject_reason = ""
            update += ["listed_at", "reject_reason"]
        else:
            if not reason.strip():
                raise ActionRefused(_("Give the reason for rejecting the resource."))
            resource.reject_reason = reason.strip()
            update.append("reject_reason")
        resource.status = to
        resource.reviewed_by = actor
        resource.save(update_fields=update)
    return resource


# --- Projects (项目) and social funds ------------------------------------------------------


def project_create(*, community, actor, needs, resources=(), **fields) -> Project:
    refuse_unless(can_manage_community(actor, community))
    needs = list(needs)
    if not needs:
        raise ActionRefused(_("A project meets at least one need."))
    for need in needs:
        if need.community_id != community.pk:
            raise ActionRefused(
                _("The need %(need)s belongs to another community.") % {"need": need.title}
            )
    project = Project(community=community, created_by=actor, **fields)
    _full_clean(project)
    with transaction.atomic():
        project.save()
        project.needs.set(needs)
        project.resources.set(list(resources))
        ProjectEvent.objects.create(project=project, actor=actor, to_value=project.status)
    return project


def project_transition(*, project: Project, to: str, actor, note: str = "") -> Project:
    """Confirm a match, start delivery, complete or cancel a project. Confirming the match
    is what "projects matched" counts."""
    to = ProjectStatus(to)
    with transaction.atomic():
        project = Project.objects.select_for_update().select_related("community").get(pk=project.pk)
        if project.status == to:
            return project
        refuse_unless(can_manage_community(actor, project.community))
        refuse_unless_allowed(PROJECT_TRANSITIONS, ProjectStatus, project.status, to, _("project"))
        before = project.status
        update = ["status", "updated_at"]
        if to == ProjectStatus.MATCHED:
            if not project.resources.exists() and not project.claims.live().exists():
                raise ActionRefused(
                    _("A project is matched when a resource or a claimant is linked to it.")
                )
            project.matched_at = timezone.now()
            update.append("matched_at")
        if to == ProjectStatus.CANCELLED and not note.strip():
            raise ActionRefused(_("Give the reason for cancelling the project."))
        project.status = to
        project.save(update_fields=update)
        ProjectEvent.objects.create(
            project=project, actor=actor, from_value=before, to_value=to, note=note.strip()
        )
    return project


def match_need(*, need: Need, resource: Resource, actor, title: str = "", today=None) -> Project:
    """Staff's one-click match: a project for ``need`` with ``resource``, confirmed as
    matched at once."""
    today = today or timezone.localdate()
    if need.status != ListingStatus.LISTED:
        raise ActionRefused(_("Only a listed need can be matched."))
    if resource.status != ListingStatus.LISTED:
        raise ActionRefused(_("Only a listed resource can be matched."))
    with transaction.atomic():
        project = project_create(
            community=need.community,
            actor=actor,
            needs=[need],
            resources=[resource],
            title=title or need.title,
            category=need.category,
            starts_on=max(today, need.window_start),
            ends_on=max(today, need.window_end),
            beneficiaries=need.quantity,
            budget=need.estimated_value,
        )
        project = project_transition(
            project=project,
            to=ProjectStatus.MATCHED,
            actor=actor,
            note=_("Matched with %(resource)s") % {"resource": resource.title},
        )
    return project


def fund_commit(
    *,
    project: Project,
    actor,
    source: str,
    funder: str,
    amount: Decimal,
    committed_on: datetime.date,
    in_kind_description: str = "",
) -> FundCommitment:
    """One line of the project's social-funds ledger."""
    refuse_unless(can_manage_community(actor, project.community))
    if project.status == ProjectStatus.CANCELLED:
        raise ActionRefused(_("A cancelled project takes no funds."))
    line = FundCommitment(
        project=project,
        source=FundSource(source),
        funder=funder.strip(),
        amount=amount,
        committed_on=committed_on,
        in_kind_description=in_kind_description.strip(),
        recorded_by=actor,
    )
    _full_clean(line)
    line.save()
    return line


def need_mark_escalated(need: Need) -> None:
    """The system noted that nobody claimed ``need`` in time (the escalation was sent)."""
    Need.objects.filter(pk=need.pk, escalated_at=None).update(escalated_at=timezone.now())
