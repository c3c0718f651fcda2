"""Typer commands, one module each, every one with ``register(app)``."""
