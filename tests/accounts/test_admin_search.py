"""The user admin's search keeps ID numbers and mobiles out of URLs (issue #10, finding 2):
the search box posts, a private term travels as a session token, found through the blind
index (ID number) or the mobile column."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rencai.accounts.models import User
from tests.backoffice.second_factor import verified_client

CHANGELIST = reverse("admin:accounts_user_changelist")
SEARCH = reverse("admin:accounts_user_search")


@pytest.fixture
def root(db):
    return verified_client(User.objects.create_superuser("root", "Admin#2026x"))


def _search(client, term: str, **filters):
    response = client.post(SEARCH, {"q": term, **filters})
    assert response.status_code == 302
    return response["Location"], client.get(response["Location"])


def test_the_search_box_posts_and_an_id_number_never_enters_a_url(root, user, make_user):
    make_user(login_name="lisi")
    number = user.reveal_id_number()
    page = root.get(CHANGELIST).content.decode()
    assert f'method="post" action="{SEARCH}"' in page  # the form itself
    location, found = _search(root, number, is_staff__exact="0")
    assert number not in location and number[:14] not in location
    assert "q=~" in location and "is_staff__exact=0" in location  # token, filters kept
    html = found.content.decode()
    assert "zhangsan" in html and "lisi" not in html and number not in html


def test_a_mobile_goes_the_same_way_and_a_name_stays_plain(root, user):
    location, found = _search(root, user.mobile)
    assert user.mobile not in location and "zhangsan" in found.content.decode()
    location, found = _search(root, "zhangsan")
    assert location == CHANGELIST + "?q=zhangsan" and "zhangsan" in found.content.decode()


def test_a_number_typed_into_the_url_is_moved_out_of_it_at_once(root, user):
    number = user.reveal_id_number()
    response = root.get(CHANGELIST + f"?q={number}")
    assert response.status_code == 302 and number not in response["Location"]
    assert "zhangsan" in root.get(response["Location"]).content.decode()


def test_a_token_is_worth_nothing_in_another_session(root, user, admin_client):
    location, _found = _search(root, user.reveal_id_number())
    assert "zhangsan" not in admin_client.get(location).content.decode()
