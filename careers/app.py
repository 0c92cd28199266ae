"""The careers site's web server (aiohttp): pages from the knowledge base, static files
from careers/static, and headers that keep the page to our own origin and the bot's."""
from __future__ import annotations

import asyncio
import logging
import re
from typing import Awaitable, Callable, Optional

from aiohttp import web

from bot import KnowledgeBase, KnowledgeBaseUnavailable
from careers.config import Settings
from careers.pages import STATIC, Renderer

log = logging.getLogger(__name__)

KB_KEY = web.AppKey("kb", KnowledgeBase)
RENDERER_KEY = web.AppKey("renderer", Renderer)
SETTINGS_KEY = web.AppKey("settings", Settings)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def content_security_policy(settings: Settings) -> str:
    """Scripts, styles, images and fonts from this origin only; connections to this origin
    and the Rasa server (socket.io over polling and WebSocket); no frames, no plugins."""
    chat = settings.chat_origin
    socket = "ws" + chat[len("http"):]  # http -> ws, https -> wss
    return "; ".join([
        "default-src 'none'",
        "script-src 'self'",
        # The widget injects its stylesheet as <style> elements and sets inline styles.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",  # the widget's carousel icon font is inline
        f"connect-src 'self' {chat} {socket}",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def create_app(settings: Settings, kb: Optional[KnowledgeBase] = None) -> web.Application:
    app = web.Application(middlewares=[_headers(settings), _errors])
    app[SETTINGS_KEY] = settings
    app[KB_KEY] = kb or KnowledgeBase(settings.kb_url)
    app[RENDERER_KEY] = Renderer(settings)
    app.router.add_get("/", index, name="index")
    app.router.add_get("/jobs/{slug}", job, name="job")
    app.router.add_get("/jobs/{slug}/", job_slash)
    app.router.add_get("/jobs", jobs_redirect)
    app.router.add_get("/healthz", health)
    app.router.add_static("/static/", STATIC, show_index=False, follow_symlinks=False)
    # aiohttp's annotation of on_cleanup nests the handler type once too often; the handler
    # is the documented kind, `async def handler(app) -> None`.
    app.on_cleanup.append(_close_kb)  # type: ignore[arg-type]
    return app


async def _close_kb(app: web.Application) -> None:
    app[KB_KEY].close()


def _html(body: str, status: int = 200) -> web.Response:
    return web.Response(text=body, status=status, content_type="text/html", charset="utf-8")


#: Longest search text or filter value read from the query string.
MAX_QUERY = 200


async def _render(request: web.Request, method: str, *args: object) -> Optional[str]:
    """Render in a worker thread: the knowledge base is read with blocking SQLAlchemy."""
    renderer = request.app[RENDERER_KEY]
    kb = request.app[KB_KEY]
    return await asyncio.get_running_loop().run_in_executor(
        None, lambda: getattr(renderer, method)(kb, *args))


async def index(request: web.Request) -> web.Response:
    """The open roles, searched and filtered by the query string (a plain GET form: works
    without JavaScript, by keyboard and with a screen reader)."""
    params = request.query
    search = {name: params.get(name, "")[:MAX_QUERY].strip()
              for name in ("q", "department", "location", "type")}
    return _html(await _render(request, "index", search))  # type: ignore[arg-type]


async def job(request: web.Request) -> web.Response:
    slug = request.match_info["slug"]
    body = await _render(request, "job", slug) if SLUG.match(slug) else None
    if body is None:
        raise web.HTTPNotFound()
    return _html(body)


async def job_slash(request: web.Request) -> web.Response:
    slug = request.match_info["slug"]
    if not SLUG.match(slug):
        raise web.HTTPNotFound()
    raise web.HTTPPermanentRedirect(f"/jobs/{slug}")


async def jobs_redirect(request: web.Request) -> web.Response:
    raise web.HTTPFound("/")


async def health(request: web.Request) -> web.Response:
    return web.Response(text="ok")


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Friendly HTML pages for missing pages and an unreadable knowledge base."""
    renderer = request.app[RENDERER_KEY]
    try:
        return await handler(request)
    except web.HTTPNotFound:
        if request.path.startswith("/static/"):
            raise
        return _html(renderer.error(404, "Page not found",
                                    "We couldn't find that page. The role may have been filled "
                                    "or its address may have changed."), 404)
    except KnowledgeBaseUnavailable as exc:
        log.error("Knowledge base unavailable: %s", exc)
        return _html(renderer.error(503, "Job listings are unavailable",
                                    "We can't show the open roles right now. Please try again "
                                    "in a few minutes."), 503)
    except web.HTTPException:
        raise
    except Exception:  # noqa: BLE001 - a page, not a stack trace, for the candidate
        log.exception("Error rendering %s", request.path)
        return _html(renderer.error(500, "Something went wrong",
                                    "We couldn't show this page. Please try again in a moment."),
                     500)


def _headers(settings: Settings) -> Callable:
    csp = content_security_policy(settings)

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            response = exc
            _secure(response, csp, request)
            raise
        _secure(response, csp, request)
        return response

    return middleware


def _secure(response: web.StreamResponse, csp: str, request: web.Request) -> None:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", csp)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if request.path.startswith("/static/"):
        # Asset URLs carry a content hash (?v=...): cache those for good, revalidate the rest.
        headers.setdefault("Cache-Control", "public, max-age=31536000, immutable"
                           if "v" in request.query else "no-cache")
    else:
        headers.setdefault("Cache-Control", "no-cache")
