import pytest

from rencai.cases.models import Case
from rencai.cases.routing import route_check, route_describe, route_for
from rencai.cases.services import case_transition
from rencai.core.errors import DomainError
from rencai.orgs.models import Office, Unit
from tests.cases.factories import new_case, unit

N = Unit.Nature
VIA_UNIT_AT_CITY = {N.ORGAN, N.INSTITUTION, N.CITY_SOE}


@pytest.mark.parametrize("level", Unit.Level.values)
@pytest.mark.parametrize("nature", N.values)
def test_route_per_nature_and_level(world, nature, level):
    department = "dept-edu" if level == Unit.Level.CITY or nature == N.CITY_SOE else None
    u = unit(nature=nature, level=level, district="440105", department=department)
    route = route_for(u)
    expect_via_unit = nature == N.CITY_SOE or (
        level == Unit.Level.CITY and nature in (N.ORGAN, N.INSTITUTION)
    )
    if expect_via_unit:
        assert route.kind == Case.Route.VIA_UNIT
        assert route.supervisory_office.code == "dept-edu"
        assert route.acceptance_office.code == "city-hrss"
        assert route.office_codes == ["dept-edu", "city-hrss"]
    else:
        assert route.kind == Case.Route.DIRECT
        assert route.supervisory_office is None
        assert route.acceptance_office.code == "district-440105"


def test_any_unit_supervised_by_sasac_goes_via_unit(world):
    u = unit(nature=N.DISTRICT_SOE, level=Unit.Level.DISTRICT, department="dept-sasac")
    assert route_for(u).kind == Case.Route.VIA_UNIT


def test_via_unit_without_department_is_refused_naming_the_data_centre(world):
    u = unit(nature=N.CITY_SOE, level=Unit.Level.CITY)
    with pytest.raises(DomainError, match="没有登记主管部门"):
        route_for(u)


def test_department_without_chain_is_refused_up_front(world):
    dept = Office.objects.get(code="dept-edu")
    dept.phones, dept.email = ["83333333"], "edu@example.cn"
    dept.save()
    u = unit(nature=N.INSTITUTION, level=Unit.Level.CITY, department="dept-edu")
    with pytest.raises(DomainError, match="广州市教育局") as info:
        route_check(u)
    assert "83333333" in info.value.message and "edu@example.cn" in info.value.message
    case = new_case(world, unit=u)
    with pytest.raises(DomainError, match="尚未配置内流程") as info:
        case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)
    assert info.value.status == 400 and info.value.code == "chain_missing"
    case.refresh_from_db()
    assert case.status == "draft" and case.version == 1


def test_department_without_chain_or_contact_points_to_the_city_bureau_on_the_page(client, world):
    from rencai.catalog.reference import _load_simple

    _load_simple()
    u = unit(nature=N.INSTITUTION, level=Unit.Level.CITY, department="dept-edu")
    case = new_case(world, unit=u)
    client.force_login(world.applicant)
    response = client.post(
        f"/cases/{case.number}/act/",
        {"action": "submit", "expected_version": case.version},
        follow=True,
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][1] == 302 and 'id="error-summary"' in page
    assert "主管部门“广州市教育局”尚未配置内流程" in page
    assert "请联系广州市人力资源和社会保障局（电话" in page
    case.refresh_from_db()
    assert case.status == "draft" and case.version == 1


def test_submission_records_the_route(world):
    case = new_case(world, unit=world.soe)
    case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)
    assert case.status == "unit_review"
    assert (case.route, case.supervisory_office.code, case.acceptance_office.code) == (
        "via_unit", "dept-sasac", "city-hrss",
    )  # fmt: skip
    case = new_case(world)
    case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)
    assert (case.route, case.holding_office.code) == ("direct", "district-440106")


def test_route_describe(world):
    direct = route_describe(world.private)
    assert any("广州市天河区人力资源和社会保障局受理" in s for s in direct)
    assert not any("单位管理员" in s for s in direct)
    via = route_describe(world.soe)
    assert any("单位管理员" in s for s in via)
    assert any("第1步：处室初审、第2步：分管领导审核" in s for s in via)
    assert any("广州市人力资源和社会保障局受理" in s for s in via)


def test_misrouted_soe_case_is_rerouted_to_its_unit(world):
    from tests.cases.factories import place

    case = place(new_case(world, unit=world.soe), "awaiting_acceptance", holding="district-440106")
    user, acting_as = world.officials["district-440106"]
    case_transition(
        case=case,
        action="reroute",
        actor=user,
        acting_as=acting_as,
        reason="市属国企，应经单位审核",
    )
    assert case.status == "unit_review" and case.holding_office is None
    assert case.events.last().reason == "市属国企，应经单位审核"
