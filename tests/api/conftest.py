import pytest

from tests.cases.apply_helpers import catalog, media  # noqa: F401
from tests.cases.factories import build_world


@pytest.fixture
def world(db):
    return build_world()
