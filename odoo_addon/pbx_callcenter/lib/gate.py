"""The typed refusal of a PBX request, raised by the models and answered by the controllers.

Models take the request as plain values and return results; when they refuse, they raise
:class:`Refusal` and the controller (``controllers/main.py``) turns it into the HTTP answer:
the status of its code (``contract.ERROR_STATUS``) and the JSON error body.
"""

from __future__ import annotations

from typing import Any

from . import contract


class Refusal(Exception):
    """A PBX request refused: an error code of the contract, a message for a person, the
    fields at fault (invalid_payload only) and the journal row that keeps it, if any."""

    def __init__(self, code: str, message: str, fields: dict[str, str] | None = None,
                 event_id: int | None = None):
        self.status, self.body = contract.error_response(code, message, fields, event_id)
        super().__init__(f"{code}: {message}")
        self.code = code

    def answer(self) -> tuple[int, dict[str, Any]]:
        """``(http_status, body)`` of the refusal."""
        return self.status, self.body
