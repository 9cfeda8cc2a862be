"""Registering and refreshing plugins: fetch jobs, their checks, and the versions they store."""

import functools
import hashlib

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from core.exceptions import ApplicationError
from core.fetch import check_url
from core.hosts import (
    PluginTarget,
    canonical_authority,
    is_local_host,
    local_development,
    parse_target,
    url_host,
)
from core.queue import enqueue_on_commit, task_named
from domains.selectors import domain_holder_id
from pluginstore import fetching, permissions
from pluginstore.checks import check_plugin
from pluginstore.fetching import FetchedPlugin
from pluginstore.models import (
    URL_MAX_LENGTH,
    Category,
    FetchJob,
    FetchJobKind,
    FetchJobState,
    Plugin,
    PluginStatus,
    PluginVersion,
)
from pluginstore.services.catalogue import copy_listing_fields, plugin_status_record
from pluginstore.signals import version_stored

MAX_OPEN_FETCH_JOBS = 3
FETCH_TASK = "pluginstore.tasks.plugin_fetch_task"
# Why a job failed when the fault is ours, never the plugin's (the job page shows it).
JOB_FAILED_ON_OUR_SIDE = (
    "Something went wrong on our side while checking your plugin; this is not a problem with "
    "your plugin. Please try again in a few minutes."
)
JOB_OUT_OF_TIME = (
    "The check ran out of the time we allow it; this is our limit, not a problem found in your "
    "plugin. Please try again."
)
JOB_LOST = "The check stopped before it finished, on our side. Please try again."


# Registering and refreshing ---------------------------------------------------------------


def plugin_domain_for(manifest_url: str) -> str:
    """The identity of a plugin, stored as Plugin.domain and compared for one owner per domain:
    its manifest's server in the one canonical spelling (core.hosts.canonical_authority), so
    https://Example.test:443 and example.test. are the same domain, and so are 127.0.0.1:8001
    and localhost:8001."""
    return canonical_authority(manifest_url)


def _refuse_unfetchable(target: PluginTarget) -> None:
    """Refuse now, rather than after a queued job, what the fetch would refuse before connecting."""
    if target.is_local and not local_development():
        raise ApplicationError(
            "Localhost plugins can be registered only in local development. "
            "Deploy your plugin to a public HTTPS domain and register that domain."
        )
    # Scheme, port and address literals.
    check_url(target.manifest_url)
    if len(target.manifest_url) > URL_MAX_LENGTH:
        raise ApplicationError(
            f"That address is {len(target.manifest_url):,} characters long; the store keeps "
            f"addresses of up to {URL_MAX_LENGTH} characters. Enter the plugin's domain, or a "
            "shorter URL for its manifest."
        )
    domain_limit = Plugin._meta.get_field("domain").max_length
    if len(plugin_domain_for(target.manifest_url)) > domain_limit:
        raise ApplicationError(
            f"That domain is longer than {domain_limit} characters, which no domain can be."
        )


def refuse_overlong_fields(instance: models.Model) -> None:
    """ApplicationError naming the first text field longer than its column, before any INSERT
    (PostgreSQL would fail it with DataError; SQLite would keep it whole)."""
    for field in instance._meta.concrete_fields:
        limit = getattr(field, "max_length", None)
        value = getattr(instance, field.attname, None)
        if limit and isinstance(value, str) and len(value) > limit:
            raise ApplicationError(
                f"The {field.verbose_name} is {len(value):,} characters long; the store keeps "
                f"at most {limit:,}. Shorten it and try again."
            )


def _refuse_domain_of_another(domain: str, user: User) -> None:
    """A domain another developer verified is theirs (PRODUCT.md section 9); until someone
    verifies it, several developers may register it."""
    holder_id = domain_holder_id(domain)
    if holder_id is not None and holder_id != user.pk:
        raise ApplicationError(
            f"{domain} is verified by another developer, who owns it on PluginStore, so it "
            "can't be registered by anyone else. If you control this domain, contact us "
            "through Help."
        )


