import pytest

from tests.cases.factories import build_world


@pytest.fixture
def world(db):
    return build_world()
