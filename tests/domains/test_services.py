"""Domain ownership's services (PRODUCT.md section 9): verifying, the take-over of unverified
registrations, the 30-day re-check, the 14-day block and the restore, each told once."""

import json

import pytest
from django.db import IntegrityError, transaction

from core.exceptions import ApplicationError
from domains import proof, services
from domains.choices import ClaimState, JobKind, JobOutcome, JobState, ProofMethod
from domains.models import DomainClaim
from domains.selectors import domain_standing
from pluginstore import services as plugin_services
from pluginstore.models import Plugin, PluginStatus
from reviews.models import Submission
from reviews.services import submission_create
from tests.domains.helpers import check_now, told
from tests.factories import DeveloperFactory
from tests.pluginstore.helpers import approve, manifest_for, register, spec_for

pytestmark = pytest.mark.django_db

DOMAIN = "weather.example.test"


@pytest.fixture
def owner():
    return DeveloperFactory()


@pytest.fixture
def plugin(owner):
    return register(owner, domain=DOMAIN, verified_domain=False)


def _publish(dns, claim: DomainClaim, name: str = DOMAIN) -> None:
    dns.records[name] = [proof.txt_value(claim.token)]


def _verified(owner, plugin, dns, capture) -> DomainClaim:
    claim = services.claim_ensure(developer=owner, domain=plugin.domain)
    _publish(dns, claim)
    check_now(owner, plugin, capture)
    claim.refresh_from_db()
    assert claim.state == ClaimState.VERIFIED
    return claim


# Verifying ----------------------------------------------------------------------------------


def test_a_published_txt_record_verifies_the_domain_and_tells_the_owner_once(
    owner, plugin, dns, django_capture_on_commit_callbacks
):
    claim = services.claim_ensure(developer=owner, domain=DOMAIN)
    _publish(dns, claim)

    job = check_now(owner, plugin, django_capture_on_commit_callbacks)

    assert (job.state, job.outcome, job.kind) == (JobState.DONE, JobOutcome.VERIFIED, JobKind.CHECK)
    assert job.attempts[0]["found"] and job.attempts[0]["method"] == ProofMethod.DNS_HOST
    claim.refresh_from_db()
    assert claim.method == ProofMethod.DNS_HOST and claim.verified_at is not None
    change = claim.changes.get()
    assert (change.from_state, change.to_state, change.changed_by) == ("pending", "verified", owner)
    assert told(owner, "domain_verified") == 1

    again = check_now(owner, plugin, django_capture_on_commit_callbacks)
    assert again.outcome == JobOutcome.STILL_VERIFIED
    assert told(owner, "domain_verified") == 1
    assert claim.changes.count() == 1


def test_a_wrong_token_leaves_the_domain_unverified_and_says_why(
    owner, plugin, dns, no_web_server, django_capture_on_commit_callbacks
):
    dns.records[DOMAIN] = [proof.txt_value("not-the-token")]
    job = check_now(owner, plugin, django_capture_on_commit_callbacks)
    assert job.outcome == JobOutcome.NOT_FOUND
    assert "with another token" in job.attempts[0]["detail"]
    assert "could not" in job.attempts[-1]["detail"].lower() or job.attempts[-1]["found"] is False
    assert DomainClaim.objects.get(developer=owner, domain=DOMAIN).state == ClaimState.PENDING
    assert told(owner, "domain_verified") == 0


