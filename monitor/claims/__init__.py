"""The claims ledger, the claim-to-signal mapping and the per-claim test against the imagery."""

from monitor.claims.ledger import Claim, ClaimSource, add_claim, claim_period, load_claims

__all__ = ("Claim", "ClaimSource", "add_claim", "claim_period", "load_claims")
