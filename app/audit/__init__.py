"""The tamper-evident audit log: hash-chained events, written with the change they record."""
