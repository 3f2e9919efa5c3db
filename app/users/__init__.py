"""Division staff users: admins, registrars and auditors."""
