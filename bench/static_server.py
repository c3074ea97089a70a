"""A lean static server for the throughput benchmarks: the bulk portal's files, answered from memory.

The sample portal's server (a thread per connection, a request log, fault
injection) spends about 0.9 ms of CPU a page, and on a two-core machine it
takes that from the crawl it serves, while a real portal's server runs
elsewhere. This one answers with the same bytes and headers (ETag,
Last-Modified, 304 to a matching If-None-Match) from one asyncio loop, for a
small fraction of that CPU, so that a benchmark measures the crawler rather
than its stand-in portal. Both crawls of a ratio use the same server.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import NamedTuple, Self
from urllib.parse import unquote, urlsplit

from crawler.sample.server import FAULTS_LINK, HTML_EXT, TYPES, SiteFiles, etag_matches, file_etag, http_date

_END = b"\r\n\r\n"


class StaticServer:
    """Serves ``root`` on 127.0.0.1 (GET and HEAD, keep-alive) from a loop in a daemon thread."""

    def __init__(self, root: Path) -> None:
        self.files = SiteFiles(root, None)
        self._answers: dict[str, _Answer] = {}
        self.loop = asyncio.new_event_loop()
        self.url = ""
        self._server: asyncio.Server | None = None
        self._thread = threading.Thread(target=self.loop.run_forever, name="static-server", daemon=True)

    def start(self) -> Self:
        self._server = self.loop.run_until_complete(
            self.loop.create_server(lambda: _Connection(self), "127.0.0.1", 0, backlog=128))
        self.url = f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}/"
        self._thread.start()
        return self

    def stop(self) -> None:
        async def close() -> None:
            assert self._server is not None
            self._server.close()
            self.loop.stop()
        asyncio.run_coroutine_threadsafe(close(), self.loop)
        self._thread.join()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def answer(self, target: str, if_none_match: str | None, head: bool) -> bytes:
        """The whole response to a request for ``target``: 200, 304 or 404."""
        path = unquote(urlsplit(target).path)
        if path not in self._answers:
            self._answers[path] = self._render(path)
        answer = self._answers[path]
        if if_none_match is not None and answer.etag and etag_matches(if_none_match, answer.etag):
            return answer.not_modified
        return answer.head if head else answer.full

    def _render(self, path: str) -> _Answer:
        found = self.files.resolve(path, "current")
        if not found.file:
            body = b"<html><body><h1>404 Not Found</h1></body></html>"
            head = _head("404 Not Found", [("Content-Type", "text/html"), ("Content-Length", str(len(body)))])
            return _Answer(head + body, head)
        data = found.file.read_bytes()
        etag = file_etag(data)
        if found.file.suffix in HTML_EXT:
            data = data.replace(FAULTS_LINK, b"")
        validators = [("ETag", etag), ("Last-Modified", http_date(found.date))]
        ctype = TYPES.get(found.file.suffix.lower(), "application/octet-stream")
        head = _head("200 OK", [("Content-Type", ctype), ("Content-Length", str(len(data))), *validators])
        return _Answer(head + data, head, etag, _head("304 Not Modified", validators))


class _Answer(NamedTuple):
    """A path's responses, made once: in full, its head alone (HEAD), and 304 when it has an ETag."""

    full: bytes
    head: bytes
    etag: str = ""
    not_modified: bytes = b""


def _head(status: str, headers: list[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status}", "Server: nginx", *(f"{k}: {v}" for k, v in headers)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class _Connection(asyncio.Protocol):
    def __init__(self, server: StaticServer) -> None:
        self.server = server
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while _END in self.buffer:
            request, self.buffer = self.buffer.split(_END, 1)
            lines = request.split(b"\r\n")
            method, target, _ = lines[0].split(b" ", 2)
            match = next((line.split(b":", 1)[1].decode("latin-1") for line in lines[1:]
                          if line[:14].lower() == b"if-none-match:"), None)
            assert self.transport is not None
            self.transport.write(self.server.answer(target.decode("latin-1"), match, method == b"HEAD"))
