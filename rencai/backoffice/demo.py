"""Demo data for the back office (called from rencai.core.demo.demo_load; idempotent):
review chains for the demo offices and a few cases in different states, so that
`make run` shows non-empty worklists for demo_tianhe and demo_sasac."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from stdnum.cn import ric

from rencai.accounts.models import RoleGrant, User
from rencai.accounts.roles import ActingAs
from rencai.cases.models import ChainStep
from rencai.cases.requirements import required_attachments
from rencai.orgs.models import Office, Unit

REVIEW_CHAIN = ("经办", "复核", "审批")
DEPARTMENT_CHAIN = ("处室初审", "分管领导审核")
REVIEW_OFFICES = ("district-440106", "city-hrss")
DEPARTMENTS = ("dept-sasac", "dept-edu")

# login name, real name, ID body (17 digits), mobile, unit (credit-code body), steps
DEMO_CASES = [
    ("demo_p1", "张伟", "44010619910203121", "13800139001", "91440101MA59XXXX0", ()),
    ("demo_p2", "刘洋", "44010619920304232", "13800139002", "91440101MA59XXXX0", ()),
    ("demo_p3", "陈静", "44010619930405343", "13800139003", "91440101MA59XXXX0", ("accept",)),
    ("demo_p4", "黄磊", "44010619940506454", "13800139004", "91440101MA59XXXX0",
     ("accept", "approve")),
    ("demo_p5", "周敏", "44010619950607565", "13800139005", "91440101MA59XXXX0",
     ("accept", "approve", "approve", "approve")),
    ("demo_p6", "吴𠇔", "44010619960708676", "13800139006", "91440101190460001", ("forward",)),
]  # fmt: skip


def chains_load() -> int:
    created = 0
    for code, purpose, names in [
        *((c, ChainStep.Purpose.REVIEW, REVIEW_CHAIN) for c in REVIEW_OFFICES),
        *((c, ChainStep.Purpose.DEPARTMENT, DEPARTMENT_CHAIN) for c in DEPARTMENTS),
    ]:
        office = Office.objects.filter(code=code).first()
        if office is None or ChainStep.objects.filter(office=office, purpose=purpose).exists():
            continue
        for order, name in enumerate(names, 1):
            ChainStep.objects.create(office=office, purpose=purpose, order=order, name=name)
            created += 1
    return created


def _png(text: str) -> bytes:
    image = Image.new("RGB", (480, 300), "#f4f1e8")
    draw = ImageDraw.Draw(image)
    draw.rectangle([10, 10, 470, 290], outline="#8c1d17", width=4)
    draw.text((30, 130), f"DEMO {text}", fill="#1b1f24")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _grant(login_name: str) -> tuple[User, ActingAs] | None:
    user = User.objects.filter(login_name=login_name).first()
    grant = RoleGrant.objects.filter(user=user, revoked_at__isnull=True).first() if user else None
    return (user, ActingAs(grant)) if grant else None


#: The 职称 section of each demo application (series code, qualification name).
DEMO_TITLES = [
    ("engineer", "高级工程师"), ("economist", "经济师"), ("accountant", "会计师"),
    ("health_professional", "主治医师"), ("hei_teacher", "讲师"), ("engineer", "工程师"),
]  # fmt: skip


def cases_load(password: str) -> int:
    from rencai.cases.services import case_create, case_transition
    from rencai.documents.services import document_upload

    if User.objects.filter(login_name="demo_p1").exists():
        return 0
    window = _grant("demo_tianhe")
    unit_admin = _grant("demo_unitadmin")
    if window is None or unit_admin is None:
        return 0
    created = 0
    from rencai.catalog.models import TitleSeries

    for n, (login, name, body, mobile, unit_body, steps) in enumerate(DEMO_CASES):
        unit = Unit.objects.filter(code__startswith=unit_body).first()
        if unit is None:
            continue
        person = User.objects.create_user(
            login,
            password,
            real_name=name,
            id_number=body + ric.calc_check_digit(body + "0"),
            mobile=mobile,
        )
        series, qualification = DEMO_TITLES[n % len(DEMO_TITLES)]
        case = case_create(
            applicant=person, unit=unit, category="title",
            title_series=TitleSeries.objects.filter(code=series).first(),
            qualification_name=qualification, certificate_number=f"GDZC{2019 + n}{n + 1:05d}",
        )  # fmt: skip
        for requirement in required_attachments(case):
            document_upload(
                folder=case.folder,
                type_code=requirement.type_code,
                file=SimpleUploadedFile(
                    f"{requirement.type_code}.png", _png(requirement.type_code)
                ),
                uploaded_by=person,
            )
        case_transition(case=case, action="submit", actor=person, acting_as=None)
        for action in steps:
            actor, acting = unit_admin if action == "forward" else window
            case_transition(case=case, action=action, actor=actor, acting_as=acting)
        created += 1
    return created


def backoffice_demo_load(password: str) -> str:
    steps = chains_load()
    cases = cases_load(password)
    return f"back office: {steps} chain steps, {cases} demo cases"