def _check_open_jobs(user: User) -> None:
    open_jobs = FetchJob.objects.filter(
        requested_by=user,
        finished_at__isnull=True,
        created_at__gte=timezone.now() - timezone.timedelta(minutes=5),
    ).count()
    if open_jobs >= MAX_OPEN_FETCH_JOBS:
        raise ApplicationError("You have several checks running already. Wait for them to finish.")


@transaction.atomic
def plugin_registration_start(*, user: User, target: PluginTarget | str, category: str) -> FetchJob:
    """Queue fetching and checking a new plugin's manifest; the job page shows the progress.

    `target` is what RegisterPluginForm parsed, or the typed text (parsed here, once).
    """
    if not permissions.can_register_plugins(user):
        raise ApplicationError("Only developers can register plugins.")
    if category not in Category.values:
        raise ApplicationError("Choose a category for your plugin.")
    if not isinstance(target, PluginTarget):
        target = parse_target(target)
    _refuse_unfetchable(target)
    manifest_url = target.manifest_url
    domain = plugin_domain_for(manifest_url)
    if Plugin.objects.filter(domain=domain, owner=user).exists():
        raise ApplicationError(
            f"You already registered {domain}. Refresh it from its page to fetch a new version."
        )
    _refuse_domain_of_another(domain, user)
    _check_open_jobs(user)
    job = FetchJob.objects.create(
        kind=FetchJobKind.REGISTER, requested_by=user, target=manifest_url, category=category
    )
    _enqueue_fetch(job)
    return job


@transaction.atomic
def plugin_refresh_start(*, user: User, plugin_id: int) -> FetchJob:
    """Queue fetching the plugin again; a new version is stored only if the content changed."""
    plugin = Plugin.objects.get(pk=plugin_id)
    if not permissions.can_refresh(user, plugin):
        raise ApplicationError("You can't refresh this plugin.")
    _check_open_jobs(user)
    job = FetchJob.objects.create(
        kind=FetchJobKind.REFRESH, requested_by=user, plugin=plugin, target=plugin.manifest_url
    )
    _enqueue_fetch(job)
    return job


def _enqueue_fetch(job: FetchJob) -> None:
    enqueue_on_commit(FETCH_TASK, job.pk)


def fetch_job_run(*, job_id: int, retry: bool = False) -> FetchJob:
    """Run one fetch job: fetch, check, and store a version. Safe to run twice.

    A job found already started ran before and died (its worker was lost or killed at the hard
    time limit): it fails now rather than run again and again. `retry` is the task retrying
    after a database error, which may go on.
    """
    with transaction.atomic():
        job = FetchJob.objects.select_for_update().get(pk=job_id)
        if job.is_finished:
            return job
        if job.state != FetchJobState.QUEUED and not retry:
            return _fail(job, JOB_LOST)
        job.state = FetchJobState.FETCHING
        job.save(update_fields=["state", "updated_at"])

    # The development exception is for localhost plugins only: any other is fetched as in
    # production.
    local = is_local_host(url_host(job.target))
    fetched = fetching.fetch_plugin(
        job.target,
        allow_localhost=local_development() and local,
        on_checking=functools.partial(_fetch_job_checking, job_id),
    )
    findings = [finding.as_dict() for finding in fetched.report.findings]

    with transaction.atomic():
        job = FetchJob.objects.select_for_update().get(pk=job_id)
        if job.is_finished:
            return job
        job.findings = findings
        job.finished_at = timezone.now()
        if fetched.manifest_bytes is None:
            job.state = FetchJobState.FAILED
            job.error = "We could not fetch your manifest. See the findings below."
        else:
            try:
                with transaction.atomic():  # a refusal undoes the half-stored plugin
                    if job.kind == FetchJobKind.REGISTER:
                        _register_from_fetch(job, fetched)
                    else:
                        _refresh_from_fetch(job, fetched)
                job.state = FetchJobState.DONE
            except ApplicationError as error:
                job.state = FetchJobState.FAILED
                job.error = error.message
        job.save()
    return job


