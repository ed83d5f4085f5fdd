"""briefing: a static-site generator for news briefing archives."""

__version__ = "0.1.0"
