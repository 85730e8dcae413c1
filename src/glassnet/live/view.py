"""``LiveView``: a callback that shows the learning report while ``fit`` runs.

It is a :class:`~glassnet.recording.Recorder` (so it keeps the same snapshots,
and ``tabular.train`` gives it rows to watch as it gives a Recorder), which
after every recorded epoch renders the report of the run so far
(``glassnet.report.render_recording``) and shows it: on a local web page
(:class:`~glassnet.live.server.LiveServer`), or in a Jupyter kernel, in the
cell that runs ``fit``.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from ..recording import Recorder, Recording, Snapshot

#: Seconds the server waits, after the final page, for an open page to fetch it.
GRACE_SECONDS = 3.0
# Redraws never take more than about a fifth of the training time: the next one
# waits at least four times as long as the last took to render.
_MIN_SECONDS = {"server": 0.2, "notebook": 1.0}
_COST_FACTOR = 4.0


class LiveView(Recorder):
    """Watch a network learn: the learning report, redrawn after every epoch.

    Outside Jupyter it serves the report on ``http://127.0.0.1:PORT/`` (the
    URL is printed when training begins): the page redraws after every
    recorded epoch, with the report's drawing, curves and slider. When training
    ends it shows the final report and says so; the server then stops once
    the page has fetched that final page (at most ``grace`` seconds later; at
    once if no page was ever opened), or stays until Ctrl-C with
    ``keep_serving`` (call :meth:`wait`). In a
    Jupyter kernel it starts no server: the report is drawn in the cell and
    redrawn there.

    Parameters
    ----------
    rows : array-like of shape (n_rows, n_inputs), optional
        Inputs whose predictions the report shows at every epoch (none if
        omitted; ``glassnet.tabular.train`` gives it its first training rows).
    every : int, default=1
        Record (and redraw) after every ``every`` epochs.
    max_bytes : int, default=20_000_000
        Memory the snapshots may take (see ``Recorder``).
    port : int, optional
        The port to listen on; by default a free one.
    host : str, default="127.0.0.1"
        The address to listen on: only this machine, unless asked.
    keep_serving : bool, default=False
        Keep serving the final page after training, until :meth:`wait` is
        interrupted with Ctrl-C.
    open_browser : bool, default=False
        Open the page in the default web browser when training begins.
    finish_on_train_end : bool, default=True
        Show the final page when ``fit`` ends. Without it the caller shows it
        with :meth:`finish` (the command line does, after a whole ensemble).
    grace : float, default=GRACE_SECONDS
        Seconds the server waits after the final page for a page to fetch it.

    Attributes
    ----------
    recording : Recording or None
        The run so far, as a ``Recorder`` keeps it.
    server : LiveServer or None
        While serving.
    redraws : int
        How many pages were shown.

    Examples
    --------
    >>> from glassnet import tutorials
    >>> net = tutorials.tutorial_network([3, 4, 1])
    >>> view = LiveView(rows=tutorials.MILO_X)
    >>> _ = net.fit(tutorials.MILO_X, tutorials.MILO_Y, epochs=3, callbacks=[view])
    watch it learn: http://127.0.0.1:.../
    >>> view.redraws >= 2, view.server is None
    (True, True)
    """

    def __init__(
        self,
        rows=None,
        every: int = 1,
        max_bytes: int = 20_000_000,
        *,
        port: int | None = None,
        host: str = "127.0.0.1",
        keep_serving: bool = False,
        open_browser: bool = False,
        finish_on_train_end: bool = True,
        grace: float = GRACE_SECONDS,
    ) -> None:
        super().__init__(rows, every, max_bytes)
        self.port, self.host = port, host
        self.keep_serving, self.open_browser = keep_serving, open_browser
        self.finish_on_train_end, self.grace = finish_on_train_end, float(grace)
        self.server = None  # a LiveServer while serving
        self.redraws = 0
        self._display = None  # the notebook's display handle
        self._next_draw = 0.0  # time.monotonic() before which no redraw is due

    def start(self) -> str | None:
        """Start the server now (once) and print its URL; return the URL.

        ``fit`` calls this when training begins; the command line calls it
        first, so that a taken port is said before any training. In a Jupyter
        kernel nothing starts and this returns None.
        """
        if self.server is None and _notebook_shell() is None:
            # http.server loads in about 40 ms: only when a server is wanted.
            from .server import LiveServer

            self.server = LiveServer(self.port, self.host)
            print(f"watch it learn: {self.server.url}", flush=True)
            if self.open_browser:
                import webbrowser

                webbrowser.open(self.server.url)
        return None if self.server is None else self.server.url

    def on_train_begin(self, network):
        if self.rows is None:
            # No rows to predict: the report shows weights and curves only.
            if self.recording is None:
                empty = np.zeros((0, network.n_inputs))
                now = Snapshot.of(network, network.epochs_trained)
                self.recording = Recording(network.get_config(), empty, [now])
        else:
            super().on_train_begin(network)
        self.start()
        self._display = None  # a new fit draws in its own cell
        self._next_draw = 0.0
        self._show(network.epochs_trained)

    def on_epoch_end(self, network, epoch, logs):
        super().on_epoch_end(network, epoch, logs)
        if self.recording.snapshots[-1].epoch != epoch + 1:
            return  # not a recorded epoch
        self.recording.history = network.history.to_dict()
        if time.monotonic() >= self._next_draw:
            self._show(epoch + 1)

    def on_train_end(self, network, history):
        super().on_train_end(network, history)
        if self.finish_on_train_end:
            self.finish()
        else:
            self._show(network.epochs_trained)

    def finish(self, page_html: str | None = None) -> None:
        """Show the final page (by default the report of the recording).

        The open page shows it and says that training has finished. Then the
        server stops, once the page has fetched it or after ``grace`` seconds
        (at once if no page was ever opened), unless ``keep_serving`` (then
        :meth:`wait` serves until Ctrl-C).

        Parameters
        ----------
        page_html : str, optional
            The final page, such as the saved report of a whole run.
        """
        if self.recording is None and page_html is None:
            self.stop()  # no training began: nothing to show
            return
        epoch = self.recording.snapshots[-1].epoch if self.recording else 0
        self._show(epoch, page_html, finished=True)
        if self.server is not None and not self.keep_serving:
            if self.server.visited:  # else no page is waiting for it
                self.server.wait_for_final(self.grace)
            self.stop()

    def wait(self) -> None:
        """Serve until Ctrl-C, then stop the server (for ``keep_serving``)."""
        if self.server is None:
            return
        print(f"serving {self.server.url} until Ctrl-C", flush=True)
        try:
            while True:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop the server now, if one is running."""
        if self.server is not None:
            self.server.stop()
            self.server = None

    def _show(self, epoch: int, page=None, finished: bool = False) -> None:
        """Render the report so far and show it where the user looks."""
        from ..report import render_recording

        started = time.monotonic()
        if page is None:
            page = render_recording(self.recording)
        shell = _notebook_shell()
        if shell is not None:
            self._display = _show_in_notebook(page, self._display, epoch, finished)
        elif self.server is not None:
            self.server.publish(page, epoch, finished=finished)
        self.redraws += 1
        cost = time.monotonic() - started
        where = "notebook" if shell is not None else "server"
        self._next_draw = time.monotonic() + max(
            _MIN_SECONDS[where], _COST_FACTOR * cost
        )


def _notebook_shell():
    """Return the running Jupyter kernel's shell, or None outside a kernel.

    IPython is not a dependency: a kernel has imported it already, so this
    only looks for it among the loaded modules.
    """
    ipython = sys.modules.get("IPython")
    get_ipython = getattr(ipython, "get_ipython", None)
    shell = get_ipython() if get_ipython is not None else None
    return shell if getattr(shell, "kernel", None) is not None else None


def _show_in_notebook(page: str, handle, epoch: int, finished: bool):
    """Show ``page`` in the cell (an iframe, so its scripts run); return the handle."""
    import html

    from IPython.display import HTML, display  # present: a kernel is running

    words = "training finished at epoch" if finished else "live: training, epoch"
    frame = HTML(
        f'<div class="glassnet-live"><p>glassnet {words} {epoch}</p>'
        f'<iframe srcdoc="{html.escape(page, quote=True)}" sandbox="allow-scripts"'
        ' style="width:100%;height:1100px;border:0"></iframe></div>'
    )
    if handle is None:
        return display(frame, display_id=True)
    handle.update(frame)
    return handle
