import pytest
import time_machine

from tests.evaluation.helpers import TODAY, setup


@pytest.fixture
def today():
    with time_machine.travel(TODAY.isoformat() + " 10:00 +0800", tick=False):
        yield TODAY


@pytest.fixture
def ev(tenant, today):
    return setup(tenant)
