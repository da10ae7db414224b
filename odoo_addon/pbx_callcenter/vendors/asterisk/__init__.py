"""Asterisk / FreePBX: the canonical routes fed by the AMI bridge, and the caller-name route
for CURL() in the dialplan (see vendors/__init__.py)."""
