from django.test import Client
from django.urls import reverse


def test_reviewer_worklist_needs_the_officials_second_factor(reviewer):
    client = Client()
    client.force_login(reviewer)
    response = client.get(reverse("changes:worklist"))
    assert response.status_code == 302
    assert "/office/2fa/" in response["Location"]


def test_worklist_is_404_for_people_without_an_office(requester):
    client = Client()
    client.force_login(requester)
    assert client.get(reverse("changes:worklist")).status_code == 404


def test_empty_unit_search_links_to_the_new_unit_request(requester):
    client = Client()
    client.force_login(requester)
    body = client.get(reverse("orgs:search"), {"q": "不存在的单位名称"}).content.decode()
    assert reverse("changes:unit_new") + "?q=" in body
