"""Every write to the marketplace goes through these functions.

Each status has one transition function (``batch_transition``, ``need_review``,
``resource_review``, ``project_transition``, ``claim_transition``, ``wish_transition``):
it locks the row, checks the table of ``marketplace/workflows.py``, the actor's
permission and the preconditions, saves with ``update_fields`` and leaves an event."""
