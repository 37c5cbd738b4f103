"""What guards, effects and notifications see of one transition attempt."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from rencai.cases.models import Case


@dataclass
class TransitionContext:
    case: Case  # locked row
    actor: object  # User or None (system)
    role: str
    now: datetime
    reason: str = ""
    target_office: object = None  # reroute: an Office chosen by the official
    _cache: dict = field(default_factory=dict)
    # What rencai.process.engine adds (its Context's other fields).
    process: object = None
    acting_as: object = None
    request: object = None
    extra: dict = field(default_factory=dict)
    source: str = ""
    row: object = None
    event: object = None
    outcome: str = "ok"
    detail: str = ""

    @property
    def obj(self) -> Case:
        return self.case

    def route(self):
        """The route from the registry as it is now."""
        from rencai.cases.routing import route_for

        if "route" not in self._cache:
            self._cache["route"] = route_for(self.case.unit)
        return self._cache["route"]

    def new_route(self):
        """Reroute: the registry's route, or the district window the official chose."""
        from rencai.cases.routing import route_for

        if "new_route" not in self._cache:
            office = self.target_office
            if office is not None and office.kind == "district":
                route = route_for(self.case.unit, district_office=office)
                if route.via_unit:  # an explicit window wins over the registry
                    from rencai.cases.routing import Route

                    route = Route(Case.Route.DIRECT, office)
            else:
                route = route_for(self.case.unit)
            self._cache["new_route"] = route
        return self._cache["new_route"]

    def chosen_route(self):
        return self.new_route() if self._cache.get("new_route") else self.route()
