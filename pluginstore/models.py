from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, transition

from core.fsm import RefreshableProtectedFSMMixin
from core.models import TimeStampedModel
from pluginstore.choices import (
    Category,
    FetchJobKind,
    FetchJobState,
    InvitationKind,
    InvitationState,
    PluginStatus,
    TeamAction,
)
from pluginstore.permissions import can_ban

# The longest URL a column holds (manifest, spec and logo URLs, a fetch job's target): the
# checker reports a longer api.url or logo_url, and the registration service refuses a longer
# manifest URL, before anything reaches the database.
URL_MAX_LENGTH = 500


# The ban transitions ask the named rule, which takes the plugin and knows no models.
def _may_ban(instance: "Plugin", user) -> bool:
    return can_ban(user, instance)


class Plugin(RefreshableProtectedFSMMixin, TimeStampedModel):
    """A plugin registered by its owner; its status changes only through services (approval in
    pluginstore.services, bans in reviews.moderation)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plugins"
    )
    slug = models.SlugField(max_length=120, unique=True)
    # The manifest's host ("todo.example.com"), or "localhost:8001" in local development.
    # Several developers may register one domain until one of them proves they control it
    # (PRODUCT.md section 9, the domains app); one developer registers it at most once.
    domain = models.CharField(max_length=255, db_index=True)
    manifest_url = models.URLField(max_length=URL_MAX_LENGTH)
    category = models.CharField(max_length=32, choices=Category.choices, db_index=True)
    status = FSMField(
        default=PluginStatus.UNVERIFIED, choices=PluginStatus.choices, protected=True, db_index=True
    )
    # The store serves the last approved version; the newest fetch may be ahead of it.
    live_version = models.ForeignKey(
        "PluginVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    latest_version = models.ForeignKey(
        "PluginVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Copied from the live version (or the latest before any approval) so listing pages
    # need no join; kept in step by services only.
    name = models.CharField(max_length=200, blank=True)
    description = models.CharField(max_length=500, blank=True)
    logo_url = models.URLField(max_length=URL_MAX_LENGTH, blank=True)
    install_count = models.PositiveIntegerField(default=0)
    approved_at = models.DateTimeField(null=True, blank=True, db_index=True)
    search_vector = SearchVectorField(null=True, editable=False)
    # Unlisted by its owner (PRODUCT.md section 13): gone from the store and search; existing
    # installs keep working.
    listed = models.BooleanField(default=True)
    # Unreachable for 7 days running (PRODUCT.md section 10, the watch app): no new installs
    # and a notice on its page, until a fetch succeeds.
    unavailable_since = models.DateTimeField(null=True, blank=True)
    # Ratings (PRODUCT.md section 11, the ratings app), kept in step by its services so the
    # store's cards need no aggregate query: the count, the sum of the stars, and the score
    # the store sorts by (a damped average: see the README's rating formula).
    rating_count = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    rating_score = models.FloatField(default=0.0)

    class Meta:
        ordering = ["name", "id"]
        permissions = [
            ("review_plugin", "Can review plugin submissions"),
            ("ban_plugin", "Can ban and reinstate plugins"),
        ]
        indexes = [
            models.Index(fields=["status", "-approved_at"], name="plugin_store_newest"),
            models.Index(fields=["status", "-install_count"], name="plugin_store_popular"),
            models.Index(fields=["status", "name"], name="plugin_store_name"),
            models.Index(fields=["status", "-rating_score"], name="plugin_store_rating"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PluginStatus.values), name="plugin_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="plugin_category_valid"
            ),
            models.UniqueConstraint(fields=["owner", "domain"], name="plugin_owner_domain_unique"),
            models.CheckConstraint(
                condition=Q(rating_sum__lte=5 * models.F("rating_count"))
                & Q(rating_sum__gte=models.F("rating_count")),
                name="plugin_rating_sum_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.domain

    @property
    def display_name(self) -> str:
        return self.name or self.domain

    # Transitions are called only by pluginstore.services (approve) and reviews.moderation (the
    # rest), which lock the row and audit.
    @transition(
        field=status,
        source=PluginStatus.UNVERIFIED,
        target=PluginStatus.APPROVED,
        custom={"admin": False},  # approval happens on a submission, not on the plugin
    )
    def approve(self) -> None:
        """The first approved version goes live."""

    @transition(
        field=status,
        source=[PluginStatus.UNVERIFIED, PluginStatus.APPROVED],
        target=PluginStatus.BANNED,
        permission=_may_ban,
        custom={
            "label": "Ban",
            "form": "pluginstore.forms.StatusReasonForm",
            "help_text": (
                "Nobody can install or use it; its open submission is rejected with this "
                "reason, and the owner is told how to appeal."
            ),
        },
    )
    def ban(self, reason: str = "") -> None:
        """Nobody may use it any more; installs show as removed."""

    @transition(
        field=status,
        source=PluginStatus.BANNED,
        target=PluginStatus.UNVERIFIED,
        permission=_may_ban,
        custom={
            "label": "Reinstate",
            "form": "pluginstore.forms.StatusReasonForm",
            "help_text": (
                "It becomes Unverified again; the owner reads this reason in Messages and can "
                "submit it for review."
            ),
        },
    )
    def reinstate(self, reason: str = "") -> None:
        """An appeal succeeded; the plugin must be approved again before the store lists it."""

    @transition(
        field=status,
        source=PluginStatus.BANNED,
        target=PluginStatus.BANNED,
        permission=_may_ban,
        custom={
            "label": "Keep the ban",
            "form": "pluginstore.forms.StatusReasonForm",
            "help_text": (
                "Answer the owner's appeal: the plugin stays banned, the owner reads this "
                "reason in Messages, and the appeal leaves the Ban appeals list."
            ),
        },
    )
    def keep_ban(self, reason: str = "") -> None:
        """An appeal was looked at and refused; the status does not change."""


class PluginVersion(models.Model):
    """One fetch of a plugin's manifest and spec, exactly as fetched; never changed afterwards."""

    plugin = models.ForeignKey(Plugin, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    manifest_url = models.URLField(max_length=URL_MAX_LENGTH)
    spec_url = models.URLField(max_length=URL_MAX_LENGTH, blank=True)
    manifest_text = models.TextField()
    spec_text = models.TextField(blank=True)
    manifest = models.JSONField(null=True, blank=True)
    spec = models.JSONField(null=True, blank=True)
    content_hash = models.CharField(max_length=64)
    findings = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    fetched_at = models.DateTimeField()
    fetched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["plugin", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plugin", "number"], name="plugin_version_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plugin} v{self.number}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("A plugin version is immutable once stored.")
        super().save(*args, **kwargs)

    def _manifest_str(self, key: str) -> str:
        value = (self.manifest or {}).get(key) if isinstance(self.manifest, dict) else None
        return value if isinstance(value, str) else ""

    @property
    def name_for_human(self) -> str:
        return self._manifest_str("name_for_human")

    @property
    def description_for_human(self) -> str:
        return self._manifest_str("description_for_human")

    @property
    def description_for_model(self) -> str:
        return self._manifest_str("description_for_model")

    @property
    def logo_url(self) -> str:
        return self._manifest_str("logo_url")

    @property
    def legal_info_url(self) -> str:
        """Only an http(s) URL: the store links it, and a javascript: one would run on click
        (an unverified version with check errors is shown to its owner, testers and reviewers).
        """
        url = self._manifest_str("legal_info_url").strip()
        return url if url.lower().startswith(("https://", "http://")) else ""

    @property
    def contact_email(self) -> str:
        return self._manifest_str("contact_email")

    @property
    def is_submittable(self) -> bool:
        return self.error_count == 0


class PluginStatusChange(models.Model):
    """Audit: every change of a plugin's status (who, when, from, to, why)."""

    plugin = models.ForeignKey(Plugin, on_delete=models.CASCADE, related_name="status_changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    reason = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.plugin}: {self.from_status or '—'} → {self.to_status}"


class Installation(models.Model):
    """A user's install of a plugin; a banned plugin's installs stay, shown as removed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="installations"
    )
    plugin = models.ForeignKey(Plugin, on_delete=models.CASCADE, related_name="installations")
    created_at = models.DateTimeField(auto_now_add=True)
    # Ended by the plugin's ban (PRODUCT.md section 2): listed as removed, with the reason;
    # reinstatement does not bring it back; installing again starts it afresh.
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_reason = models.CharField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "plugin"], name="installation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} installed {self.plugin}"


class TesterInvitation(models.Model):
    """A developer the owner invited to use the plugin while it is unverified."""

    plugin = models.ForeignKey(Plugin, on_delete=models.CASCADE, related_name="testers")
    developer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tester_invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plugin", "developer"], name="tester_unique")
        ]

    def __str__(self) -> str:
        return f"{self.developer} tests {self.plugin}"


class PluginMember(models.Model):
    """A co-developer (PRODUCT.md section 13): refreshes, submits, replies and withdraws with
    the owner; never deletes, transfers or manages people. The owner has no row here."""

    plugin = models.ForeignKey(Plugin, on_delete=models.CASCADE, related_name="members")
    developer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plugin_memberships"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plugin", "developer"], name="plugin_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.developer} develops {self.plugin}"


class PluginInvitation(models.Model):
    """The owner's offer to the developer with this email: to join as co-developer, or to take
    the plugin over. Answered on its page by the account with that email, until it expires."""

    plugin = models.ForeignKey(Plugin, on_delete=models.CASCADE, related_name="invitations")
    kind = models.CharField(max_length=16, choices=InvitationKind.choices)
    # As the owner typed it, lower-cased; whoever signs in with it may answer.
    email = models.EmailField(max_length=254)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    state = models.CharField(
        max_length=16, choices=InvitationState.choices, default=InvitationState.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=InvitationKind.values), name="invitation_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=InvitationState.values), name="invitation_state_valid"
            ),
            models.UniqueConstraint(
                fields=["plugin", "kind", "email"],
                condition=Q(state="pending"),
                name="invitation_one_pending_per_email",
            ),
            models.UniqueConstraint(
                fields=["plugin"],
                condition=Q(state="pending", kind="transfer"),
                name="invitation_one_pending_transfer",
            ),
        ]
        indexes = [
            models.Index(
                fields=["email"], condition=Q(state="pending"), name="invitation_pending_email"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.email} ({self.state})"


class PluginEvent(models.Model):
    """Audit of a plugin's team and life (PRODUCT.md section 13): who did what, when, from and
    to. It outlives the plugin (a deletion is recorded here too), so it names the plugin."""

    plugin = models.ForeignKey(
        Plugin, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    plugin_label = models.CharField(max_length=255)
    action = models.CharField(max_length=24, choices=TeamAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The developer the change is about, as an email: it stays readable if they leave.
    subject = models.EmailField(max_length=254, blank=True)
    from_value = models.CharField(max_length=255, blank=True)
    to_value = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.plugin_label}: {self.get_action_display()}"


class FetchJob(TimeStampedModel):
    """A register or refresh request, run by a Celery task; its page shows the progress."""

    kind = models.CharField(max_length=16, choices=FetchJobKind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fetch_jobs"
    )
    plugin = models.ForeignKey(
        Plugin, on_delete=models.CASCADE, null=True, blank=True, related_name="fetch_jobs"
    )
    target = models.CharField(max_length=URL_MAX_LENGTH)
    category = models.CharField(max_length=32, choices=Category.choices, blank=True)
    state = models.CharField(
        max_length=24, choices=FetchJobState.choices, default=FetchJobState.QUEUED
    )
    version = models.ForeignKey(
        PluginVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    unchanged = models.BooleanField(default=False)
    findings = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.target} ({self.state})"

    @property
    def is_finished(self) -> bool:
        return self.state in (FetchJobState.DONE, FetchJobState.FAILED)
