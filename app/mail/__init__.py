"""Sending mail over SMTP (standard library only): the transport, not what the mail says."""
