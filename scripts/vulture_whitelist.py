"""Names vulture (``make lint``, at 80 % confidence) takes for dead code but a framework
uses: parameters of methods that a framework calls with a fixed signature. Mentioning a
name here marks it as used everywhere, so keep the list short and say who calls."""

# ruff: noqa: B018, F821

# django-import-export calls Resource.bulk_create / bulk_update with these positionally
# (core/excel_resources.py overrides them and ignores them).
using_transactions
raise_errors
batch_size
