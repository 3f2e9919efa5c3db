"""Staff reports: aggregate figures of the registry, issued credentials and verifications."""
