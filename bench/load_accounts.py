"""Accounts for the mixed load test (bench/load_mixed.py runs this; not a test).

    DATABASE_URL=... RENCAI_VAR=... .venv/bin/python bench/load_accounts.py \\
        --applicants 120 --drafters 60 --officials 30

Works on a database that already holds the cases of bench/deadlines_sweep.py's loader
(`--cases` of load_mixed.py) and the demo data (`rencai bootstrap`). It gives

- `--applicants` of the loader's applicants (one submitted case each, 天河区) the bench
  password: they log in and read their status;
- `--drafters` new people, each with a draft (category 技能) at the loader's unit: they
  save details and upload a small image or PDF;
- `--officials` new officials of 天河区人社局, each with their own TOTP secret (a time step
  is usable once per account, so officials cannot share one), and for each official a
  disjoint set of cases waiting for acceptance to accept.

One argon2 hash is computed and stored for every account (same password): seeding costs
no hashing per account, logging in still verifies argon2 as in production. Prints one JSON
object on the last line: {"applicants": [[login, number]], "drafters": [[login, number,
type_code]], "officials": [[login, secret, [numbers]]], "password": ...}.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencai.settings")

import django  # noqa: E402

django.setup()

import pyotp  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import transaction  # noqa: E402

PASSWORD = "Rencai@2026!"
OFFICE = "district-440106"
ACCEPT_PER_OFFICIAL = 40


def seed(applicants: int, drafters: int, officials: int) -> dict:
    from rencai.accounts.models import RoleGrant, User
    from rencai.cases.models import Case
    from rencai.cases.requirements import required_attachments
    from rencai.cases.services import case_create
    from rencai.orgs.models import Office

    office = Office.objects.get(code=OFFICE)
    hashed = make_password(PASSWORD)
    waiting = Case.objects.filter(holding_office=office, status="awaiting_acceptance")
    # Applicants: cases far from the officials' accept pool (highest ids).
    mine = list(
        waiting.order_by("-id").values_list("applicant_id", "applicant__login_name", "number")[
            :applicants
        ]
    )
    User.objects.filter(pk__in=[a for a, _, _ in mine]).update(password=hashed)
    out = {"password": PASSWORD, "applicants": [[login, n] for _, login, n in mine]}

    unit = Case.objects.filter(holding_office=office).select_related("unit").first().unit
    drafts = []
    with transaction.atomic():
        for n in range(drafters):
            login = f"loadd{n}"
            user, _created = User.objects.get_or_create(
                login_name=login,
                defaults={"password": hashed, "real_name": f"负载{n}", "mobile": f"137{n:08d}"},
            )
            case = Case.objects.filter(applicant=user, status="draft").first()
            if case is None:
                case = case_create(applicant=user, unit=unit, category="skill")
            drafts.append([login, case.number, required_attachments(case)[0].type_code])
    out["drafters"] = drafts

    pool = list(
        waiting.order_by("id").values_list("number", flat=True)[: officials * ACCEPT_PER_OFFICIAL]
    )
    staff = []
    with transaction.atomic():
        for n in range(officials):
            login = f"loado{n}"
            user, created = User.objects.get_or_create(
                login_name=login,
                defaults={"password": hashed, "real_name": f"窗口{n}", "mobile": f"136{n:08d}",
                          "totp_secret": pyotp.random_base32()},
            )  # fmt: skip
            if created:
                RoleGrant.objects.create(user=user, role=RoleGrant.Role.OFFICIAL, office=office)
            part = pool[n * ACCEPT_PER_OFFICIAL : (n + 1) * ACCEPT_PER_OFFICIAL]
            staff.append([login, user.totp_secret, part])
    out["officials"] = staff
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applicants", type=int, default=120)
    parser.add_argument("--drafters", type=int, default=60)
    parser.add_argument("--officials", type=int, default=30)
    args = parser.parse_args()
    print(json.dumps(seed(args.applicants, args.drafters, args.officials), ensure_ascii=False))


if __name__ == "__main__":
    main()
