"""Issue #15: the logged-in pages read the database a bounded number of times."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cases.apply_helpers import catalog, media
from tests.cases.factories import new_case, place

pytestmark = pytest.mark.usefixtures("media", "catalog")
__all__ = ["catalog", "media"]


def _show(client, url):
    client.get(url)  # warm: the session's first write, caches
    import traceback
    def wrap(execute, sql, params, many, context):
        frames = [f for f in traceback.extract_stack() if "/rencai/" in f.filename]
        print("Q", sql[:90], " <- ", " | ".join(f"{f.filename.split('/rencai/')[-1]}:{f.lineno}" for f in frames[-4:]))
        return execute(sql, params, many, context)
    with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(wrap):
        r = client.get(url)
    assert r.status_code == 200
    return len(ctx.captured_queries)


def test_dump(client, world):
    case = place(new_case(world), "under_review")
    client.force_login(world.applicant)
    print("STATUS", _show(client, f"/cases/{case.number}/"))
    print("DASH", _show(client, "/accounts/"))
    client.force_login(world.applicant)
    case.delete() if False else None
    draft = new_case(world, applicant=world.applicant) if False else None
    return
    print("EDIT", _show(client, f"/cases/{draft.number}/edit/"))