@transaction.atomic
def fetch_job_fail(*, job_id: int, error: str) -> FetchJob:
    """End an unfinished job as failed with `error` (the task's last word when the run broke)."""
    job = FetchJob.objects.select_for_update().get(pk=job_id)
    return job if job.is_finished else _fail(job, error)


def _fail(job: FetchJob, error: str) -> FetchJob:
    job.state = FetchJobState.FAILED
    job.error = error
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "error", "finished_at", "updated_at"])
    return job


def _fetch_job_checking(job_id: int) -> None:
    """The documents are in and the checker runs: the job page shows "Checking"."""
    FetchJob.objects.filter(pk=job_id, state=FetchJobState.FETCHING).update(
        state=FetchJobState.CHECKING, updated_at=timezone.now()
    )


STALE_JOB_AFTER = timezone.timedelta(minutes=2)
# Longer than the task's hard time limit and its retries: a started job this quiet has died.
STUCK_JOB_AFTER = timezone.timedelta(minutes=5)
ABANDON_JOB_AFTER = timezone.timedelta(minutes=30)


def fetch_jobs_resume_stale() -> tuple[int, int]:
    """Re-enqueue queued jobs whose task never ran (broker down); fail started ones that died.

    Runs from beat. Only a job that never started runs again (fetch_job_run skips finished
    jobs), so a job that crashes its worker is not re-run for ever.
    """
    now = timezone.now()
    unfinished = FetchJob.objects.filter(finished_at__isnull=True)
    abandoned = unfinished.filter(created_at__lt=now - ABANDON_JOB_AFTER).update(
        state=FetchJobState.FAILED,
        finished_at=now,
        error="The check could not run in time. Please try again.",
    )
    abandoned += (
        unfinished.exclude(state=FetchJobState.QUEUED)
        .filter(updated_at__lt=now - STUCK_JOB_AFTER)
        .update(state=FetchJobState.FAILED, finished_at=now, error=JOB_LOST)
    )
    stale = list(
        unfinished.filter(
            state=FetchJobState.QUEUED, updated_at__lt=now - STALE_JOB_AFTER
        ).values_list("pk", flat=True)
    )
    for job_id in stale:
        task_named(FETCH_TASK).delay(job_id)
    return len(stale), abandoned


def version_content_hash(manifest: bytes, spec: bytes | None) -> str:
    """A version's content_hash: the manifest's and the spec's bytes as fetched."""
    digest = hashlib.sha256()
    digest.update(manifest)
    digest.update(b"\0")
    digest.update(spec or b"")
    return digest.hexdigest()


def _decode(data: bytes | None) -> str:
    return (data or b"").decode("utf-8", errors="replace").replace("\x00", "\ufffd")


def _new_version(
    plugin: Plugin, fetched: FetchedPlugin, by: User | None, content_hash: str
) -> PluginVersion:
    # The checker's documents are plain JSON data already (documents.check_shape refuses
    # anything else, YAML dates included), so the parse in the report is stored as it is.
    report = fetched.report
    last_number = plugin.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = PluginVersion(
        plugin=plugin,
        number=last_number + 1,
        manifest_url=fetched.manifest_url,
        spec_url=fetched.spec_url or "",
        manifest_text=_decode(fetched.manifest_bytes),
        spec_text=_decode(fetched.spec_bytes),
        manifest=fetched.report.manifest,
        spec=fetched.report.spec,
        content_hash=content_hash,
        # Bounded (checks.findings.bound_findings); the counts include what was left out.
        findings=[finding.as_dict() for finding in report.findings],
        error_count=report.error_total,
        warning_count=report.warning_total,
        fetched_at=timezone.now(),
        fetched_by=by,
    )
    refuse_overlong_fields(version)
    version.save()
    return version


