"""Reference data is versioned: every loader records its data set (rencai.reference)."""

import csv
import json
import shutil
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from rencai.audit.models import AuditEvent
from rencai.catalog.models import AttachmentType, Institution, Major, TitleSeries
from rencai.catalog.reference import INSTITUTIONS_CSV, INSTITUTIONS_SOURCE
from rencai.helpdesk.models import Article
from rencai.orgs import reference as orgs_reference
from rencai.orgs.models import District, Office
from rencai.reference.models import ReferenceDataset
from rencai.reference.services import files_sha256
from tests.audit.admin_forms import superuser_client

pytestmark = pytest.mark.django_db

DATASETS = {
    "orgs.offices",
    "catalog.reference",
    "catalog.institutions",
    "catalog.majors",
    "helpdesk.articles",
    "workdays.holidays",
}


def _load() -> str:
    out = StringIO()
    call_command("loaddata_reference", stdout=out)
    return out.getvalue()


def _counts():
    return [
        m.objects.count()
        for m in (District, Office, TitleSeries, AttachmentType, Institution, Major, Article)
    ] + [ReferenceDataset.objects.count()]


def _datasets():
    return {d.name: d for d in ReferenceDataset.objects.all()}


def test_every_loader_records_its_dataset_and_a_second_load_is_unchanged():
    first = _load()
    datasets = _datasets()
    assert set(datasets) == DATASETS
    for name in DATASETS:
        assert f"[{name}] 无 none → {datasets[name].version}" in first
    offices = datasets["orgs.offices"]
    assert offices.version == "2022-06-seed-faq"
    assert offices.sha256 == files_sha256([orgs_reference.DATA]) and len(offices.sha256) == 64
    assert datasets["catalog.institutions"].version == INSTITUTIONS_SOURCE
    assert datasets["catalog.institutions"].rows == 2631
    assert datasets["helpdesk.articles"].rows == 28
    assert datasets["catalog.reference"].rows == TitleSeries.objects.count() + (
        AttachmentType.objects.count()
    )
    assert datasets["workdays.holidays"].version.startswith("chinesecalendar ")
    counts = _counts()

    second = _load()
    assert _counts() == counts  # no duplicate rows, no second dataset row
    for name in DATASETS:
        assert f"[{name}] 未变 unchanged {datasets[name].version}" in second
    again = _datasets()
    assert all(again[n].loaded_at == datasets[n].loaded_at for n in DATASETS)
    assert all(again[n].checked_at >= datasets[n].checked_at for n in DATASETS)
    assert AuditEvent.objects.filter(event="reference.load").count() == len(DATASETS)


def test_a_changed_source_file_is_recorded_as_a_new_version(tmp_path, monkeypatch):
    _load()
    before = _datasets()["orgs.offices"]
    data = json.loads(orgs_reference.DATA.read_text(encoding="utf-8"))
    data["version"] = "2026-03-bureau"
    data["districts"][0][4] = "广州市越秀区新址路1号"
    changed = tmp_path / "offices.json"
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(orgs_reference, "DATA", changed)

    out = _load()
    after = _datasets()["orgs.offices"]
    assert "[orgs.offices] 2022-06-seed-faq → 2026-03-bureau" in out
    assert after.sha256 == files_sha256([changed]) != before.sha256
    assert after.loaded_at > before.loaded_at
    assert Office.objects.get(code="district-440104").address == "广州市越秀区新址路1号"
    assert ReferenceDataset.objects.filter(name="orgs.offices").count() == 1

    # Same version number, different bytes: still seen.
    data["districts"][0][4] = "广州市越秀区新址路2号"
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = _load()
    assert "[orgs.offices] 2026-03-bureau (sha256 " in out


def test_importing_a_newer_institution_list_records_its_sha(tmp_path):
    _load()
    shipped = _datasets()["catalog.institutions"]
    newer = tmp_path / "moe_2024.csv"
    shutil.copy(INSTITUTIONS_CSV, newer)
    with newer.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(["4144099999", "广州新设大学", "广东省", "广州市", "本科", ""])

    out = StringIO()
    call_command("import_institutions", str(newer), "--source", "教育部名单 2024", stdout=out)
    assert f"[catalog.institutions] {INSTITUTIONS_SOURCE} → 教育部名单 2024" in out.getvalue()
    imported = _datasets()["catalog.institutions"]
    assert imported.sha256 == files_sha256([newer]) != shipped.sha256
    assert imported.rows == 2632

    # The shipped loader adds missing rows only and keeps the imported list as the version.
    assert "保留导入的名单 imported list kept: 教育部名单 2024" in _load()
    assert _datasets()["catalog.institutions"].sha256 == imported.sha256
    assert Institution.objects.count() == 2632


def test_datasets_are_read_only_in_the_admin(client):
    _load()
    admin_client = superuser_client(client)
    listing = admin_client.get(reverse("admin:reference_referencedataset_changelist"))
    assert listing.status_code == 200 and "orgs.offices" in listing.content.decode()
    dataset = ReferenceDataset.objects.get(name="orgs.offices")
    url = reverse("admin:reference_referencedataset_change", args=[dataset.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin_client.post(url, {"version": "x"}).status_code == 403
    assert admin_client.get(reverse("admin:reference_referencedataset_add")).status_code == 403
    delete = reverse("admin:reference_referencedataset_delete", args=[dataset.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert ReferenceDataset.objects.get(pk=dataset.pk).version == "2022-06-seed-faq"
