from __future__ import annotations

import pytest
from django.urls import reverse

from rencai.accounts.models import User
from tests.backoffice.second_factor import mark_second_factor_passed

from .conftest import make_id


@pytest.fixture
def admin_client(client, db):
    root = User.objects.create_superuser("root", "Admin#2026x")
    client.post(reverse("accounts:login"), {"username": "root", "password": "Admin#2026x"})
    return mark_second_factor_passed(client, root)  # /admin/ asks for the second factor


@pytest.mark.django_db
def test_changelist_shows_masked_id_only(admin_client, user):
    html = admin_client.get(reverse("admin:accounts_user_changelist")).content.decode()
    number = user.reveal_id_number()
    assert "zhangsan" in html and number not in html and user.id_number_masked in html


@pytest.mark.django_db
def test_search_by_full_id_number_uses_blind_index(admin_client, user):
    number = user.reveal_id_number()
    r = admin_client.get(reverse("admin:accounts_user_changelist") + f"?q={number}", follow=True)
    assert "zhangsan" in r.content.decode()


@pytest.mark.django_db
def test_add_user_sets_id_through_set_id_number(admin_client):
    number = make_id("44010619850612232")
    r = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "login_name": "chenyan",
            "password1": "Chen#Yan2026",
            "real_name": "陈䶮",
            "new_id_number": number.lower(),
            "mobile": "13800138222",
            "email": "",
            "is_active": "on",
            "role_grants-TOTAL_FORMS": "0",
            "role_grants-INITIAL_FORMS": "0",
            "role_grants-MIN_NUM_FORMS": "0",
            "role_grants-MAX_NUM_FORMS": "1000",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    u = User.objects.get(login_name="chenyan")
    assert u.reveal_id_number() == number
    assert u.id_number_masked == number[:4] + "**********" + number[-4:]
    assert u.check_password("Chen#Yan2026")


@pytest.mark.django_db
def test_change_page_does_not_reveal_id(admin_client, user):
    html = admin_client.get(reverse("admin:accounts_user_change", args=[user.pk])).content.decode()
    assert user.reveal_id_number() not in html
    assert user.id_number_masked in html
