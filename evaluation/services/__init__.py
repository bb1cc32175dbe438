"""Every write of evaluation, split by sub-domain; import from the modules directly."""
