import itertools

import pytest

from rencai.orgs.models import District, Office, Unit
from rencai.orgs.services import unit_create
from rencai.orgs.validators import org_code_check_char, uscc_check_char

_counter = itertools.count(1000)


def make_code(prefix: str = "91", region: str = "440106", legacy: bool = False) -> str:
    body = f"{next(_counter) * 7919 % 10**8:08d}"
    org = body + org_code_check_char(body)
    if legacy:
        return org
    first17 = prefix + region + org
    return first17 + uscc_check_char(first17)


@pytest.fixture
def make_unit(reference_data):
    def make(
        name: str,
        *,
        district: str = "天河区",
        nature: str = Unit.Nature.PRIVATE,
        level: str = Unit.Level.DISTRICT,
        former=(),
        code: str | None = None,
        supervisory: str | None = None,
    ) -> Unit:
        office = Office.objects.get(code=supervisory) if supervisory else None
        if level == Unit.Level.CITY and office is None:
            office = Office.objects.filter(kind=Office.Kind.SUPERVISORY).first()
        return unit_create(
            name=name,
            code=code or make_code(),
            nature=nature,
            level=level,
            district=District.objects.get(name=district),
            supervisory_office=office,
            former_names=former,
        )

    return make
