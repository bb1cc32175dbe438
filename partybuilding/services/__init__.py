"""Every write to party-building data goes through these modules:
``tree`` (party organizations), ``coverage`` (branches covering organizations, instructors,
leadership pre-reviews), ``members`` (members, transfers, Excel import), ``development``
(the membership pipeline) and ``activities`` (organizational life)."""