def test_an_error_on_our_side_fails_the_job_with_a_message_and_changes_nothing(
    owner, plugin, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(domain, token):
        raise RuntimeError("boom")

    monkeypatch.setattr(proof, "look_for_proof", broken)
    job = check_now(owner, plugin, django_capture_on_commit_callbacks)
    assert job.state == JobState.FAILED
    assert job.error == services.JOB_FAILED_ON_OUR_SIDE
    assert DomainClaim.objects.get(developer=owner).state == ClaimState.PENDING


def test_only_the_plugins_owner_may_start_a_check(plugin):
    with pytest.raises(ApplicationError, match="Only the plugin's developer"):
        services.verification_start(user=DeveloperFactory(), plugin=plugin)
    assert not DomainClaim.objects.exists()


def test_a_second_check_while_one_runs_is_the_same_job(owner, plugin):
    first = services.verification_start(user=owner, plugin=plugin)
    assert services.verification_start(user=owner, plugin=plugin) == first


def test_checks_per_hour_are_bounded(owner, plugin, dns, no_web_server, monkeypatch):
    monkeypatch.setattr(services, "CHECKS_PER_HOUR", 2)
    monkeypatch.setattr(services, "enqueue_on_commit", lambda *args: None)
    for _ in range(2):
        job = services.verification_start(user=owner, plugin=plugin)
        services.verification_run(job_id=job.pk)
    with pytest.raises(ApplicationError, match="2 times in the last hour"):
        services.verification_start(user=owner, plugin=plugin)


# The first to verify owns the domain ---------------------------------------------------------


def test_verifying_closes_other_developers_unapproved_registrations_and_tells_each_once(
    owner, plugin, dns, django_capture_on_commit_callbacks
):
    rival = DeveloperFactory()
    rivals_plugin = register(rival, domain=DOMAIN, verified_domain=False)
    publisher = DeveloperFactory()
    approved = approve(register(publisher, domain=DOMAIN, verified_domain=False))

    _verified(owner, plugin, dns, django_capture_on_commit_callbacks)

    assert not Plugin.objects.filter(pk=rivals_plugin.pk).exists()
    assert told(rival, "domain_registration_closed") == 1
    # An approved plugin stays: a reviewer decided on it. It can't be submitted again.
    approved.refresh_from_db()
    assert approved.status == PluginStatus.APPROVED
    assert domain_standing(developer_id=publisher.pk, domain=DOMAIN).state == "taken"
    assert told(publisher, "domain_registration_closed") == 0
    verified = owner.notifications.get(kind="domain_verified")
    assert verified.context["closed_count"] == 1
    assert Plugin.objects.get(pk=plugin.pk).owner == owner


def test_a_verified_domain_cannot_be_registered_by_anyone_else(
    owner, plugin, dns, django_capture_on_commit_callbacks
):
    _verified(owner, plugin, dns, django_capture_on_commit_callbacks)
    with pytest.raises(ApplicationError, match="verified by another developer"):
        plugin_services.plugin_registration_start(
            user=DeveloperFactory(), target=DOMAIN, category="retrieval"
        )
    with pytest.raises(ApplicationError, match="verified by another developer"):
        plugin_services.plugin_register_documents(
            owner=DeveloperFactory(),
            manifest_url=f"https://{DOMAIN}/.well-known/ai-plugin.json",
            manifest=json.dumps(manifest_for(DOMAIN)).encode(),
            spec=json.dumps(spec_for()).encode(),
            spec_url=f"https://{DOMAIN}/openapi.json",
            category="retrieval",
        )


def test_until_someone_verifies_several_developers_may_register_a_domain(owner, plugin):
    other = register(DeveloperFactory(), domain=DOMAIN, verified_domain=False)
    assert other.slug != plugin.slug


def test_the_second_developer_to_prove_a_domain_is_told_it_is_taken(
    owner, plugin, dns, django_capture_on_commit_callbacks
):
    rival = DeveloperFactory()
    rivals_plugin = register(rival, domain=DOMAIN, verified_domain=False)
    rival_claim = services.claim_ensure(developer=rival, domain=DOMAIN)
    _verified(owner, plugin, dns, django_capture_on_commit_callbacks)
    assert not Plugin.objects.filter(pk=rivals_plugin.pk).exists()
    # Even with their own token published, the rival can't take the domain over.
    dns.records[DOMAIN].append(proof.txt_value(rival_claim.token))
    with django_capture_on_commit_callbacks(execute=True):
        job = services.verification_start(user=rival, plugin=plugin_like(rival, DOMAIN))
    job.refresh_from_db()
    assert job.outcome == JobOutcome.TAKEN
    rival_claim.refresh_from_db()
    assert rival_claim.state == ClaimState.PENDING
    assert told(rival, "domain_verified") == 0


def plugin_like(owner, domain):
    """What verification reads from a plugin, for a developer whose plugin was closed."""

    class Plugin:
        pk = 0
        owner_id = owner.pk
        status = PluginStatus.UNVERIFIED
        display_name = domain

    Plugin.domain = domain
    return Plugin()


def test_the_database_holds_one_owner_per_domain(owner):
    services.claim_confirm(developer=owner, domain=DOMAIN, by=None, reason="test", notify=False)
    other = services.claim_ensure(developer=DeveloperFactory(), domain=DOMAIN)
    with pytest.raises(IntegrityError), transaction.atomic():
        DomainClaim.objects.filter(pk=other.pk).update(state=ClaimState.VERIFIED)


# Submitting needs a verified domain ----------------------------------------------------------


def test_an_unverified_domain_blocks_submission_with_a_link_to_the_domain_page(owner, plugin):
    with pytest.raises(ApplicationError) as refused:
        submission_create(plugin_id=plugin.pk, by=owner)
    assert f"/developer/plugins/{plugin.pk}/domain/" in refused.value.message
    assert "Prove that you control weather.example.test" in refused.value.message
    assert not Submission.objects.exists()


def test_a_verified_domain_lets_the_plugin_be_submitted(
    owner, plugin, dns, django_capture_on_commit_callbacks
):
    _verified(owner, plugin, dns, django_capture_on_commit_callbacks)
    assert submission_create(plugin_id=plugin.pk, by=owner).plugin_id == plugin.pk


def test_a_localhost_plugin_counts_as_verified_only_under_local_development(settings, owner):
    settings.PLUGINSTORE_ALLOW_LOCALHOST = True
    local = plugin_services.plugin_register_documents(
        owner=owner,
        manifest_url="http://127.0.0.1:8001/.well-known/ai-plugin.json",
        manifest=json.dumps(
            manifest_for(
                "127.0.0.1:8001",
                api={"type": "openapi", "url": "http://127.0.0.1:8001/openapi.json"},
                logo_url="https://example.com/logo.png",
                legal_info_url="https://example.com/legal",
                contact_email="support@example.com",
            )
        ).encode(),
        spec=json.dumps(spec_for()).encode(),
        spec_url="http://127.0.0.1:8001/openapi.json",
        category="retrieval",
    )
    assert domain_standing(developer_id=owner.pk, domain=local.domain).state == "local"
    with pytest.raises(ApplicationError, match="counts as verified"):
        services.verification_start(user=owner, plugin=local)
    assert local.latest_version.findings == []
    assert submission_create(plugin_id=local.pk, by=owner).plugin_id == local.pk
    assert not DomainClaim.objects.exists()

    settings.PLUGINSTORE_LOCAL_DOMAINS_VERIFIED = False
    assert domain_standing(developer_id=owner.pk, domain=local.domain).state == "unclaimed"
    settings.PLUGINSTORE_LOCAL_DOMAINS_VERIFIED = True
    settings.PLUGINSTORE_ALLOW_LOCALHOST = False
    assert domain_standing(developer_id=owner.pk, domain=local.domain).state == "unclaimed"


def test_plugin_standings_reads_each_owners_standing_in_one_query(
    owner, plugin, django_assert_num_queries
):
    from domains.selectors import plugin_standings

    # Approved before another developer proved the domain, so it stays, theirs no longer.
    taken = approve(
        register(DeveloperFactory(), domain="proved.example.test", verified_domain=False)
    )
    proved = register(DeveloperFactory(), domain="proved.example.test")
    with django_assert_num_queries(1):
        standings = plugin_standings([plugin, proved, taken])
    assert {pk: s.state for pk, s in standings.items()} == {
        plugin.pk: "unclaimed",
        proved.pk: "verified",
        taken.pk: "taken",
    }


def test_a_transfer_takes_the_hold_on_the_domain_to_the_new_owner(owner, plugin):
    services.claim_confirm(developer=owner, domain=DOMAIN, by=None, reason="t", notify=False)
    new_owner = DeveloperFactory()
    services.claim_ensure(developer=new_owner, domain=DOMAIN)  # opened the page before

    claim = services.claim_transfer(domain=DOMAIN, from_developer=owner, to_developer=new_owner)

    assert claim.developer == new_owner and claim.state == ClaimState.VERIFIED
    assert DomainClaim.objects.filter(domain=DOMAIN).count() == 1
    assert domain_standing(developer_id=new_owner.pk, domain=DOMAIN).state == "verified"
    assert domain_standing(developer_id=owner.pk, domain=DOMAIN).state == "taken"
    assert claim.changes.first().changed_by == new_owner
    assert (
        services.claim_transfer(domain=DOMAIN, from_developer=owner, to_developer=new_owner) is None
    )
