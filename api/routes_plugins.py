"""/api/v1/plugins and /api/v1/jobs: the developer's plugins, registering, refreshing, jobs,
and verifying a plugin's domain. Each write calls the web's service; a refusal is its message
with this operation's code."""

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from api import selectors, services
from api.errors import refused
from api.schemas import DomainOut, Error, JobOut, PluginOut, PluginPage, RegisterIn
from core.exceptions import ApplicationError
from pluginstore import services as plugin_services
from pluginstore.models import FetchJob, Plugin

router = Router(tags=["plugins"])
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 429: Error}


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=1_000_000)


def plugin_out(plugin: Plugin) -> dict:
    latest = plugin.latest_version
    return {
        "id": plugin.pk,
        "slug": plugin.slug,
        "domain": plugin.domain,
        "name": plugin.display_name,
        "status": plugin.status,
        "category": plugin.category,
        "listed": plugin.listed,
        "manifest_url": plugin.manifest_url,
        "latest_version": None
        if latest is None
        else {
            "number": latest.number,
            "error_count": latest.error_count,
            "warning_count": latest.warning_count,
            "fetched_at": latest.fetched_at,
        },
        "live_version_number": plugin.live_version.number if plugin.live_version_id else None,
        "created_at": plugin.created_at,
    }


def job_out(job: FetchJob) -> dict:
    findings = job.findings if isinstance(job.findings, list) else []
    version = job.version
    if version is not None:
        errors, warnings = version.error_count, version.warning_count
    else:
        errors = sum(1 for f in findings if isinstance(f, dict) and f.get("severity") == "error")
        warnings = sum(
            1 for f in findings if isinstance(f, dict) and f.get("severity") == "warning"
        )
    return {
        "id": job.pk,
        "kind": job.kind,
        "state": job.state,
        "state_label": job.get_state_display(),
        "finished": job.is_finished,
        "plugin_id": job.plugin_id,
        "version_number": version.number if version is not None else None,
        "unchanged": job.unchanged,
        "error": job.error,
        "error_count": errors,
        "warning_count": warnings,
        "findings": [f for f in findings if isinstance(f, dict)],
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


@router.get(
    "/plugins", response={200: PluginPage, **ERRORS}, url_name="plugins", summary="My plugins"
)
def plugin_list(request: HttpRequest, query: Query[PageQuery]):
    """The plugins you develop (as owner or co-developer), newest first, 20 a page."""
    return selectors.paginate(
        request, selectors.api_plugins(request.auth.user), query.page, plugin_out
    )


@router.post(
    "/plugins", response={202: JobOut, **ERRORS}, url_name="register", summary="Register a plugin"
)
def plugin_register(request: HttpRequest, body: RegisterIn):
    """Register a plugin by its domain: starts a fetch job (poll GET /jobs/{id})."""
    try:
        job = plugin_services.plugin_registration_start(
            user=request.auth.user, target=body.target, category=body.category
        )
    except ApplicationError as error:
        raise refused("registration_refused", error) from None
    return Status(202, job_out(job))


@router.get(
    "/plugins/{plugin_id}",
    response={200: PluginOut, **ERRORS},
    url_name="plugin",
    summary="One of my plugins",
)
def plugin_detail(request: HttpRequest, plugin_id: int):
    """One of your plugins: its status and its latest and live versions."""
    return plugin_out(selectors.api_plugin(request.auth.user, plugin_id))


@router.post(
    "/plugins/{plugin_id}/refresh",
    response={202: JobOut, **ERRORS},
    url_name="refresh",
    summary="Refresh a plugin",
)
def plugin_refresh(request: HttpRequest, plugin_id: int):
    """Fetch the manifest and spec again; a new version is stored only if they changed."""
    plugin = selectors.api_plugin(request.auth.user, plugin_id)
    try:
        job = plugin_services.plugin_refresh_start(user=request.auth.user, plugin_id=plugin.pk)
    except ApplicationError as error:
        raise refused("refresh_refused", error) from None
    return Status(202, job_out(job))


@router.get(
    "/jobs/{job_id}",
    response={200: JobOut, **ERRORS},
    url_name="job",
    summary="A job's state and findings",
)
def job_detail(request: HttpRequest, job_id: int):
    """A register or refresh job you started: its state and, once finished, its findings."""
    return job_out(selectors.api_job(request.auth.user, job_id))


@router.get(
    "/plugins/{plugin_id}/domain",
    response={200: DomainOut, **ERRORS},
    url_name="domain",
    summary="A plugin's domain",
)
def domain_detail(request: HttpRequest, plugin_id: int):
    """Your standing with the plugin's domain, the proof to publish and the newest check."""
    plugin = selectors.api_plugin(request.auth.user, plugin_id)
    return services.domain_out(user=request.auth.user, plugin=plugin)


@router.post(
    "/plugins/{plugin_id}/verify-domain",
    response={202: DomainOut, **ERRORS},
    url_name="verify_domain",
    summary="Verify a plugin's domain",
)
def domain_verify(request: HttpRequest, plugin_id: int):
    """Look for the proof of control of the plugin's domain (DNS TXT record or well-known
    file); poll GET /plugins/{plugin_id}/domain for the check's outcome."""
    plugin = selectors.api_plugin(request.auth.user, plugin_id)
    return Status(202, services.domain_verify(user=request.auth.user, plugin=plugin))
