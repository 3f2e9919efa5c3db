"""OAuth2 token issuing, token checking, and the typed role dependencies routes declare."""
