from tests.marketplace.conftest import _categories  # noqa: F401  (needs reach the marketplace's categories)
