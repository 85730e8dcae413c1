"""Watch a network learn: the learning report, live, while ``fit`` runs.

``LiveView`` is the callback (a web page on 127.0.0.1, or the Jupyter cell);
``glassnet.live.server.LiveServer`` serves the newest page of a run (imported
when a server starts); ``live_page`` adds the script that keeps an open page up
to date. Standard library only.
"""

from .page import live_page
from .view import LiveView

__all__ = ["LiveView", "live_page"]
