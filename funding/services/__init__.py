"""Every write of funding, by sub-domain: foundation, calls, applications (drafts,
submission and the one status transition), review (experts, conflicts, scores) and
delivery (tranches, reports)."""
