"""Reading domain ownership: whether a developer may submit plugins on a domain, and what the
domain page shows. The rules' numbers (RECHECK_DAYS, GRACE_DAYS) are defined here once."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from core.hosts import is_local_host, local_development
from domains.choices import HOLDING_STATES, ClaimState
from domains.models import DomainClaim, VerificationJob
from domains.plugins import PluginLike
from domains.proof import domain_host

# A verified domain's proof is looked for again this often (beat: domains.tasks).
RECHECK_DAYS = 30
# A lost proof is looked for daily, and after this long submissions are blocked.
LOST_RECHECK_DAYS = 1
GRACE_DAYS = 14

Standing = Literal["local", "verified", "lost", "blocked", "pending", "unclaimed", "taken"]


def local_exempt(domain: str) -> bool:
    """A local development host counts as verified (no DNS), unless the setting
    PLUGINSTORE_LOCAL_DOMAINS_VERIFIED turns the exemption off (a test of the real check)."""
    return (
        local_development()
        and is_local_host(domain_host(domain))
        and bool(getattr(settings, "PLUGINSTORE_LOCAL_DOMAINS_VERIFIED", True))
    )


@dataclass(frozen=True)
class DomainStanding:
    """Where a developer stands with a domain.

    local: a local development host, verified by the rule; verified; lost (proof missing, within
    the grace period); blocked (lost for GRACE_DAYS or more); pending (a claim, no proof yet);
    unclaimed (never opened the domain page); taken (another developer holds the domain).
    """

    domain: str
    state: Standing
    claim: DomainClaim | None = None

    @property
    def may_submit(self) -> bool:
        return self.state in ("local", "verified", "lost")

    @property
    def blocked_from(self) -> datetime.datetime | None:
        """When a lost proof blocks (or blocked) submissions."""
        if self.claim is None or self.claim.lost_at is None:
            return None
        return self.claim.lost_at + datetime.timedelta(days=GRACE_DAYS)


def _standing(domain: str, own: DomainClaim | None, holder_id: int | None) -> DomainStanding:
    if own is not None and own.state == ClaimState.VERIFIED:
        return DomainStanding(domain, "verified", own)
    if own is not None and own.state == ClaimState.LOST:
        assert own.lost_at is not None
        blocked = timezone.now() >= own.lost_at + datetime.timedelta(days=GRACE_DAYS)
        return DomainStanding(domain, "blocked" if blocked else "lost", own)
    if holder_id is not None:
        return DomainStanding(domain, "taken", own)
    return DomainStanding(domain, "pending" if own is not None else "unclaimed", own)


def domain_standing(*, developer_id: int, domain: str) -> DomainStanding:
    """Where this developer stands with this domain; one query (none for a local host)."""
    return domain_standings(developer_id=developer_id, domains=[domain])[domain]


def domain_standings(*, developer_id: int, domains: Iterable[str]) -> dict[str, DomainStanding]:
    """domain_standing for several domains of one developer in one query (lists of plugins)."""
    wanted = set(domains)
    result = {domain: DomainStanding(domain, "local") for domain in wanted if local_exempt(domain)}
    rest = wanted - set(result)
    if not rest:
        return result
    claims = DomainClaim.objects.filter(
        Q(developer_id=developer_id) | Q(state__in=HOLDING_STATES), domain__in=rest
    )
    own: dict[str, DomainClaim] = {}
    holders: dict[str, int] = {}
    for claim in claims:
        if claim.developer_id == developer_id:
            own[claim.domain] = claim
        elif claim.state in HOLDING_STATES:
            holders[claim.domain] = claim.developer_id
    for domain in rest:
        result[domain] = _standing(domain, own.get(domain), holders.get(domain))
    return result


def plugin_standings(plugins: Iterable[PluginLike]) -> dict[int, DomainStanding]:
    """Each plugin's owner's standing with its domain, by plugin id, in one query (lists of
    plugins that may have several owners, such as a co-developer's)."""
    plugins = list(plugins)
    result: dict[int, DomainStanding] = {}
    checked = [plugin for plugin in plugins if not local_exempt(plugin.domain)]
    for plugin in plugins:
        if plugin not in checked:
            result[plugin.pk] = DomainStanding(plugin.domain, "local")
    if not checked:
        return result
    claims = DomainClaim.objects.filter(
        Q(developer_id__in={plugin.owner_id for plugin in checked}) | Q(state__in=HOLDING_STATES),
        domain__in={plugin.domain for plugin in checked},
    )
    own: dict[tuple[int, str], DomainClaim] = {}
    holders: dict[str, int] = {}
    for claim in claims:
        own[(claim.developer_id, claim.domain)] = claim
        if claim.state in HOLDING_STATES:
            holders[claim.domain] = claim.developer_id
    for plugin in checked:
        holder = holders.get(plugin.domain)
        result[plugin.pk] = _standing(
            plugin.domain,
            own.get((plugin.owner_id, plugin.domain)),
            holder if holder != plugin.owner_id else None,
        )
    return result


def domain_holder_id(domain: str) -> int | None:
    """The developer who holds (verified, or lost the proof of) this domain, if anyone."""
    return (
        DomainClaim.objects.filter(domain=domain, state__in=HOLDING_STATES)
        .values_list("developer_id", flat=True)
        .first()
    )


def latest_job(claim: DomainClaim) -> VerificationJob | None:
    """The claim's newest verification job, if any."""
    return claim.jobs.order_by("-created_at", "-id").first()


def verification_state(
    *, developer_id: int, domain: str
) -> tuple[DomainStanding, VerificationJob | None]:
    """For the API: the standing and the newest job (two queries at most)."""
    standing = domain_standing(developer_id=developer_id, domain=domain)
    job = latest_job(standing.claim) if standing.claim is not None else None
    return standing, job
