"""The development gateway as a real process on a free port, and settings pointing the
adapters at it (verification is off in every other test)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

SEED = Path(__file__).with_name("gateway_seed.json")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def gateway_url():
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "rencai.verification.gateway",
            "--port",
            str(port),
            "--seed",
            str(SEED),
        ],
        stdout=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if requests.get(url + "/healthz", timeout=1).ok:
                break
        except requests.RequestException:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("the development gateway did not start")
    yield url
    process.terminate()
    process.wait(10)


@pytest.fixture
def verification_on(settings, gateway_url, db):
    from rencai.verification.reference import example_rules_load
    from rencai.verification.sources import breakers_reset

    example_rules_load()
    settings.RENCAI_VERIFICATION_GATEWAY_URL = gateway_url
    settings.RENCAI_VERIFICATION_READ_TIMEOUT = 1.0
    settings.RENCAI_VERIFICATION_RETRIES = 1
    settings.RENCAI_VERIFICATION_BACKOFF = 0.05
    settings.RENCAI_VERIFICATION_BREAKER_FAILURES = 3
    breakers_reset()
    yield gateway_url
    breakers_reset()


def id_number(body: str) -> str:
    from stdnum.cn import ric

    return body + ric.calc_check_digit(body + "0")
