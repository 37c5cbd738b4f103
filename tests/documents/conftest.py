import io
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


def png_bytes(size=(40, 30), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (10, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def pdf_bytes(pages=2) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    for n in range(pages):
        c.drawString(72, 720, f"Diploma page {n + 1}")
        c.showPage()
    c.save()
    return out.getvalue()


def upload(name: str, data: bytes, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def uploader(db):
    from rencai.accounts.models import User

    return User.objects.create_user("uploader", "Pw@123456", real_name="上传人")


@pytest.fixture
def folder(db):
    from rencai.documents.services import folder_create

    return folder_create(owner_kind="test")


@pytest.fixture
def world(db):
    from tests.cases.factories import build_world

    return build_world()


# --- Hand-built PDFs ---------------------------------------------------------------------


def build_pdf(*, catalog: bytes = b"", page: bytes = b"", objects: tuple[bytes, ...] = ()) -> bytes:
    """A one-page PDF written byte by byte: `catalog` and `page` are extra dictionary
    entries; `objects` become objects 5, 6, … (4 is the page's content stream)."""
    content = b"BT /F1 12 Tf 20 20 Td (Diploma) Tj ET"
    body = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R " + page + b" >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        *objects,
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(body, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, obj))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(body) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(body) + 1, xref)
    )
    return out.getvalue()


def stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), entries, data)


# --- A real clamd, started once per test session -------------------------------------------

#: The EICAR anti-virus test string (not a virus: every scanner is meant to flag it).
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "Rencai.Test.EICAR"
CLAMD = os.environ.get("RENCAI_CLAMD", "/usr/sbin/clamd")


@dataclass
class Clamd:
    process: subprocess.Popen
    socket: Path
    port: int
    log: Path
    started_in: float  # seconds, for the record (not asserted)

    @property
    def unix_address(self) -> str:
        return f"unix://{self.socket}"

    @property
    def tcp_address(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_clamd(directory: Path) -> Clamd:
    """clamd with a one-signature database written here (an EICAR body signature matching
    anywhere in a file, also inside decoded PDF streams): nothing is downloaded, freshclam
    never runs, and loading one signature keeps the start-up well under a second."""
    if not os.access(CLAMD, os.X_OK):
        pytest.fail(f"{CLAMD} is missing: run scripts/ensure-clamd (make test does)")
    database = directory / "db"
    database.mkdir(parents=True)
    (database / "rencai-test.ndb").write_text(f"{SIGNATURE}:0:*:{EICAR.hex()}\n")
    sock, port, log = directory / "clamd.sock", _free_port(), directory / "clamd.log"
    config = directory / "clamd.conf"
    config.write_text(
        "Foreground yes\n"
        f"DatabaseDirectory {database}\n"
        f"LocalSocket {sock}\n"
        f"TCPSocket {port}\nTCPAddr 127.0.0.1\n"
        f"LogFile {log}\n"
        "SelfCheck 0\n"  # no database reloads during the session
        "StreamMaxLength 32M\n"  # above RENCAI_UPLOAD_MAX_BYTES
    )
    started = time.monotonic()
    command = [CLAMD, "-c", str(config)]
    if shutil.which("setpriv"):  # util-linux: clamd dies with a killed test run, no orphans
        command = ["setpriv", "--pdeathsig", "TERM", *command]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    server = Clamd(process, sock, port, log, 0.0)
    from clamav_client.clamd import ClamdError, ClamdUnixSocket

    deadline = started + 60
    while time.monotonic() < deadline:  # readiness wait, not a timing assertion
        if process.poll() is not None:
            pytest.fail(f"clamd exited with {process.returncode}: {log.read_text()[-2000:]}")
        try:
            if ClamdUnixSocket(path=str(sock), timeout=2).ping() == "PONG":
                server.started_in = time.monotonic() - started
                return server
        except (ClamdError, OSError):
            time.sleep(0.05)
    server.stop()
    pytest.fail(f"clamd did not answer PING: {log.read_text()[-2000:]}")


@pytest.fixture(scope="session")
def clamd_server(tmp_path_factory):
    server = start_clamd(tmp_path_factory.mktemp("clamd"))
    yield server
    server.stop()


@pytest.fixture
def clamd(clamd_server, settings):
    """Uploads scanned by the session's clamd (over its Unix socket)."""
    settings.RENCAI_MALWARE_SCANNER = "clamd"
    settings.RENCAI_CLAMD_ADDRESS = clamd_server.unix_address
    return clamd_server


def pytest_collection_modifyitems(config, items):
    # One clamd per session: its tests share one xdist worker (--dist loadgroup).
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if "clamd_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("clamd"))
