"""Fixtures shared by every test package."""

from __future__ import annotations

from tests.mounts import tmpfs

__all__ = ["tmpfs"]
