"""Every write to volunteering data goes through these modules: ``volunteers`` (who
serves), ``activities`` (activities, their sessions and approval), ``places`` (sign-up,
waiting list, attendance and hours) and ``supplements`` (approved corrections)."""
