"""Operations: Prometheus metrics and the JSON Lines backup of the registry."""