def _unique_slug(domain: str) -> str:
    base = slugify(domain.replace(".", "-").replace(":", "-"))[:100] or "plugin"
    slug, n = base, 2
    while Plugin.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _create_plugin(
    *, owner: User, manifest_url: str, category: str, fetched: FetchedPlugin
) -> Plugin:
    """A new Unverified plugin with its first version, audited."""
    domain = plugin_domain_for(manifest_url)
    _refuse_domain_of_another(domain, owner)  # verified while the fetch job ran
    plugin = Plugin(
        owner=owner,
        slug=_unique_slug(domain),
        domain=domain,
        manifest_url=manifest_url,
        category=category,
    )
    refuse_overlong_fields(plugin)
    try:
        with transaction.atomic():
            plugin.save(force_insert=True)
    except IntegrityError:
        # The owner's second registration of the domain, or a slug another developer's
        # registration of the same domain took at the same moment.
        if Plugin.objects.filter(owner=owner, domain=domain).exists():
            raise ApplicationError(f"You already registered {domain}.") from None
        raise ApplicationError(
            f"Another registration of {domain} was saved at the same moment. Please try again."
        ) from None
    plugin_status_record(plugin, by=owner, from_status="", reason="Registered")
    version = _new_version(
        plugin, fetched, owner, version_content_hash(fetched.manifest_bytes, fetched.spec_bytes)
    )
    plugin.latest_version = version
    copy_listing_fields(plugin, version)
    plugin.save(update_fields=["latest_version", "name", "description", "logo_url", "updated_at"])
    return plugin


def _register_from_fetch(job: FetchJob, fetched: FetchedPlugin) -> None:
    plugin = _create_plugin(
        owner=job.requested_by,
        manifest_url=job.target,
        category=job.category or Category.RETRIEVAL,
        fetched=fetched,
    )
    job.plugin = plugin
    job.version = plugin.latest_version


@transaction.atomic
def plugin_register_documents(
    *,
    owner: User,
    manifest_url: str,
    manifest: bytes,
    spec: bytes | None,
    spec_url: str | None,
    category: str,
) -> Plugin:
    """Register a plugin from documents already in hand (demo data, imports); no fetching."""
    if not permissions.can_register_plugins(owner):
        raise ApplicationError("Only developers can register plugins.")
    local = is_local_host(url_host(manifest_url))
    report = check_plugin(manifest, spec, manifest_url=manifest_url, local_development=local)
    fetched = FetchedPlugin(
        manifest_url=manifest_url,
        spec_url=spec_url,
        manifest_bytes=manifest,
        spec_bytes=spec,
        report=report,
    )
    return _create_plugin(
        owner=owner, manifest_url=manifest_url, category=category, fetched=fetched
    )


def _refresh_from_fetch(job: FetchJob, fetched: FetchedPlugin) -> None:
    version, created = plugin_version_store(
        plugin_id=job.plugin_id, fetched=fetched, by=job.requested_by
    )
    job.unchanged = not created
    job.version = version


def plugin_version_store(
    *, plugin_id: int, fetched: FetchedPlugin, by: User | None
) -> tuple[PluginVersion, bool]:
    """Store what a fetch found as the plugin's latest version, unless the latest has this
    content already; whether it was stored. Never makes it live (the store keeps serving the
    approved one). A refresh job calls it, and so does a system re-fetch (by=None).

    Runs in the caller's transaction and locks the plugin row.
    """
    plugin = (
        Plugin.objects.select_for_update(of=("self",))
        .select_related("latest_version")
        .get(pk=plugin_id)
    )
    if plugin.status == PluginStatus.BANNED:
        raise ApplicationError("This plugin is banned; it can't be refreshed.")
    content_hash = version_content_hash(fetched.manifest_bytes, fetched.spec_bytes)
    if plugin.latest_version and plugin.latest_version.content_hash == content_hash:
        return plugin.latest_version, False
    version = _new_version(plugin, fetched, by, content_hash)
    plugin.latest_version = version
    fields = ["latest_version", "updated_at"]
    if plugin.live_version_id is None:
        copy_listing_fields(plugin, version)
        fields += ["name", "description", "logo_url"]
    plugin.save(update_fields=fields)
    version_stored.send(sender=PluginVersion, version=version, by=by)
    return version, True
