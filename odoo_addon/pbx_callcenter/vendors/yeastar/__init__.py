"""Yeastar P-Series: webhooks, inbound-call control, click-to-dial, extension import and
recordings through its OpenAPI (see vendors/__init__.py)."""
