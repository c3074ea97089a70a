"""A real HTTP/1.1 server for the sample portal, on 127.0.0.1.

It answers as the portals' own servers do: keep-alive, ``ETag`` (a hash of
the stored bytes, before noise) and ``Last-Modified`` (from the manifest's
publication dates, since git does not keep mtimes), 304 on a matching
``If-None-Match`` / ``If-Modified-Since``, HTML as bare ``text/html`` so the
page's own meta charset decides. Every HTML page gets a visit counter and the
current time filled in per request, so a page's bytes differ between fetches
while its content does not. ``state="next"`` serves the overlay of a year later
(``next/``: added or changed files, ``removed.txt`` → 404, moved → 301).
"""

from __future__ import annotations

import hashlib
import json
import socket
import struct
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self
from urllib.parse import unquote, urlsplit

from .faults import FAULT_ROOT, WAF_PAGES, Fault, FaultPlan, parse_faults

PACKAGE = Path(__file__).parent
HTML_EXT = (".html", ".htm", ".shtml")
TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".shtml": "text/html",
    ".txt": "text/plain",
    ".json": "application/json",
    ".css": "text/css",
    ".js": "application/javascript",
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
}
FALLBACK_DATE = "2025-01-20"
FAULTS_LINK = b"<!--zfx:faults-->"
FAULTS_ITEM = f'<li><a href="{FAULT_ROOT}index.html">故障测试栏目</a></li>'.encode()
BEIJING = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class LogEntry:
    method: str
    path: str
    status: int
    sent: int  # bytes written to the socket: status line, headers and body
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Resolved:
    """What a path is in a state: a file (with its date), a redirect, or nothing."""

    file: Path | None = None
    date: str = FALLBACK_DATE
    location: str | None = None


class SiteFiles:
    """The files of both states: the site, and the next-year overlay on top of it."""

    def __init__(self, root: Path, next_root: Path | None) -> None:
        self.root, self.next_root = root, next_root
        self.dates = _dates(root)
        self.next_dates = {**self.dates, **_dates(next_root)} if next_root else self.dates
        meta = _json(next_root / "manifest.json") if next_root else {}
        self.redirects: dict[str, str] = meta.get("redirects", {})
        removed = next_root / "removed.txt" if next_root else None
        self.removed = set(removed.read_text(encoding="utf-8").split()) if removed and removed.exists() else set()

    def resolve(self, path: str, state: str) -> Resolved:
        if path.endswith("/"):
            path += "index.html"
        rel = path.lstrip("/")
        if state == "next":
            if path in self.redirects:
                return Resolved(location=self.redirects[path])
            if path in self.removed:
                return Resolved()
            overlay = _inside(self.next_root, rel) if self.next_root else None
            if overlay and overlay.is_file():
                return Resolved(overlay, self.next_dates.get(path, FALLBACK_DATE))
        file = _inside(self.root, rel)
        if file and file.is_file() and rel != "manifest.json":
            dates = self.next_dates if state == "next" else self.dates
            return Resolved(file, dates.get(path, FALLBACK_DATE))
        return Resolved()


def _inside(root: Path, rel: str) -> Path | None:
    """``root/rel`` unless it escapes ``root``."""
    target = (root / rel).resolve()
    return target if target.is_relative_to(root.resolve()) else None


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _dates(root: Path | None) -> dict[str, str]:
    return _json(root / "manifest.json").get("dates", {}) if root else {}


def http_date(day: str) -> str:
    """The deterministic Last-Modified of a file published on ``day`` (10:00 Beijing time)."""
    stamp = datetime.strptime(day[:10], "%Y-%m-%d").replace(hour=10, tzinfo=BEIJING)
    return format_datetime(stamp.astimezone(UTC), usegmt=True)


