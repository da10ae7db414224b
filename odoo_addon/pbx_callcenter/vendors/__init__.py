"""The PBX vendors, one unit each: everything of a vendor is in ``vendors/<name>/``.

The core (``models/``, ``controllers/``, ``lib/``) knows no vendor: it has the connection and
its gate, the journal and the processing of canonical events, calls, lookups, click-to-dial's
transport and the generic HTTP and link methods. A vendor plugs in as Odoo's payment providers
do (``payment.provider`` with ``payment_stripe``...): it adds its value to a selection and
overrides hook methods, handling its own value and calling ``super()`` for the others.

A unit holds:

``__init__.py``
    A docstring only: importing the unit's pure part must not need Odoo.
``protocol.py``
    Pure (no Odoo import, no I/O; tested in ``tests/python``): the vendor's event mapping onto
    the canonical events, its signatures, the requests of its API and the reading of answers.
``models.py``
    The Odoo side, loaded by :func:`load`. Its hooks, each optional:

    - ``pbx.connection.kind``: ``selection_add`` of the vendor's kind (with ``ondelete``);
      ``_pbx_route_kinds()``: the route groups its tokens open (see ``_gate``);
    - ``pbx.call.event.source``: ``selection_add`` of the vendor's event source;
      ``_pbx_event_mappers()``: its source -> ``protocol.to_canonical(native_event, data,
      tz_name)``, which maps its events (``pbx.call.event._native_to_canonical`` calls it);
    - ``pbx.connection.originate_method``: ``selection_add`` of its click-to-dial method;
      ``_originate_request(values, deadline)`` and ``_originate_default_url()``;
    - ``_pbx_import_extensions(fetch)``: the extension list of its API;
    - ``action_disconnect()``: forget its credentials; ``pbx.call._recording_location``:
      where its recordings play.
``controllers.py``
    Its routes: each builds the plain request (``controllers.main.http_in``), calls one model
    method that passes the gate (``pbx.connection._gate(http_in, group, ..., verify=...)``)
    first, and answers through ``controllers.main.answer_json``.

Adding a vendor: add a unit and its name to :data:`VENDORS`; no other vendor changes.
"""
import importlib

#: The units loaded, in this order (a kind's place in selection lists follows it).
VENDORS = ("asterisk", "zadarma", "yeastar", "threecx")


def load():
    """Import each unit's Odoo side (models, then routes); called by the module's __init__."""
    for name in VENDORS:
        for part in ("models", "controllers"):
            importlib.import_module(f"{__name__}.{name}.{part}")
