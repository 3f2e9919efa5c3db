"""People who belong to a training provider and sign in to the provider portal."""
