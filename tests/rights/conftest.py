"""The change-request fixtures (people, offices, units) serve the rights tests too."""

from tests.changes.conftest import *  # noqa: F403
