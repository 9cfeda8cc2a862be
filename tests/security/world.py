"""One small site with every role and one object of every kind, made through the real services.

Marker strings sit in data that only some roles may see; the permission matrix checks that
each role's responses never contain a marker it is not entitled to.
"""

from dataclasses import dataclass, field

from django.core import mail
from django.test import Client

from accounts.services import developer_access_request_create, user_upgrade_to_plus
from api.tokens import api_token_create, token_use_record
from domains.models import DomainClaim, VerificationJob
from inbox import services as inbox_services
from inbox.models import Thread
from pluginstore import services as plugin_services
from pluginstore.models import FetchJob
from pluginstore.services import team
from ratings import services as ratings_services
from reports import services as reports_services
from reviews import moderation
from reviews.models import CannedReason, Criterion
from tests.factories import DeveloperFactory, PlusUserFactory, UserFactory, make_reviewer
from tests.pluginstore.helpers import approve as make_live
from tests.pluginstore.helpers import fake_fetch, manifest_for, register, spec_for
from tests.reviews.helpers import claim, new_version, reject, submit
from watch.models import PluginWatch
from watch.services import watches_create

ROLES = ("anon", "normal", "plus", "owner", "other_dev", "tester", "reviewer", "staff")

# Markers: private strings and who may see them. Anything not listed may see nothing of it.
MARKERS = {
    # The owner's unverified plugin: its name, shown to the owner, its testers and reviewers.
    "Zunverqx": {"owner", "tester", "reviewer"},
    # The owner's note to the reviewer and their reply in the plugin's thread.
    "Znotetorevqx": {"owner", "reviewer"},
    "Zownerreplyqx": {"owner", "reviewer"},
    # What the reviewer told the developer in a rejection (the developer and reviewers).
    "Zdevnoteqx": {"owner", "reviewer"},
    # The reviewer's private note: reviewers only, never the developer.
    "Zprivnoteqx": {"reviewer"},
    # The other developer's own unverified plugin and its note to the reviewer.
    "Zotherunvqx": {"other_dev", "reviewer"},
    "Zothernoteqx": {"other_dev", "reviewer"},
    # The Plus user's developer-access request reason (reviewers decide such requests).
    "Zaccessreasonqx": {"plus", "reviewer"},
    # A review a reviewer hid, and the reason: its author (the tester) and reviewers.
    "Zhiddenreviewqx": {"tester", "reviewer"},
    "Zhidereasonqx": {"tester", "reviewer"},
    # The Plus user's report of the approved plugin: the reporter and reviewers, never its owner.
    "Zreporttextqx": {"plus", "reviewer"},
    # Every account's email address: its own, the reviewers' (who manage accounts), and the
    # tester's to the owner who invited them.
    **{f"z{role}mailqx@example.com": {role, "reviewer"} for role in ROLES if role != "anon"},
}
MARKERS["ztestermailqx@example.com"].add("owner")


@dataclass
class World:
    users: dict = field(default_factory=dict)
    clients: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


# The owner's update after the rejection: a rejected version can't go back to review as it was.
UPDATED = {"description_for_human": "Weather forecasts for Paris, Berlin and Rome."}


def _refresh_job(owner, plugin, monkeypatch, capture_on_commit) -> FetchJob:
    """Refresh the plugin against unchanged documents: a finished job for its page."""
    manifest = manifest_for(plugin.domain, name_for_human=plugin.name, **UPDATED)
    fake_fetch(monkeypatch, lambda: (manifest, spec_for()))
    with capture_on_commit(execute=True):
        job = plugin_services.plugin_refresh_start(user=owner, plugin_id=plugin.pk)
    job.refresh_from_db()
    return job


def watches_for(plugin) -> PluginWatch:
    """The approved plugin's watch (PRODUCT.md section 10), not yet checked: in the watch's
    admin lists, not among the drifted or unavailable ones."""
    watches_create()
    return PluginWatch.objects.get(plugin=plugin)


