"""Every write to plugins, versions, installs and testers goes through here.

- registration: register and refresh (fetch jobs, their checks, the versions they store);
- catalogue: a version goes live, the category, the status audit row;
- installs: installs and testers.

Banning, reinstating and answering appeals are review work: see reviews.moderation.
"""

from pluginstore.services.catalogue import (
    copy_listing_fields,
    plugin_rating_set,
    plugin_set_category,
    plugin_status_record,
    plugin_version_make_live,
)
from pluginstore.services.installs import (
    installation_create,
    installation_delete,
    tester_invite,
    tester_remove,
)
from pluginstore.services.registration import (
    MAX_OPEN_FETCH_JOBS,
    fetch_job_run,
    fetch_jobs_resume_stale,
    plugin_domain_for,
    plugin_refresh_start,
    plugin_register_documents,
    plugin_registration_start,
)

__all__ = [
    "MAX_OPEN_FETCH_JOBS",
    "copy_listing_fields",
    "fetch_job_run",
    "fetch_jobs_resume_stale",
    "installation_create",
    "installation_delete",
    "plugin_domain_for",
    "plugin_rating_set",
    "plugin_refresh_start",
    "plugin_register_documents",
    "plugin_registration_start",
    "plugin_set_category",
    "plugin_status_record",
    "plugin_version_make_live",
    "tester_invite",
    "tester_remove",
]
