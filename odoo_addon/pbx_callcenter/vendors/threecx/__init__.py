"""3CX: the server-side CRM template and the routes it calls (see vendors/__init__.py)."""
