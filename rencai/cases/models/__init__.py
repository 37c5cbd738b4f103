"""Case models. Public surface: import from `rencai.cases.models`."""

from rencai.cases.models.case import Case, CaseNumberSequence
from rencai.cases.models.chain import ChainStep
from rencai.cases.models.event import CaseEvent
from rencai.cases.models.idempotency import IdempotencyKey
from rencai.cases.models.reapply import HistoricalSettlement, ReapplyLift
from rencai.cases.models.unit_consent import UnitConsent, UnitInvitation, UnitLookup

__all__ = [
    "Case",
    "CaseEvent",
    "CaseNumberSequence",
    "ChainStep",
    "HistoricalSettlement",
    "IdempotencyKey",
    "ReapplyLift",
    "UnitConsent",
    "UnitInvitation",
    "UnitLookup",
]
