"""A local web server that shows the newest published page of a run, live.

:class:`LiveServer` keeps one HTML page (the learning report of the run so far)
and serves three paths, from the standard library's ``http.server`` in a daemon
thread:

- ``GET /``: the live page, which is the current report itself plus a small
  script (:mod:`glassnet.live.page`) that polls ``/state`` and redraws;
- ``GET /state``: ``{"version": n, "epoch": e, "finished": bool}`` as JSON;
- ``GET /report``: the current report's HTML.

Anything else is 404 (only GET is served; no file is ever read). It listens
on 127.0.0.1 unless asked otherwise, and its pages may fetch nothing but their
own origin (a Content-Security-Policy says so to the browser).
"""

from __future__ import annotations

import contextlib
import errno
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .page import live_page

#: What the server shows before the first page is published.
WAITING = (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
    "<title>glassnet: waiting</title></head><body><p>Waiting for the first"
    " epoch&hellip;</p></body></html>\n"
)
# The browser may run the pages' inline scripts and styles and fetch from this
# server only: no CDN, font or image from anywhere else.
_POLICY = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline';"
    " img-src data: 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'"
)
_LOOPBACK_NAMES = {"localhost", "127.0.0.1", "[::1]"}
_ANY_ADDRESS = {"", "0.0.0.0", "::"}


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a browser's open connection never blocks exit


class _Server6(_Server):
    address_family = socket.AF_INET6


class LiveServer:
    """Serve the newest page of a run on ``http://host:port/``, in a daemon thread.

    Parameters
    ----------
    port : int or None, default=None
        The port to listen on; None or 0 picks a free one.
    host : str, default="127.0.0.1"
        The address to listen on. Only this machine can connect unless
        another address (such as "0.0.0.0") is asked for.

    Raises
    ------
    OSError
        One line, if the port is taken or the address cannot be listened on.

    Examples
    --------
    >>> server = LiveServer()
    >>> server.url.startswith("http://127.0.0.1:")
    True
    >>> server.publish("<html><body>epoch 1</body></html>", epoch=1)
    >>> server.state()
    {'version': 1, 'epoch': 1, 'finished': False}
    >>> server.stop()
    """

    def __init__(self, port: int | None = None, host: str = "127.0.0.1") -> None:
        if port is None:
            port = 0
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port < 2**16:
            raise ValueError(f"port must be an integer from 0 to 65535, got {port!r}")
        self._lock = threading.Lock()
        self._page, self._version, self._epoch, self._finished = WAITING, 0, 0, False
        self._final_served = threading.Event()
        self.visited = False  # whether a live page has been opened
        server_class = _Server6 if ":" in host else _Server
        try:
            self.server = server_class((host, port), _handler(self))
        except OSError as error:
            raise _bind_error(error, host, port) from None
        self.host, self.port = host, self.server.server_address[1]
        self._thread = threading.Thread(
            target=self.server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"glassnet-live:{self.port}",
            daemon=True,
        )
        self._thread.start()

    @property
    def url(self) -> str:
        """The live page's address, such as ``http://127.0.0.1:8765/``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def publish(self, page_html: str, epoch: int, finished: bool = False) -> None:
        """Make ``page_html`` the page served, and tell the open pages to redraw.

        Parameters
        ----------
        page_html : str
            A whole HTML page (``glassnet.report.render_recording``'s).
        epoch : int
            The newest epoch it draws.
        finished : bool, default=False
            Whether this is the final page: the open pages show it, say that
            training has finished and stop asking for more.
        """
        with self._lock:
            self._page, self._epoch = page_html, int(epoch)
            self._finished = bool(finished)
            self._version += 1
            self._final_served.clear()

    def state(self) -> dict:
        """Return what ``/state`` answers: the page's version, epoch, finality."""
        with self._lock:
            return {
                "version": self._version,
                "epoch": self._epoch,
                "finished": self._finished,
            }

    def wait_for_final(self, timeout: float) -> bool:
        """Wait until an open page has fetched the final page, at most ``timeout`` s.

        Returns
        -------
        bool
            Whether a page fetched it in time.
        """
        return self._final_served.wait(timeout)

    def stop(self) -> None:
        """Stop listening and close the port (open pages keep what they show)."""
        if self._thread.is_alive():
            self.server.shutdown()
        self.server.server_close()

    def _current(self, live: bool) -> tuple[str, dict]:
        """Return the page to send (the live page if ``live``) and its state."""
        with self._lock:
            state = {
                "version": self._version,
                "epoch": self._epoch,
                "finished": self._finished,
            }
            page = self._page
            if self._finished:
                self._final_served.set()
        return (live_page(page, state) if live else page), state

    def _allowed_host(self, header: str | None) -> bool:
        """Whether a request's Host header names this server (against DNS rebinding)."""
        if self.host in _ANY_ADDRESS:
            return True
        name = (header or "").strip().lower()
        if name.startswith("["):
            name = name[: name.find("]") + 1]
        else:
            name = name.rsplit(":", 1)[0]
        own = f"[{self.host}]" if ":" in self.host else self.host
        return name in _LOOPBACK_NAMES | {own.lower()}


def _bind_error(error: OSError, host: str, port: int) -> OSError:
    """Return the one-line error of a server that could not listen."""
    if error.errno == errno.EADDRINUSE:
        return OSError(
            f"port {port} on {host} is already in use: choose another port,"
            " or none for a free one"
        )
    reason = error.strerror or str(error)
    return OSError(f"cannot listen on {host} port {port}: {reason}")


def _handler(live: LiveServer) -> type[BaseHTTPRequestHandler]:
    """Return the request handler class that answers for ``live``."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "glassnet-live"
        sys_version = ""

        def do_GET(self) -> None:
            if not live._allowed_host(self.headers.get("Host")):
                self._send(403, "text/plain", b"unexpected Host header\n")
                return
            path = self.path.split("?", 1)[0]
            if path in ("/", "/state"):
                live.visited = True
            if path == "/state":
                body = json.dumps(live.state()).encode()
                self._send(200, "application/json", body)
            elif path in ("/", "/report"):
                page, state = live._current(live=path == "/")
                self._send(200, "text/html; charset=utf-8", page.encode(), state)
            else:
                self._send(404, "text/plain", b"not found\n")

        def _send(self, status: int, kind: str, body: bytes, state=None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Content-Security-Policy", _POLICY)
            if state is not None:  # which page this is, read by the live script
                self.send_header("X-Glassnet-Version", str(state["version"]))
                self.send_header("X-Glassnet-Epoch", str(state["epoch"]))
                self.send_header("X-Glassnet-Finished", str(state["finished"]).lower())
            self.end_headers()
            # The page may have gone away while it was sent.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def log_message(self, format, *args) -> None:
            pass  # the terminal shows training, not one line per request

    return Handler
