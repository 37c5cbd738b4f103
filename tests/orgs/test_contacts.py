"""Finding 5 of issue #9: departments that receive applications must have a contact.
The admin refuses a chain for an office without one (and blanking the contact of an
office with a chain), `rencai check-chains` lists them, the demo seeds them."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from rencai.cases.models import ChainStep
from rencai.cases.routing import office_contact
from rencai.orgs.models import Office
from tests.audit.admin_forms import form_data, superuser_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, reference_data):
    return superuser_client(client)


def _step_data(client, office, **values):
    data = form_data(
        client.get(reverse("admin:cases_chainstep_add")).content.decode(), "chainstep_form"
    )
    data.update(
        {"office": str(office.pk), "purpose": "department", "order": "1", "name": "人事处审核"},
        **values,
    )
    return data


def test_admin_refuses_a_chain_for_a_department_without_a_contact(admin_client):
    edu = Office.objects.get(code="dept-edu")
    assert not edu.phones and not edu.email  # the reference data has none
    response = admin_client.post(
        reverse("admin:cases_chainstep_add"), _step_data(admin_client, edu)
    )
    assert response.status_code == 400  # re-rendered with the errors (one status for every form)
    body = response.content.decode()
    assert "没有登记咨询电话或电子邮箱" in body and "广州市教育局" in body
    assert not ChainStep.objects.filter(office=edu).exists()

    edu.phones, edu.email = ["83862000"], "rsc@edu.example.cn"
    edu.save()
    response = admin_client.post(
        reverse("admin:cases_chainstep_add"), _step_data(admin_client, edu)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert ChainStep.objects.filter(office=edu, purpose="department").count() == 1


def test_admin_refuses_to_blank_the_contact_of_an_office_with_a_chain(admin_client):
    edu = Office.objects.get(code="dept-edu")
    edu.phones = ["83862000"]
    edu.save()
    ChainStep.objects.create(office=edu, purpose="department", order=1, name="人事处审核")
    url = reverse("admin:orgs_office_change", args=[edu.pk])
    data = form_data(admin_client.get(url).content.decode(), "office_form")
    data.update(phones_text="", email="")
    response = admin_client.post(url, data)
    assert response.status_code == 400
    assert "须登记咨询电话或电子邮箱" in response.content.decode()
    edu.refresh_from_db()
    assert edu.phones == ["83862000"]
    data.update(phones_text="", email="rsc@edu.example.cn")  # an e-mail alone will do
    assert admin_client.post(url, data).status_code == 302


def test_check_chains_lists_offices_that_receive_applications_without_a_contact(reference_data):
    out = StringIO()
    call_command("check_chains", stdout=out)
    text = out.getvalue()
    contacts = text[text.index("未登记联系方式的机构") :]
    assert "dept-edu\t广州市教育局" in contacts and "dept-sasac" in contacts
    assert "district-440106" not in contacts and "city-hrss" not in contacts  # they have phones

    Office.objects.filter(kind="supervisory").update(email="rsc@example.gov.cn")
    out = StringIO()
    call_command("check_chains", stdout=out)
    assert "所有接收申请的机构均已登记联系方式" in out.getvalue()
    with pytest.raises(SystemExit):  # --fail: departments still lack a chain
        call_command("check_chains", "--fail", stdout=StringIO())


def test_office_contact_never_says_none_on_record(reference_data):
    edu = Office.objects.get(code="dept-edu")
    text = office_contact(edu)
    assert "暂无登记的联系方式" not in text
    assert text == (
        "该机构暂未登记联系方式，请联系广州市人力资源和社会保障局：电话 12333，邮箱 hrssgz@gz.gov.cn"
    )
    edu.email = "rsc@edu.example.cn"
    assert office_contact(edu) == "邮箱 rsc@edu.example.cn"


def test_demo_departments_have_contacts(demo_data):
    from rencai.orgs.contacts import receiving_offices_without_contact

    assert receiving_offices_without_contact() == []
    for office in Office.objects.filter(kind="supervisory"):
        assert office.phones and office.email, office.code
    out = StringIO()
    call_command("check_chains", stdout=out)
    assert "所有接收申请的机构均已登记联系方式" in out.getvalue()
