"""A small 政务数据共享 gateway for development and tests (not Django: a city replaces it
with its own gateway; the contract is docs/verification-gateway.openapi.yaml).

    python -m rencai.verification.gateway --port 18780 [--seed extra.json ...]
    rencai gateway --port 18780

Records are seeded from gateway/seed.json plus any --seed files. ID numbers arrive only
in signed JSON bodies and are never logged (the access log prints method, path, status).
A record's `behaviour` makes it misbehave on purpose: slow (sleeps), error (HTTP 500),
malformed (an answer that is not the contract's JSON).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import threading
import time
from pathlib import Path

from stdnum.cn import ric, uscc
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from rencai.verification.signing import verify

SEED = Path(__file__).with_name("seed.json")
DEFAULT_KEY_ID = "rencai-dev"
DEFAULT_SECRET = "rencai-dev-gateway-secret"  # noqa: S105 - development gateway only
SLOW_SECONDS = 5.0


def _id(body: str) -> str:
    return body + ric.calc_check_digit(body + "0") if len(body) == 17 else body


def _ref(*parts: str) -> str:
    return "GW-" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:16].upper()


class Records:
    def __init__(self, paths: list[Path]):
        self.people: dict[str, dict] = {}
        self.certificates: dict[str, dict] = {}
        for path in paths:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            for person in data.get("people", []):
                number = _id(person.get("id_body") or person["id_number"])
                si = person.get("social_insurance", {})
                # 17-character keys are credit-code bodies: add the check character
                person["social_insurance"] = {
                    (k + uscc.calc_check_digit(k) if len(k) == 17 else k): v for k, v in si.items()
                }
                self.people[number] = person
            for cert in data.get("certificates", []):
                self.certificates[cert["number"]] = cert


class Gateway:
    def __init__(self, records: Records, *, key_id: str, secret: str):
        self.records = records
        self.key_id, self.secret = key_id, secret
        self.counts: dict[str, int] = {}
        self._lock = threading.Lock()
        self.routes = {
            "/v1/identity/verify": self.identity,
            "/v1/education/verify": self.education,
            "/v1/social-insurance/months": self.social_insurance,
            "/v1/qualification/verify": self.qualification,
            "/v1/credit/check": self.credit,
        }

    def __call__(self, environ, start_response):
        request = Request(environ)
        response = self.dispatch(request)
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        if request.path == "/healthz":
            return _json({"status": "ok"})
        if request.path == "/_stats":  # development: how many calls each route answered
            return _json(self.counts)
        handler = self.routes.get(request.path)
        if handler is None:
            return _json({"error": "not_found"}, 404)
        if request.method != "POST":
            return _json({"error": "method_not_allowed"}, 405)
        body = request.get_data()
        if request.headers.get("X-Gateway-Key") != self.key_id:
            return _json({"error": "unknown_key"}, 401)
        problem = verify(
            headers=request.headers, secret=self.secret, method="POST", path=request.path,
            body=body,
        )  # fmt: skip
        if problem:
            return _json({"error": "unauthorized", "detail": problem}, 401)
        with self._lock:
            self.counts[request.path] = self.counts.get(request.path, 0) + 1
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            return _json({"error": "bad_json"}, 400)
        if not isinstance(payload, dict):
            return _json({"error": "bad_json"}, 400)
        person = self.records.people.get(str(payload.get("id_number", "")))
        behaviour = (person or {}).get("behaviour", "")
        if behaviour == "slow":
            time.sleep(SLOW_SECONDS)
        elif behaviour == "error":
            return _json({"error": "internal"}, 500)
        elif behaviour == "malformed":
            return Response("<html>upstream busy</html>", 200, content_type="application/json")
        answer = handler(payload, person)
        answer["request_id"] = _ref(request.path, str(time.time_ns()))
        return _json(answer)

    # --- the five services -------------------------------------------------------------

    def identity(self, p, person):
        if person is None:
            return {"match": False, "reason": "no_record"}
        if person["name"] != p.get("name"):
            return {"match": False, "reason": "name_mismatch"}
        return {"match": True, "hukou_region": person.get("hukou", ""),
                "record_ref": _ref("identity", person["name"])}  # fmt: skip

    def education(self, p, person):
        number, kind = str(p.get("certificate_number", "")), p.get("kind", "diploma")
        for item in (person or {}).get("education", []):
            if item["number"] == number and item.get("kind", "diploma") == kind:
                if person["name"] != p.get("name"):
                    return {"found": True, "match": False, "reason": "name_mismatch"}
                return {"found": True, "match": True, "level": item["level"],
                        "institution": item.get("institution", ""),
                        "graduation_date": item.get("graduation_date", ""),
                        "record_ref": _ref("education", number)}  # fmt: skip
        return {"found": False, "match": False, "reason": "no_record"}

    def social_insurance(self, p, person):
        by_unit = (person or {}).get("social_insurance", {})
        # "*": any employer (test records, whose units get generated credit codes)
        months = by_unit.get(str(p.get("credit_code", "")), by_unit.get("*"))
        if months is None:
            return {"found": False, "months": 0}
        return {"found": True, "months": int(months),
                "record_ref": _ref("si", str(p.get("credit_code")), str(months))}  # fmt: skip

    def qualification(self, p, person):
        cert = self.records.certificates.get(str(p.get("certificate_number", "")))
        if cert is None or cert.get("kind", "title") != p.get("kind", "title"):
            return {"found": False, "match": False, "reason": "no_record"}
        if cert["name"] != p.get("name"):
            return {"found": True, "match": False, "reason": "name_mismatch"}
        return {"found": True, "match": True, "level": cert.get("level", ""),
                "title": cert.get("title", ""), "record_ref": _ref("cert", cert["number"])}  # fmt: skip

    def credit(self, p, person):
        listed = bool((person or {}).get("credit_listed"))
        answer = {"listed": listed, "record_ref": _ref("credit", str(listed), str(time.time()))}
        if listed:
            answer["list"] = "失信被执行人"
            answer["case_ref"] = person.get("credit_case", "（2025）粤0106执12345号")
        return answer


def _json(data, status: int = 200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), status, content_type="application/json")


class _QuietHandler(WSGIRequestHandler):
    """Access log: method, path, status; never a body (the ID number is in the body)."""

    def log_request(self, code="-", size="-"):
        logging.getLogger("rencai.gateway").info("%s %s %s", self.command, self.path, code)


def serve(*, host: str, port: int, seeds: list[str], key_id: str, secret: str) -> None:
    app = Gateway(Records([SEED, *map(Path, seeds)]), key_id=key_id, secret=secret)
    server = make_server(host, port, app, threaded=True, request_handler=_QuietHandler)
    print(f"rencai data-sharing gateway on http://{host}:{port}/", flush=True)  # noqa: T201
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def main(argv: list[str] | None = None) -> None:
    import os

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=18780)
    parser.add_argument("--seed", action="append", default=[], help="extra seed JSON")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    serve(
        host=args.host, port=args.port, seeds=args.seed,
        key_id=os.environ.get("RENCAI_GATEWAY_KEY_ID", DEFAULT_KEY_ID),
        secret=os.environ.get("RENCAI_GATEWAY_SECRET", DEFAULT_SECRET),
    )  # fmt: skip
