from datetime import datetime

import pytest

from rencai.core import clock
from rencai.helpdesk.reference import articles_load
from tests.e2e.helpers import screenshot

pytestmark = pytest.mark.e2e


@pytest.fixture
def help_data(reference_data):
    articles_load()


def test_search_the_help_centre_and_open_an_article(page, live_server, help_data):
    page.goto(f"{live_server.url}/help/")
    page.get_by_label("搜索常见问题").fill("生僻字")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url("**/help/?q=*")
    results = page.locator(".help-results")
    assert "“生僻字”的搜索结果" in results.inner_text()
    results.get_by_role("link", name="个人填写信息中存在生僻字").click()
    page.wait_for_url("**/help/a/rare-characters/")
    assert "请使用同音字或拼音代替" in page.locator(".help-answer").inner_text()
    assert "在Rencai中" in page.locator(".rencai-note").inner_text()


def test_office_directory_fits_375px(mobile_page, live_server, help_data):
    # A Monday morning, so the screenshot is the same whenever the suite runs.
    with clock.frozen(datetime(2025, 9, 29, 10, 30, tzinfo=clock.SHANGHAI)):
        mobile_page.goto(f"{live_server.url}/help/offices/")
    assert mobile_page.locator("tr.office-row .badge-ok").count() == 11  # windows: 办公中
    rows = mobile_page.locator("tr.office-row")
    assert rows.count() == 13
    assert mobile_page.locator('a[href="tel:02037631711"]').is_visible()
    width = mobile_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"horizontal overflow: {width}px"
    # stacked layout: each cell is labelled, the header row is hidden
    assert not mobile_page.locator("table.directory thead").is_visible()
    screenshot(mobile_page, "directory-375.png")


def test_article_with_embedded_directory_fits_375px(mobile_page, live_server, help_data):
    mobile_page.goto(f"{live_server.url}/help/a/reapplication-blocked/")
    assert mobile_page.locator(".help-directory tr.office-row").count() == 13
    assert mobile_page.evaluate("document.documentElement.scrollWidth") <= 375
    mobile_page.get_by_role("link", name="查看各区人才服务窗口联系方式（办事机构页）").click()
    mobile_page.wait_for_url("**/help/offices/")
