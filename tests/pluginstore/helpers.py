"""Plugins for tests, made through the real services (never a hand-set status)."""

import contextlib
import itertools
import json
import threading
from http.server import ThreadingHTTPServer

from domains.services import claim_confirm
from pluginstore import services
from pluginstore.models import Category, Plugin, PluginStatus
from reviews.moderation import plugin_ban
from tests.factories import make_reviewer

_counter = itertools.count(1)


def manifest_for(domain: str, **overrides) -> dict:
    base = f"https://{domain}"
    manifest = {
        "schema_version": "v1",
        "name_for_human": "Test Weather",
        "name_for_model": "test_weather",
        "description_for_human": "Weather forecasts for European cities.",
        "description_for_model": "Get weather forecasts for a European city when the user asks.",
        "auth": {"type": "none"},
        "api": {"type": "openapi", "url": f"{base}/openapi.json"},
        "logo_url": f"{base}/logo.png",
        "contact_email": f"support@{domain}",
        "legal_info_url": f"{base}/legal",
    }
    manifest.update(overrides)
    return manifest


def spec_for(title: str = "Test Weather") -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": title, "version": "1.0"},
        "paths": {
            "/forecast": {
                "get": {
                    "operationId": "getForecast",
                    "summary": "Forecast for a city.",
                    "responses": {"200": {"description": "The forecast."}},
                }
            }
        },
    }


def register(
    owner,
    *,
    domain: str | None = None,
    category=Category.RETRIEVAL,
    verified_domain: bool = True,
    **manifest,
) -> Plugin:
    """An Unverified plugin with one version, through plugin_register_documents.

    Its owner owns its domain (domains.services.claim_confirm, quietly), as every plugin must
    before it is submitted (PRODUCT.md section 9); verified_domain=False leaves it unproved.
    """
    domain = domain or f"plugin{next(_counter)}.example.com"
    plugin = services.plugin_register_documents(
        owner=owner,
        manifest_url=f"https://{domain}/.well-known/ai-plugin.json",
        manifest=json.dumps(manifest_for(domain, **manifest)).encode(),
        spec=json.dumps(spec_for()).encode(),
        spec_url=f"https://{domain}/openapi.json",
        category=category,
    )
    return own_domain(plugin) if verified_domain else plugin


def own_domain(plugin: Plugin) -> Plugin:
    """Its owner owns its domain, quietly (test data: no proof is looked for, nobody told)."""
    claim_confirm(
        developer=plugin.owner, domain=plugin.domain, by=None, reason="Test data", notify=False
    )
    return plugin


def approve(plugin: Plugin, reviewer=None) -> Plugin:
    reviewer = reviewer or make_reviewer()
    plugin.refresh_from_db()
    return services.plugin_version_make_live(
        plugin_id=plugin.pk, version_id=plugin.latest_version_id, by=reviewer
    )


def ban(plugin: Plugin, reviewer=None) -> Plugin:
    return plugin_ban(
        plugin_id=plugin.pk, by=reviewer or make_reviewer(), reason="Breaks the content policy."
    )


def make_plugin(owner, status: str = PluginStatus.UNVERIFIED, **kwargs) -> Plugin:
    plugin = register(owner, **kwargs)
    if status in (PluginStatus.APPROVED, PluginStatus.BANNED):
        plugin = approve(plugin)
    if status == PluginStatus.BANNED:
        plugin = ban(plugin)
    plugin.refresh_from_db()
    return plugin


def fake_fetch(monkeypatch, documents):
    """Make fetch_plugin return these (manifest, spec) documents, recording the targets."""
    calls = []

    def fake(target, *, allow_localhost=None, on_checking=None):
        calls.append(target)
        manifest, spec = documents()
        if manifest is not None and on_checking is not None:
            on_checking()
        manifest_bytes = json.dumps(manifest).encode() if manifest is not None else None
        spec_bytes = json.dumps(spec).encode()
        from pluginstore.checks import check_plugin
        from pluginstore.fetching import FetchedPlugin

        report = check_plugin(manifest_bytes, spec_bytes, manifest_url=target)
        return FetchedPlugin(
            manifest_url=target,
            spec_url="https://x.example.com/openapi.json",
            manifest_bytes=manifest_bytes,
            spec_bytes=spec_bytes if manifest is not None else None,
            report=report,
        )

    monkeypatch.setattr("pluginstore.fetching.fetch_plugin", fake)
    return calls


@contextlib.contextmanager
def serving_demo_plugin(folder):
    """The Book Finder demo plugin served from `folder` on a free localhost port, as
    `manage.py serve_demo_plugin` serves it; yields (folder, port)."""
    from demo.management.commands.serve_demo_plugin import make_handler, prepare_demo_folder

    folder = prepare_demo_folder(folder)
    server = ThreadingHTTPServer(("127.0.0.1", 0), None)
    port = server.server_address[1]
    server.RequestHandlerClass = make_handler(folder, port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield folder, port
    finally:
        server.shutdown()
        server.server_close()
