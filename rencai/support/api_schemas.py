"""Schemas of the support API (rencai.support.api): input limits and labels from the models."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from rencai.api.schemas import DbId, ModelText, Text
from rencai.support.models import Rating, Ticket
from rencai.support.services import TAGS

TagCode = Literal[tuple(TAGS)]  # fast, clear, polite, slow, unclear, runaround


class TicketIn(Schema):
    topic: ModelText(Ticket, "topic") = Field(
        description="问题类型：status, card, wrong_office, correction, other"
    )
    body: ModelText(Ticket, "body") = Field(
        description="问题描述（不要填写身份证号码：申请编号、状态和办理机构由系统带上）"
    )
    case: ModelText(Ticket, "context_number", label="相关申请编号", as_name="case") | None = Field(
        None, description="我的申请编号（选填）"
    )
    request: Text(80, "相关事项", name="request") | None = Field(
        None, description="我的其他事项，写作“流程:编号”，如 change:BG2026000001（选填）"
    )


class TicketVersionIn(Schema):
    expected_version: DbId | None = None


class TicketReplyIn(TicketVersionIn):
    reason: Text(1000, "答复/说明", name="reason", multiline=True)


class TicketContextOut(Schema):
    """What the person was looking at when the ticket opened."""

    kind: str
    number: str
    status_text: str
    holder: str


class TicketReplyOut(Schema):
    at: datetime
    who: str  # the office's name, 提问人 or 系统 (never an official's own name)
    role: str
    action: str
    action_label: str
    status_text: str
    reason: str


class TicketActionOut(Schema):
    action: str
    label: str
    reason_required: bool


class TicketSummaryOut(Schema):
    number: str
    topic: str
    topic_label: str
    status: str
    status_label: str
    office: str
    created_at: datetime
    due_date: date | None
    answered_at: datetime | None


class TicketOut(TicketSummaryOut):
    body: str
    version: int
    context: TicketContextOut | None
    fix_action: str
    replies: list[TicketReplyOut]
    actions: list[TicketActionOut]


class OfficeTicketOut(TicketOut):
    requester: str
    case_version: int | None


class OfficeTicketListOut(Schema):
    open: list[TicketSummaryOut]
    done: list[TicketSummaryOut]


class StepOut(Schema):
    key: str  # POST /api/support/steps/{key}/rating
    label: str
    number: str
    office: str
    at: datetime
    rated: bool
    score: int | None


class RatingIn(Schema):
    score: Annotated[int, Field(ge=1, le=5, description="评分 1–5")]
    tags: Annotated[list[TagCode], Field(max_length=len(TAGS), description="评价标签")] = []
    comment: ModelText(Rating, "comment") = ""


class RatingOut(Schema):
    key: str
    step: str
    number: str
    office: str
    score: int
    tags: list[str]
    comment: str
    created_at: datetime
    work_order: str | None  # the 差评整改工单 a poor rating opened
