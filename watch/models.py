"""One watch per approved plugin: when it is checked next, and what the last check found."""

from django.db import models
from django.db.models import Q

from core.fetch.limits import VALIDATOR_MAX_LENGTH
from core.models import TimeStampedModel
from pluginstore.models import URL_MAX_LENGTH, Plugin, PluginVersion
from watch.choices import WatchOutcome

# The longest error text kept from a failed check (the fetcher's messages are shorter).
ERROR_MAX_LENGTH = 1000


class PluginWatch(TimeStampedModel):
    """The daily re-fetch of one approved plugin (watch.services runs it).

    `due_at` is the next time of the plugin's slot in the day (`slot_minute`, from its id);
    a run claims due watches under a lease (`lease_until`, `lease_token`) so a killed worker's
    plugin is taken again once the lease runs out, and `checked_slot` records which day's slot
    the last check served, so no slot is checked twice.
    """

    plugin = models.OneToOneField(Plugin, on_delete=models.CASCADE, related_name="watch")
    slot_minute = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.UUIDField(null=True, blank=True)
    checked_slot = models.DateTimeField(null=True, blank=True)

    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_outcome = models.CharField(
        max_length=16, choices=WatchOutcome.choices, default=WatchOutcome.PENDING
    )
    last_error = models.CharField(max_length=ERROR_MAX_LENGTH, blank=True)
    last_ok_at = models.DateTimeField(null=True, blank=True)
    # The slot of the first failed check in a row; None while the plugin answers.
    unreachable_since = models.DateTimeField(null=True, blank=True)
    told_3_days = models.BooleanField(default=False)
    # The stored version the live API serves, when it is not the approved one.
    drifted_version = models.ForeignKey(
        PluginVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # What the validators below describe: the version whose documents the server last served.
    seen_version = models.ForeignKey(
        PluginVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    manifest_etag = models.CharField(max_length=VALIDATOR_MAX_LENGTH, blank=True)
    manifest_last_modified = models.CharField(max_length=VALIDATOR_MAX_LENGTH, blank=True)
    spec_url = models.CharField(max_length=URL_MAX_LENGTH, blank=True)
    spec_etag = models.CharField(max_length=VALIDATOR_MAX_LENGTH, blank=True)
    spec_last_modified = models.CharField(max_length=VALIDATOR_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = "plugin watch"
        verbose_name_plural = "plugin watches"
        indexes = [models.Index(fields=["due_at"], name="watch_due")]
        constraints = [
            models.CheckConstraint(condition=Q(slot_minute__lt=24 * 60), name="watch_slot_in_day"),
            models.CheckConstraint(
                condition=Q(last_outcome__in=WatchOutcome.values), name="watch_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Watch of {self.plugin}"


class DriftedPlugin(PluginWatch):
    """The reviewers' "Drifted" list: approved plugins whose live API is not the approved one."""

    class Meta:
        proxy = True
        verbose_name = "drifted plugin"


class UnavailablePlugin(PluginWatch):
    """The reviewers' list of plugins the store marked unavailable (unreachable 7 days)."""

    class Meta:
        proxy = True
        verbose_name = "unavailable plugin"
