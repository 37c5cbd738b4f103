import uuid

import pytest
from django.urls import reverse

from rencai.documents import permissions
from rencai.documents.services import document_upload
from tests.backoffice.second_factor import mark_second_factor_passed
from tests.documents.conftest import pdf_bytes, png_bytes, upload


@pytest.fixture
def doc(folder, uploader):
    permissions.register("test", lambda user, document: user.pk == document.uploaded_by_id)
    return document_upload(
        folder=folder,
        type_code="diploma",
        file=upload("毕业证书.pdf", pdf_bytes()),
        uploaded_by=uploader,
    )


def url(doc, variant):
    return reverse("documents:serve", args=[doc.public_id, variant])


def test_owner_downloads_the_original_as_attachment(client, doc, uploader):
    client.force_login(uploader)
    response = client.get(url(doc, "original"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E6%AF%95" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    with doc.file.open("rb") as f:
        assert b"".join(response.streaming_content) == f.read()


def test_preview_is_inline_jpeg(client, doc, uploader):
    client.force_login(uploader)
    response = client.get(url(doc, "preview"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_others_get_404(client, doc, django_user_model):
    assert client.get(url(doc, "original")).status_code == 404  # anonymous
    other = django_user_model.objects.create_user("other", "Pw@123456", real_name="别人")
    client.force_login(other)
    assert client.get(url(doc, "original")).status_code == 404
    assert client.get(url(doc, "preview")).status_code == 404


def test_unknown_document_or_variant_is_404(client, doc, uploader):
    client.force_login(uploader)
    missing = reverse("documents:serve", args=[uuid.uuid4(), "original"])
    assert client.get(missing).status_code == 404
    assert client.get(url(doc, "thumbnail")).status_code == 404


def test_folder_kind_without_permission_is_404(client, uploader, db):
    from rencai.documents.services import folder_create

    folder = folder_create(owner_kind="nobody-registered-this")
    doc = document_upload(
        folder=folder, type_code="selfie", file=upload("a.png", png_bytes()), uploaded_by=uploader
    )
    client.force_login(uploader)
    assert client.get(url(doc, "original")).status_code == 404


def test_case_attachments_follow_the_case_permission(client, world):
    from rencai.cases.services import case_create, case_transition

    case = case_create(
        applicant=world.applicant, unit=world.private, category="skill",
        qualification_name="电工", qualification_level="三级/高级工", certificate_number="S-1",
    )  # fmt: skip
    doc = document_upload(
        folder=case.folder,
        type_code="id_card",
        file=upload("a.png", png_bytes()),
        uploaded_by=world.applicant,
    )
    client.force_login(world.applicant)
    assert client.get(url(doc, "original")).status_code == 200
    tianhe, _acting = world.officials["district-440106"]
    client.force_login(tianhe)
    mark_second_factor_passed(client, tianhe)
    assert client.get(url(doc, "preview")).status_code == 404  # a draft is the applicant's own
    from tests.cases.factories import attach_required

    attach_required(case)
    case_transition(case=case, action="submit", actor=world.applicant, acting_as=None)
    # Officials open attachments only from their case page (office + second factor, and
    # the view is recorded), never through /files/ (even past the second factor).
    assert client.get(url(doc, "preview")).status_code == 404
    stranger, _acting = world.officials["stranger"]
    client.force_login(stranger)
    mark_second_factor_passed(client, stranger)
    assert client.get(url(doc, "preview")).status_code == 404


def test_unit_admin_sees_attachments_of_via_unit_cases_but_not_private_drafts(client, world):
    from rencai.cases.services import case_create
    from tests.cases.factories import place

    case = case_create(applicant=world.applicant, unit=world.soe, category="skill")
    doc = document_upload(
        folder=case.folder,
        type_code="id_card",
        file=upload("a.png", png_bytes()),
        uploaded_by=world.applicant,
    )
    client.force_login(world.unit_admin)
    assert client.get(url(doc, "preview")).status_code == 404  # the applicant's own draft
    place(case, "unit_review")
    assert client.get(url(doc, "preview")).status_code == 200
    world.unit_acting.grant.revoked_at = world.unit_acting.grant.granted_at
    world.unit_acting.grant.save()
    assert client.get(url(doc, "preview")).status_code == 404
