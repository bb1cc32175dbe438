"""Every write to rankings data goes through these modules: ``schemes`` (drafting and
publishing scoring schemes), ``ledger`` (inserting a month's score entries),
``rankings`` (computing snapshots, publishing them for notice, finalizing, re-runs) and
``objections`` (objections during the notice and their decision)."""
