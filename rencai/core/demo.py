"""Demo data: one account per role, printed when `make run` starts. Never in production."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from stdnum.cn import ric, uscc

from rencai.accounts.models import RoleGrant, User
from rencai.orgs.models import District, Office, Unit

# Meets the password policy (12+ characters: ASVS length, MLPS composition, zxcvbn).
DEMO_PASSWORD = "Rencai@2026!"


@dataclass(frozen=True)
class DemoAccount:
    login_name: str
    real_name: str
    role: str
    id_body: str  # 17 digits; the check digit is computed
    mobile: str
    office_code: str = ""
    unit_code: str = ""


def _id_number(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def _credit_code(body: str) -> str:
    return body + uscc.calc_check_digit(body)


DEMO_UNITS = [
    # (17-char body of the credit code, name, nature, level, district code, department)
    (
        "91440101MA59XXXX0",
        "广州示范科技有限公司",
        Unit.Nature.PRIVATE,
        Unit.Level.DISTRICT,
        "440106",
        "",
    ),
    (
        "91440101190460001",
        "广州市示范地铁集团有限公司",
        Unit.Nature.CITY_SOE,
        Unit.Level.CITY,
        "440104",
        "dept-sasac",
    ),
    (
        "12440100455350001",
        "广州市示范第一中学",
        Unit.Nature.INSTITUTION,
        Unit.Level.CITY,
        "440105",
        "dept-edu",
    ),
]

DEMO_ACCOUNTS = [
    DemoAccount("demo_applicant", "李𠇔华", "申请人 applicant", "44010619900307121", "13800138001"),
    DemoAccount(
        "demo_unitadmin",
        "陈䶮",
        "单位管理员 unit admin",
        "44010519850612232",
        "13800138002",
        unit_code="91440101190460001",
    ),
    DemoAccount(
        "demo_sasac",
        "王主管",
        "主管部门 supervisory dept (市国资委)",
        "44010419800101343",
        "13800138003",
        office_code="dept-sasac",
    ),
    DemoAccount(
        "demo_tianhe",
        "赵窗口",
        "区窗口 district window (天河区)",
        "44010619821111454",
        "13800138004",
        office_code="district-440106",
    ),
    DemoAccount(
        "demo_city",
        "钱市局",
        "市人社局 city bureau",
        "44010319790909565",
        "13800138005",
        office_code="city-hrss",
    ),
    DemoAccount(
        "demo_datacentre",
        "孙数据",
        "数据服务中心 data service centre",
        "44011119880808676",
        "13800138006",
        office_code="data-centre",
    ),
    # Approves the rights request of 广州市示范第一中学 (it has no unit admin: its
    # applicants are told so on the unit step) and works in 市教育局's chain.
    DemoAccount(
        "demo_edu",
        "郑教育",
        "主管部门 supervisory dept (市教育局)",
        "44010419830202787",
        "13800138007",
        office_code="dept-edu",
    ),
]


#: Demo contacts of the supervisory departments (the reference data has none; in
#: production the bureau enters them in the admin). Numbers and addresses are made up.
DEMO_DEPARTMENT_PHONE = "8388{:04d}"
DEMO_DEPARTMENT_EMAIL = "{code}@demo.rencai.invalid"


def department_contacts_load() -> int:
    """Give every supervisory department without a contact a demo phone and e-mail, so
    that no message in the demo ends without one. Admin edits are kept."""
    filled = 0
    departments = Office.objects.filter(kind=Office.Kind.SUPERVISORY).order_by("sort_order", "pk")
    for n, office in enumerate(departments, 1):
        if office.phones or office.email:
            continue
        office.phones = [DEMO_DEPARTMENT_PHONE.format(n)]
        office.email = DEMO_DEPARTMENT_EMAIL.format(code=office.code)
        office.contact = office.contact or "人才引进业务联系人"
        office.save(update_fields=["phones", "email", "contact"])
        filled += 1
    return filled


def demo_accounts_present() -> bool:
    return User.objects.filter(login_name="demo_applicant").exists()


@transaction.atomic
def demo_load() -> str:
    contacts = department_contacts_load()
    for body, name, nature, level, district_code, dept in DEMO_UNITS:
        code = _credit_code(body)
        Unit.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "nature": nature,
                "level": level,
                "district": District.objects.get(code=district_code),
                "supervisory_office": Office.objects.filter(code=dept).first() if dept else None,
            },
        )
    created = 0
    for account in DEMO_ACCOUNTS:
        if User.objects.filter(login_name=account.login_name).exists():
            continue
        user = User.objects.create_user(
            account.login_name,
            DEMO_PASSWORD,
            real_name=account.real_name,
            id_number=_id_number(account.id_body),
            mobile=account.mobile,
        )
        from rencai.accounts.services import user_refresh_pinyin

        user_refresh_pinyin(user=user)
        if account.office_code:
            RoleGrant.objects.create(
                user=user,
                role=RoleGrant.Role.OFFICIAL,
                office=Office.objects.get(code=account.office_code),
            )
        if account.unit_code:
            unit = Unit.objects.get(code=_credit_code(account.unit_code[:17]))
            RoleGrant.objects.create(user=user, role=RoleGrant.Role.UNIT_ADMIN, unit=unit)
        created += 1
    if not User.objects.filter(login_name="admin").exists():
        User.objects.create_superuser("admin", DEMO_PASSWORD, real_name="系统管理员")
        created += 1
    from rencai.backoffice.demo import backoffice_demo_load

    office = backoffice_demo_load(DEMO_PASSWORD)
    return (
        f"demo accounts: {created} created, {User.objects.count()} users in total; "
        f"{contacts} department contacts; {office}"
    )


def demo_banner() -> str:
    lines = [f"演示账号 Demo accounts (password 密码: {DEMO_PASSWORD})"]
    for account in DEMO_ACCOUNTS:
        lines.append(f"  {account.role:<40} {account.login_name}")
    lines.append(f"  {'超级管理员 superuser (/admin/)':<40} admin")
    lines.append(
        "机构账号和超级管理员（/admin/）首次登录需绑定动态口令（页面显示密钥，可用任一TOTP应用）；"
        "丢失时：rencai totp-reset 登录名 --reason 原因\n"
        "Officials and the superuser (/admin/) enrol a TOTP authenticator at first login (the"
        " secret is shown as text); lost one: rencai totp-reset LOGIN --reason WHY"
    )
    lines.append("开发短信收件箱 Development SMS inbox: /notify/dev-inbox/\n")
    return "\n".join(lines) + "\n"
