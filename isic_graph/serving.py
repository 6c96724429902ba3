"""`isic-graph serve`: the query engine as a supervised process, and the web app under waitress."""

from __future__ import annotations

import signal
from types import FrameType

from .config import Settings
from .store.engine import Engine
from .web import create_app


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 5000, threads: int = 8) -> None:
    """Run until interrupted; the engine (embedded store) is stopped on the way out."""
    import waitress

    engine: Engine | None = None
    if not settings.store_url:
        assert settings.store_path is not None, "serve needs an on-disk store or ISIC_STORE_URL"
        engine = Engine(settings.store_path)
        engine.start()

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        app = create_app(settings, engine)
        waitress.serve(app, host=host, port=port, threads=threads, ident="isic-graph",
                       clear_untrusted_proxy_headers=True)
    except KeyboardInterrupt:
        pass
    finally:
        if engine is not None:
            engine.stop()