def build_world(capture_on_commit, monkeypatch) -> World:
    world = World()
    u = world.users
    with capture_on_commit(execute=True):
        u["normal"] = UserFactory(email="znormalmailqx@example.com", display_name="Normal")
        u["plus"] = PlusUserFactory(email="zplusmailqx@example.com", display_name="Plus")
        u["owner"] = DeveloperFactory(email="zownermailqx@example.com", display_name="Owner")
        u["other_dev"] = DeveloperFactory(
            email="zother_devmailqx@example.com", display_name="Other"
        )
        u["tester"] = DeveloperFactory(email="ztestermailqx@example.com", display_name="Tester")
        u["reviewer"] = make_reviewer(email="zreviewermailqx@example.com", display_name="Reviewer")
        u["staff"] = UserFactory(
            email="zstaffmailqx@example.com", is_staff=True, display_name="Staff"
        )
        owner, reviewer = u["owner"], u["reviewer"]

        # The owner's unverified plugin: rejected once (with a private note), then resubmitted
        # and claimed; a tester is invited.
        unverified = register(owner, name_for_human="Zunverqx", domain="unver.example.com")
        first = submit(unverified, note_to_reviewer="First try.")
        claim(first, reviewer)
        reject(first, reviewer, developer_note="Zdevnoteqx", private_note="Zprivnoteqx")
        new_version(
            unverified, monkeypatch, capture_on_commit, name_for_human="Zunverqx", **UPDATED
        )
        second = submit(unverified, note_to_reviewer="Znotetorevqx")
        claim(second, reviewer)
        invitation = plugin_services.tester_invite(
            plugin_id=unverified.pk, by=owner, email=u["tester"].email
        )

        # The owner's approved plugin, installed by the Plus user.
        approved = register(owner, name_for_human="Public Weather", domain="pub.example.com")
        make_live(approved, reviewer)
        plugin_services.installation_create(user=u["plus"], plugin_id=approved.pk)
        # The Plus user rates it; the tester's review of it was hidden by a reviewer.
        rating = ratings_services.rating_save(
            user=u["plus"], plugin_id=approved.pk, stars=4, review="Good forecasts."
        )
        plugin_services.installation_create(user=u["tester"], plugin_id=approved.pk)
        hidden_rating = ratings_services.rating_save(
            user=u["tester"], plugin_id=approved.pk, stars=1, review="Zhiddenreviewqx"
        )
        ratings_services.rating_hide(
            rating_id=hidden_rating.pk, by=reviewer, reason="Zhidereasonqx"
        )
        # The Plus user reports it (open; every reviewer is told).
        report = reports_services.report_create(
            user=u["plus"], plugin_id=approved.pk, reason="broken", text="Zreporttextqx"
        )

        # The owner's banned plugin, which the Plus user had installed.
        banned = register(owner, name_for_human="Gone Weather", domain="gone.example.com")
        make_live(banned, reviewer)
        plugin_services.installation_create(user=u["plus"], plugin_id=banned.pk)
        moderation.plugin_ban(plugin_id=banned.pk, by=reviewer, reason="Breaks the content policy.")

        # The other developer's unverified plugin with an open submission.
        other_plugin = register(
            u["other_dev"], name_for_human="Zotherunvqx", domain="other.example.com"
        )
        other_submission = submit(other_plugin, note_to_reviewer="Zothernoteqx")

        # A developer access request by the Plus user.
        access_request = developer_access_request_create(user=u["plus"], reason="Zaccessreasonqx")
        # An audited account-type change (someone upgrades to Plus).
        bystander = UserFactory(display_name="Bystander")
        user_upgrade_to_plus(user=bystander)
        canned = CannedReason.objects.create(
            criterion=Criterion.values[0], title="Policy", text="Breaks the content policy."
        )

    thread = Thread.objects.get(owner=owner, plugin=unverified)
    other_thread = Thread.objects.get(owner=u["other_dev"], plugin=other_plugin)
    reply = inbox_services.thread_reply_create(
        thread_id=thread.pk, author=owner, body="Zownerreplyqx"
    )
    unverified.refresh_from_db()
    approved.refresh_from_db()
    # The owner's claim to the unverified plugin's domain (the register helper proved it); the
    # admin rows also need a check of it, waiting for a worker.
    domain_claim = DomainClaim.objects.get(developer=owner, domain=unverified.domain)
    world.objects.update(
        unverified=unverified,
        approved=approved,
        banned=banned,
        other_plugin=other_plugin,
        submission=second,
        rejected_submission=first,
        other_submission=other_submission,
        invitation=invitation,
        job=_refresh_job(owner, unverified, monkeypatch, capture_on_commit),
        thread=thread,
        other_thread=other_thread,
        reply=reply,
        access_request=access_request,
        canned=canned,
        version=unverified.latest_version,
        notification=thread.owner.notifications.first(),
        type_change=bystander.account_type_changes.get(),
        owner_user=owner,
        rating=rating,
        hidden_rating=hidden_rating,
        report=report,
        watch=watches_for(approved),
        domain_claim=domain_claim,
        verification_job=VerificationJob.objects.create(claim=domain_claim),
        token=api_token_create(user=owner, name="CI", scope="publish", expires_in_days=30).token,
    )
    world.objects["token_use"] = token_use_record(
        token=world.objects["token"],
        method="POST",
        path="/api/v1/plugins",
        status_code=202,
        code="",
        ip="127.0.0.1",
    )
    # A co-developer of the approved plugin (a bystander, no role) and the owner's invitation
    # to the tester to join it too (PRODUCT.md section 13).
    with capture_on_commit(execute=True):
        member_dev = DeveloperFactory(display_name="Member")
        joined = team.co_developer_invite(plugin_id=approved.pk, by=owner, email=member_dev.email)
        team.invitation_accept(invitation_id=joined.pk, user=member_dev)
        world.objects["team_invitation"] = team.co_developer_invite(
            plugin_id=approved.pk, by=owner, email=u["tester"].email
        )
    world.objects["member"] = approved.members.get(developer=member_dev)
    # The emails the world's notifications sent, for the leak check on emails.
    world.objects["emails"] = list(mail.outbox)
    for role in ROLES:
        # A view that fails shows as a 500 in the matrix instead of ending the whole run.
        client = Client(raise_request_exception=False)
        if role != "anon":
            client.force_login(u[role])
        world.clients[role] = client
    return world
