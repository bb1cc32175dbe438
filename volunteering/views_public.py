"""Public pages, no login and nothing personal: the calendar, its feeds, the certificate check."""