class _Counting:
    """Wraps the socket's write file to count the bytes a response sends."""

    def __init__(self, raw) -> None:
        self.raw, self.count = raw, 0

    def write(self, data: bytes) -> int:
        self.count += len(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()

    def __getattr__(self, name: str):
        return getattr(self.raw, name)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def version_string(self) -> str:
        return "nginx"

    def setup(self) -> None:
        super().setup()
        self.wfile = _Counting(self.wfile)

    def log_message(self, format: str, *args) -> None:  # the request log replaces stderr lines
        pass

    def do_GET(self) -> None:
        self._handle(head=False)

    def do_HEAD(self) -> None:
        self._handle(head=True)

    def _handle(self, head: bool) -> None:
        app: SampleServer = self.server.app  # type: ignore[attr-defined]
        before = self.wfile.count
        path = unquote(urlsplit(self.path).path)
        app._begin()
        status = 0
        try:
            fault = app.plan.take(path) if app.plan.active else None
            status = _respond(self, app, path, head, fault)
        finally:
            app._record(LogEntry(self.command, self.path, status, self.wfile.count - before, dict(self.headers.items())))


def _respond(h: Handler, app: SampleServer, path: str, head: bool, fault: Fault | None) -> int:
    if fault and fault.kind == "slow":
        time.sleep(fault.delay)
    elif fault:
        return _fault(h, app, path, head, fault)
    if path.startswith(FAULT_ROOT) and not app.plan.active:
        return _small(h, 404, "not found", head)
    found = app.files.resolve(path, app.state)
    if found.location:
        return _small(h, 301, "moved", head, {"Location": app.url.rstrip("/") + found.location})
    if not found.file:
        return _small(h, 404, "<html><body><h1>404 Not Found</h1></body></html>", head)
    return _file(h, app, path, found, head)


def _file(h: Handler, app: SampleServer, path: str, found: Resolved, head: bool) -> int:
    data, etag = app.read(found.file)
    modified = http_date(found.date)
    if _not_modified(h, etag, found.date):
        h.send_response(304)
        h.send_header("ETag", etag)
        h.send_header("Last-Modified", modified)
        h.end_headers()
        return 304
    if found.file.suffix in HTML_EXT:
        data = data.replace(FAULTS_LINK, FAULTS_ITEM if app.plan.active else b"")
        data = app.fill_noise(path, data) if app.noise else data
    return _send(h, 200, data, _type(found.file.suffix), head, {"ETag": etag, "Last-Modified": modified})


def file_etag(data: bytes) -> str:
    """A file's ETag: of its stored bytes, so noise filled in per request never changes it."""
    return '"' + hashlib.sha1(data).hexdigest()[:20] + '"'


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weak or strong) or is ``*``."""
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in tags or etag in tags


def _not_modified(h: Handler, etag: str, day: str) -> bool:
    match = h.headers.get("If-None-Match")
    if match is not None:
        return etag_matches(match, etag)
    since = h.headers.get("If-Modified-Since")
    if since:
        try:
            return parsedate_to_datetime(since) >= parsedate_to_datetime(http_date(day))
        except (TypeError, ValueError):
            return False
    return False


def _type(suffix: str) -> str:
    return TYPES.get(suffix.lower(), "application/octet-stream")


def _send(h: Handler, status: int, data: bytes, ctype: str, head: bool, extra: dict[str, str] | None = None) -> int:
    h.send_response(status)
    h.send_header("Content-Type", ctype)
    h.send_header("Content-Length", str(len(data)))
    for name, value in (extra or {}).items():
        h.send_header(name, value)
    h.end_headers()
    if not head:
        h.wfile.write(data)
    return status


def _small(h: Handler, status: int, text: str, head: bool, extra: dict[str, str] | None = None) -> int:
    return _send(h, status, text.encode("utf-8"), "text/html", head, extra)


def _fault(h: Handler, app: SampleServer, path: str, head: bool, fault: Fault) -> int:
    """Answer with the fault instead of the file (slow faults only delay the normal answer)."""
    kind = fault.kind
    if kind in ("500", "403", "412"):
        return _small(h, int(kind), f"<html><body><h1>{kind}</h1></body></html>", head)
    if kind == "429":
        return _small(h, 429, "Too Many Requests", head, {"Retry-After": str(max(1, round(fault.delay)))})
    if kind == "waf":
        return _small(h, 200, WAF_PAGES[app.plan.hits.get(path, 0) % len(WAF_PAGES)], head)
    if kind == "redirect_loop":
        hop = app.bump("loop")
        return _small(h, 302, "found", head, {"Location": f"{app.url.rstrip('/')}{path}?zfx-loop={hop}"})
    if kind == "reset":
        h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        h.close_connection = True
        h.connection.close()
        return 0
    if kind == "not_zip_docx":
        return _send(h, 200, "<html><body>文件不存在或已被删除</body></html>".encode(), _type(".docx"), head)
    if kind == "huge":
        return _huge(h, fault.size, head)
    return _broken_body(h, app, path, head, kind)


def _broken_body(h: Handler, app: SampleServer, path: str, head: bool, kind: str) -> int:
    """truncated: fewer bytes than announced, then close; wrong_charset: GBK bytes said to be utf-8."""
    found = app.files.resolve(path, app.state)
    if not found.file:
        return _small(h, 404, "not found", head)
    data, _ = app.read(found.file)
    if kind == "wrong_charset":
        text = data.decode("utf-8", errors="replace")
        return _send(h, 200, text.encode("gbk", "xmlcharrefreplace"), "text/html; charset=utf-8", head)
    h.send_response(200)
    h.send_header("Content-Type", _type(found.file.suffix))
    h.send_header("Content-Length", str(len(data)))
    h.end_headers()
    if not head:
        h.wfile.write(data[: len(data) // 2])
        h.wfile.flush()
    h.close_connection = True
    return 200


def _huge(h: Handler, size: int, head: bool) -> int:
    """Stream ``size`` bytes from a generator; nothing is stored."""
    h.send_response(200)
    h.send_header("Content-Type", "application/pdf")
    h.send_header("Content-Length", str(size))
    h.end_headers()
    if head:
        return 200
    chunk = b"%PDF-1.4\n" + b"0" * (1 << 20)
    sent = 0
    try:
        while sent < size:
            piece = chunk[: min(len(chunk), size - sent)]
            h.wfile.write(piece)
            sent += len(piece)
    except (BrokenPipeError, ConnectionResetError):
        h.close_connection = True
    return 200


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # A real server's listen backlog: socketserver's default of 5 drops the SYNs of a crawler that
    # opens connections quickly, and each drop costs a 1 s retransmit (benchmarks measured that).
    request_queue_size = 128

    def handle_error(self, request, client_address) -> None:
        """A client that hung up (a timeout, a reset test) is not a server error."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class SampleServer:
    """The sample portal on 127.0.0.1, in a daemon thread; use as a context manager."""

    def __init__(self, root: Path | str | None = None, state: str = "current", noise: bool = True, faults=None, port: int = 0) -> None:
        site = Path(root) if root else PACKAGE / "site"
        nxt = site.parent / "next"
        self.files = SiteFiles(site, nxt if nxt.is_dir() else None)
        self.noise = noise
        self.plan = FaultPlan(parse_faults(faults))
        self.set_state(state)
        self._log: list[LogEntry] = []
        self._lock = threading.Condition()
        self._busy = 0
        self._counters: dict[str, int] = {}
        self._cache: dict[Path, tuple[bytes, str]] = {}
        self.httpd = _Server(("127.0.0.1", port), Handler)
        self.httpd.app = self  # type: ignore[attr-defined]
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self._thread: threading.Thread | None = None

    def start(self) -> SampleServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), name="sample-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def set_state(self, state: str) -> None:
        if state not in ("current", "next"):
            raise ValueError(f"state is 'current' or 'next', not {state!r}")
        if state == "next" and not self.files.next_root:
            raise ValueError("this site has no next/ overlay")
        self.state = state

    def set_faults(self, faults) -> None:
        """Replace the fault plan (counts start again)."""
        self.plan = FaultPlan(parse_faults(faults))

    @property
    def log(self) -> list[LogEntry]:
        """Requests answered so far (waits briefly for answers still being written)."""
        with self._lock:
            self._lock.wait_for(lambda: self._busy == 0, timeout=2.0)
            return list(self._log)

    def bytes_sent(self) -> int:
        return sum(e.sent for e in self.log)

    def clear_log(self) -> None:
        with self._lock:
            self._lock.wait_for(lambda: self._busy == 0, timeout=2.0)
            self._log.clear()

    def _begin(self) -> None:
        with self._lock:
            self._busy += 1

    def _record(self, entry: LogEntry) -> None:
        with self._lock:
            self._log.append(entry)
            self._busy -= 1
            self._lock.notify_all()

    def bump(self, key: str) -> int:
        with self._lock:
            self._counters[key] = self._counters.get(key, 0) + 1
            return self._counters[key]

    def read(self, file: Path) -> tuple[bytes, str]:
        """A file's bytes and ETag (cached: the files do not change while serving)."""
        cached = self._cache.get(file)
        if cached is None:
            data = file.read_bytes()
            cached = (data, file_etag(data))
            self._cache[file] = cached
        return cached

    def fill_noise(self, path: str, data: bytes) -> bytes:
        count = 10000 + self.bump(path)
        now = datetime.now(BEIJING).strftime("%Y-%m-%d %H:%M:%S.%f")
        return data.replace(b"<!--zfx:counter-->", str(count).encode()).replace(b"<!--zfx:now-->", now.encode())


def serve(port: int = 8000, state: str = "current", noise: bool = True, faults=None, root: Path | str | None = None) -> None:
    """Serve until interrupted (the CLI's ``zfxxgk serve-sample``); prints the URL."""
    server = SampleServer(root=root, state=state, noise=noise, faults=faults, port=port)
    print(f"sample portal at {server.url} (state {state}, faults {'on' if server.plan.active else 'off'})", flush=True)
    try:
        server.httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()


if __name__ == "__main__":
    serve()
