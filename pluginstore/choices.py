"""The names of plugin statuses, categories and fetch-job steps; models and permission rules
both use them."""

from django.db import models


class PluginStatus(models.TextChoices):
    UNVERIFIED = "unverified", "Unverified"
    APPROVED = "approved", "Approved"
    BANNED = "banned", "Banned"


class Category(models.TextChoices):
    RETRIEVAL = "retrieval", "Retrieval"
    INTEROP = "works-with-other-plugins", "Works with other plugins"
    COMPUTATION = "computation", "Computation"
    EXPERIENCES = "new-experiences", "New experiences"


class FetchJobKind(models.TextChoices):
    REGISTER = "register", "Register"
    REFRESH = "refresh", "Refresh"


class FetchJobState(models.TextChoices):
    QUEUED = "queued", "Waiting for a worker"
    FETCHING = "fetching", "Fetching the manifest and OpenAPI spec"
    CHECKING = "checking", "Checking"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
