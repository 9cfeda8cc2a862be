"""Signals domains sends, so a higher floor acts on ownership without domains importing it
(pluginstore listens: pluginstore.receivers, connected in PluginstoreConfig.ready)."""

from django.dispatch import Signal

# A developer just verified a domain, so they own it: sent by domains.services with claim=
# (the DomainClaim, locked and verified) inside the transaction that verifies it. Receivers
# close other developers' registrations of claim.domain in that transaction and return the
# list of what they closed, as ClosedRegistration records, for the verifier's notice.
domain_verified = Signal()
