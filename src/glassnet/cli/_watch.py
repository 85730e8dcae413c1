"""``glassnet train --watch``: the live view of a training run, from the command line.

The live view follows the network that the report follows (the first member
of an ensemble), so its ``on_train_end`` can come before the run is over: the
command shows the final page itself, once the model and report are written.
"""

from __future__ import annotations

import argparse

from ._args import UsageError


def start_watching(args: argparse.Namespace):
    """Return a started ``LiveView`` for ``--watch`` (None without it).

    Raises
    ------
    UsageError
        ``--port`` or ``--keep-serving`` without ``--watch``.
    OSError
        One line, if the port is taken.
    """
    if not args.watch:
        if args.port is not None:
            raise UsageError("--port needs --watch")
        if args.keep_serving:
            raise UsageError("--keep-serving needs --watch")
        return None
    from ..live import LiveView

    view = LiveView(
        port=args.port, keep_serving=args.keep_serving, finish_on_train_end=False
    )
    view.start()  # before any work: a taken port fails the command at once
    return view


def finish_watching(recorder, args: argparse.Namespace, saved: bool) -> None:
    """Show the final page: the report just saved if any, else the recording's.

    With ``--keep-serving`` this serves until Ctrl-C.
    """
    if not args.watch or recorder is None:
        return
    page = None
    if saved and args.report is not None:
        with open(args.report, encoding="utf-8") as file:
            page = file.read()  # exactly what --report wrote
    recorder.finish(page)
    if args.keep_serving:
        recorder.wait()
