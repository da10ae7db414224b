"""Zadarma: webhooks, click-to-dial, extension import and recordings (see vendors/__init__.py)."""
