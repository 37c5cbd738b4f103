from tests.notify.gateway import gateway  # noqa: F401  (the fixture)
