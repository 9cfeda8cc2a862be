"""The notification kinds of domain ownership (PRODUCT.md section 9), each told once per event.

They go to Account notices: a claim belongs to a developer and a domain, not to one plugin.
"""

from inbox.notices import Notice, ThreadKind, typed


@typed
class DomainVerified(Notice):
    """The developer proved control of the domain and owns it now."""

    kind = "domain_verified"
    label = "Domain verified"
    thread = ThreadKind.ACCOUNT
    key = "domain-claim:{claim_id}:verified"
    template = "inbox/messages/domain_verified.txt"

    claim_id: int
    domain: str
    method_label: str
    closed_count: int


@typed
class DomainRegistrationClosed(Notice):
    """Another developer verified the domain: this developer's unapproved plugin is closed."""

    kind = "domain_registration_closed"
    label = "Registration closed: domain verified by another developer"
    thread = ThreadKind.ACCOUNT
    key = "domain-claim:{claim_id}:closed:{plugin_id}"
    template = "inbox/messages/domain_registration_closed.txt"

    claim_id: int
    domain: str
    plugin_id: int
    plugin_name: str


@typed
class DomainProofLost(Notice):
    """A check no longer finds the proof; submissions are blocked after the grace period."""

    kind = "domain_proof_lost"
    label = "Domain proof lost"
    thread = ThreadKind.ACCOUNT
    key = "domain-claim:{claim_id}:lost:{change_id}"
    template = "inbox/messages/domain_proof_lost.txt"

    claim_id: int
    change_id: int
    domain: str
    reasons: tuple[str, ...]
    grace_days: int


@typed
class DomainSubmissionsBlocked(Notice):
    """The proof stayed lost for the grace period: submissions are blocked until it is back."""

    kind = "domain_submissions_blocked"
    label = "Domain proof lost: submissions blocked"
    thread = ThreadKind.ACCOUNT
    key = "domain-claim:{claim_id}:blocked:{change_id}"
    template = "inbox/messages/domain_submissions_blocked.txt"

    claim_id: int
    change_id: int  # the change to lost that started the grace period
    domain: str
    grace_days: int


@typed
class DomainProofRestored(Notice):
    """The proof is found again after it was lost."""

    kind = "domain_proof_restored"
    label = "Domain proof restored"
    thread = ThreadKind.ACCOUNT
    key = "domain-claim:{claim_id}:restored:{change_id}"
    template = "inbox/messages/domain_proof_restored.txt"

    claim_id: int
    change_id: int
    domain: str
    was_blocked: bool
