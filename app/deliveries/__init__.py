"""Mail the service sends for providers (invitations, workers' claim links), with a
delivery status per message, retries and a record of failures."""
