import pytest


@pytest.fixture(autouse=True)
def _categories(db):
    # Seeded by a migration; a transactional test elsewhere in the run empties the tables.
    from marketplace.categories import seed_default_categories

    seed_default_categories()
