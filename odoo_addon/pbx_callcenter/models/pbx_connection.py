import time
from collections import namedtuple

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.addons.base.models.res_partner import _tz_get
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.misc import human_size

from ..lib import bodylimit, netaddr, tokens
from ..lib.gate import Refusal
from . import odoo_compat

#: The kinds of PBX this file knows: each vendor unit (vendors/<name>/models.py) adds its own
#: with selection_add and says which route groups its tokens open (_pbx_route_kinds).
PBX_KINDS = [("generic", "Generic HTTP")]
#: Bytes of a request body read at most, unless pbx_callcenter.max_body_bytes says otherwise.
DEFAULT_MAX_BODY = 65536
SIGNATURE_SCHEMES = [
    ("body", "Body or request (sha256= or v2=)"),
    ("request", "Request only (v2=)"),
]

#: The test call (action_send_test_call): its caller, a contact found by this reference (created
#: once per company), calls from a fictional number (NANP 555-01xx are reserved for fiction).
TEST_CALLER_REF = "pbx_callcenter_test_caller"
TEST_CALLER_NUMBER = "+12025550100"
#: The journal's "Vendor Event" of the test call's events: they are marked as a test there.
TEST_CALL_EVENT = "odoo_test_call"
#: What the connection form shows in URLs in place of the token, which is never shown again.
TOKEN_PLACEHOLDER = "YOUR_TOKEN"

#: What the gate admits: the connection, as a superuser recordset (the request has no user),
#: and the raw body (None for a form Odoo already parsed, or when the route reads none).
Admitted = namedtuple("Admitted", "connection_su body")


class PbxConnection(models.Model):
    """One PBX sending call events to Odoo (Zoho calls it a "PhoneBridge group")."""

    _name = "pbx.connection"
    _description = "PBX Connection"
    _order = "sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    kind = fields.Selection(PBX_KINDS, required=True, default="generic")
    enabled = fields.Boolean(
        "Integration Enabled",
        default=True,
        help="While disabled, the PBX routes answer 503 and write nothing; every setting is kept.",
    )

    # ---- inbound authentication (admin-only) --------------------------------
    token_hash = fields.Char(groups="base.group_system", copy=False, readonly=True, index=True)
    token_hint = fields.Char(
        "Token", copy=False, readonly=True, help="Last characters of the current API token."
    )
    webhook_secret = fields.Char(
        groups="base.group_system",
        copy=False,
        help="When set, every request must carry X-Signature: sha256=<HMAC-SHA256 of the body>.",
    )
    signature_scheme = fields.Selection(
        SIGNATURE_SCHEMES, default="body", required=True, groups="base.group_system",
        help="With a webhook secret. Body: X-Signature: sha256=<HMAC-SHA256 of the body> is also "
             "accepted, though a captured request can then be replayed to another route. "
             "Request: only X-Signature: v2=<HMAC-SHA256 of timestamp, method, path and body> "
             "with X-Signature-Timestamp (Unix seconds, within 5 minutes of Odoo's clock).",
    )
    allowed_ips = fields.Text(
        "Allowed Source IPs",
        groups="base.group_system",
        help="IP addresses or CIDR ranges (comma, space or newline separated). Empty allows any.",
    )
    accept_get = fields.Boolean(
        "Accept GET Requests", groups="base.group_system",
        help="For a PBX that can only send its events as GET with query parameters (VoiceCloud's "
             "call_in, a Yeastar webhook set to GET). They are then journaled, checked and applied "
             "like POSTed ones; GET requests cannot be signed, so a connection with a webhook "
             "secret still refuses them. Off: GET is answered 405.",
    )

    # ---- reading what the PBX sends -----------------------------------------
    tz = fields.Selection(
        _tz_get, string="PBX Timezone", default="UTC", required=True,
        help="Timezone of naive call dates (YYYY-MM-DD HH:MM:SS) sent by the PBX.",
    )
    country_id = fields.Many2one(
        "res.country",
        default=lambda self: self.env.company.country_id,
        help="Country used to read national numbers (e.g. 0989464344).",
    )
    tail_digits = fields.Integer(
        "Digits Matched",
        default=9,
        help="When no number matches exactly in E.164, match on this many last digits.",
    )
    recording_base_url = fields.Char(
        help="Base URL joined to recording file names sent by the PBX."
    )

    # ---- behaviour -----------------------------------------------------------
    auto_create_inbound = fields.Boolean("Auto-create on Incoming Calls", default=True)
    auto_create_outbound = fields.Boolean("Auto-create on Outgoing Calls", default=False)
    auto_create_model = fields.Selection(
        [("partner", "Contact"), ("lead", "Lead")], string="Auto-create As",
        default="partner", required=True,
    )
    default_user_id = fields.Many2one(
        "res.users", "Default Responsible",
        help="Owner of auto-created records and missed-call activities when no user is bound "
             "to the extension.",
    )
    open_in_new_tab = fields.Boolean(help="The popup's Open button opens the record in a new tab.")

    extension_ids = fields.One2many("pbx.extension", "connection_id", "Extensions")

    # ---- set-up: what the PBX must be configured with (see _compute_setup_urls) ----------
    setup_canonical = fields.Boolean(compute="_compute_setup_urls")
    setup_lookup = fields.Boolean(compute="_compute_setup_urls")
    setup_base_url = fields.Char("Odoo URL", compute="_compute_setup_urls")
    setup_call_in_url = fields.Char(
        "Ringing (call_in)", compute="_compute_setup_urls",
        help="POSTed by the PBX when an external number rings an extension.")
    setup_init_url = fields.Char(
        "Outgoing call started (init)", compute="_compute_setup_urls",
        help="POSTed by the PBX when an extension starts an outbound call.")
    setup_call_out_url = fields.Char(
        "Call ended (call_out)", compute="_compute_setup_urls",
        help="POSTed by the PBX when a call ends, with its record.")
    setup_lookup_url = fields.Char(
        "Caller lookup", compute="_compute_setup_urls",
        help="Queried by dialplans and scripts for the caller name and owner extension of a "
             "number (?number=...).")
    setup_phonebook_url = fields.Char(
        "Phone book (IP phones)", compute="_compute_setup_urls",
        help="The phone book of IP phones (Yealink XML; .json and .csv too). Phones can only "
             "set a URL: the token is in it.")
    call_count = fields.Integer(compute="_compute_call_count")

    # ---- event journal retention (see pbx.call.event._cron_purge_journal) -----
    journal_keep_days = fields.Integer(
        "Keep Events (days)", default=30,
        help="Processed, duplicate, ignored and rejected events older than this are deleted by "
             "a daily job. 0 keeps them forever.")
    journal_keep_failed_days = fields.Integer(
        "Keep Failed Events (days)", default=180,
        help="Failed events (which can be re-processed) older than this are deleted by the "
             "daily job. 0 keeps them forever. Pending events are never deleted.")
    journal_event_count = fields.Integer(
        "Journal Events", compute="_compute_journal_size",
        groups="pbx_callcenter.pbx_callcenter_group_manager",
        help="Events of this connection in the event journal.")
    journal_table_size = fields.Char(
        "Event Journal Size", compute="_compute_journal_size",
        groups="pbx_callcenter.pbx_callcenter_group_manager",
        help="On-disk size of the whole event journal (every connection, indexes included).")

    _tail_digits_range = odoo_compat.Constraint(
        "CHECK(tail_digits BETWEEN 6 AND 15)", "Digits matched must be between 6 and 15.")

    # ---- access: the record, and the admin-only fields --------------------------

    def _check_record_access(self, operation):
        """AccessError unless the current user may `operation` ("read", "write"...) these very
        records: access rights and record rules (another company's connection is refused).
        Nothing to check under sudo."""
        if not self.env.su:
            odoo_compat.check_access(self, operation)

    @api.model
    def _fields_denied(self, names=None):
        """The fields (among `names`, default all) whose `groups` the current user is not in:
        the admin-only settings, read from each field's own `groups`. Empty under sudo."""
        if self.env.su:
            return set()
        return {
            name for name in (self._fields if names is None else names)
            if name in self._fields and self._fields[name].groups
            and not odoo_compat.user_in_groups(self.env, self._fields[name].groups)
        }

    @api.model
    def _check_fields_allowed(self, names):
        """AccessError naming the fields of `names` the current user may not set."""
        denied = self._fields_denied(names)
        if denied:
            labels = ", ".join(sorted(f"{self._fields[name].string} ({name})" for name in denied))
            raise AccessError(_("Only administrators can set these fields of a PBX connection: %s", labels))

    @api.model
    def default_get(self, fields_list):
        """Admin-only fields keep their code default for anyone else: neither a context key
        (refused by create) nor a personal default (ir.default) may fill them."""
        defaults = super().default_get(fields_list)
        for name in self._fields_denied(defaults):
            field = self._fields[name]
            if field.default:
                value = field.convert_to_cache(field.default(self), self)
                defaults[name] = field.convert_to_write(value, self)
            else:
                del defaults[name]
        return defaults

    @api.model_create_multi
    def create(self, vals_list):
        names = {name for vals in vals_list for name in vals}
        names.update(key[len("default_"):] for key in self.env.context
                     if isinstance(key, str) and key.startswith("default_"))
        self._check_fields_allowed(names)
        return super().create(vals_list)

    def copy_data(self, default=None):
        """Only administrators copy the admin-only settings: others get their defaults (the
        denied fields are passed as given, so that they are not even read, then dropped)."""
        default = dict(default or {})
        self._check_fields_allowed(default)
        denied = self._fields_denied()
        vals_list = super().copy_data(dict(dict.fromkeys(denied, False), **default))
        if not denied or vals_list is None:
            return vals_list
        return [vals and {name: value for name, value in vals.items() if name not in denied}
                for vals in vals_list]

    # ---- constraints and computes --------------------------------------------

    @api.constrains("journal_keep_days", "journal_keep_failed_days")
    def _check_journal_retention(self):
        if any(c.journal_keep_days < 0 or c.journal_keep_failed_days < 0 for c in self):
            raise ValidationError(_("Event retention: enter a number of days, or 0 to keep "
                                    "events forever."))

    @api.constrains("allowed_ips")
    def _check_allowed_ips(self):
        for connection in self.sudo():
            try:
                netaddr.parse_allowlist(connection.allowed_ips)
            except ValueError as error:
                raise ValidationError(_("Allowed source IPs: %s", error)) from error

    def _compute_call_count(self):
        counts = dict(
            self.env["pbx.call"]._read_group(
                [("connection_id", "in", self.ids)], ["connection_id"], ["__count"]
            )
        )
        for connection in self:
            connection.call_count = counts.get(connection, 0)

    @api.depends("kind")
    def _compute_setup_urls(self):
        """The full URLs of the routes the connection's kind opens (_pbx_route_kinds), from
        web.base.url. The canonical and lookup routes take the token in a header; the phone
        book, read by phones that only set a URL, in the URL (YOUR_TOKEN stands for it)."""
        base = self._base_url()
        groups = self._pbx_route_kinds()
        for connection in self:
            canonical = connection.kind in groups["canonical"]
            lookup = connection.kind in groups["lookup"]
            connection.setup_canonical = canonical
            connection.setup_lookup = lookup
            connection.setup_base_url = base
            for route in ("call_in", "init", "call_out"):
                connection[f"setup_{route}_url"] = canonical and f"{base}/api/callcenter/{route}"
            connection.setup_lookup_url = lookup and f"{base}/api/callcenter/lookup"
            connection.setup_phonebook_url = (
                connection.kind in groups["phonebook"]
                and f"{base}/api/callcenter/phonebook.xml?token={TOKEN_PLACEHOLDER}")

    def _compute_journal_size(self):
        Event = self.env["pbx.call.event"].sudo()  # every row the connection stores
        counts = dict(Event._read_group(
            [("connection_id", "in", self.ids)], ["connection_id"], ["__count"]))
        size = human_size(Event._journal_table_bytes())
        for connection in self:
            connection.journal_event_count = counts.get(connection, 0)
            connection.journal_table_size = size

    # ---- tokens ----------------------------------------------------------------

    def _set_new_token(self):
        """Store a fresh token's hash and return the token, which is never stored in clear."""
        self.ensure_one()
        token = tokens.generate_token()
        self.sudo().write({"token_hash": tokens.hash_token(token), "token_hint": "…" + token[-4:]})
        return token

    def action_generate_token(self):
        """Generate (or rotate) the API token and show it once, in a sticky notification."""
        self.ensure_one()
        self._check_manager()
        self._check_record_access("write")
        token = self._set_new_token()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("New API token for %s", self.name),
                "message": _("Copy it now, it will not be shown again: %s", token),
                "sticky": True,
                "type": "warning",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def provision(self, vals):
        """Create a connection and return its id and token: for scripts (XML-RPC / JSON-RPC).

        Only Call Center managers may call it; the token is returned this once.
        """
        self._check_manager()
        connection = self.create(vals)
        return {"id": connection.id, "token": connection._set_new_token()}

    def rotate_token(self):
        """Replace the token of an existing connection (scripts); returns the new token."""
        self.ensure_one()
        self._check_manager()
        self._check_record_access("write")
        return self._set_new_token()

    def _check_manager(self):
        if not self.env.user.has_group("pbx_callcenter.pbx_callcenter_group_manager"):
            raise AccessError(_("Only Call Center managers can manage PBX tokens."))

    @api.model
    def _find_by_token(self, token):
        """Return the active connection whose token is `token` (any company), or an empty set."""
        if not token or len(token) > 256:
            return self.browse()
        return self.sudo().search([("token_hash", "=", tokens.hash_token(token))], limit=1)

    # ---- the gate: the one door of every PBX route ------------------------------------

    @api.model
    def _pbx_route_kinds(self):
        """Which connection kinds' tokens open which group of PBX routes. Any other token is
        answered like a wrong one (401), so a token copied from a URL (Zadarma, Yeastar and
        FreePBX carry it there) opens only what its PBX uses. Vendor units add their groups."""
        return {
            "canonical": ("generic",),  # /call_in, /init, /call_out
            "lookup": ("generic",),  # /lookup: dialplans, CID lookup, scripts
            # /phonebook.*: the IP phones of any PBX; read-only, the connection's company only
            "phonebook": tuple(kind for kind, _label in self._fields["kind"].selection),
        }

    @api.model
    def _gate(self, http_in, group, methods=("POST",), read_body=True, verify=None,
              require_enabled=True, method_hint=None, get_opt_in=False):
        """Admit a PBX request, or raise lib.gate.Refusal. Every route passes here, in this
        order: the method (405), an API token (Bearer, X-Api-Key or ?token=) of a connection of
        a kind `group` admits (401), its source-IP allow-list (403), the body size when the
        route reads one (413), the vendor's check `verify`, the name of a connection method called
        as ``connection_su.<verify>(http_in, body)`` (signatures: it raises a 403 Refusal), the
        enabled switch (503, unless `require_enabled` is False: Zadarma's URL check). Nothing is
        written before the gate admits; journaling is the route's next step
        (pbx.call.event._journal). Returns Admitted. With `get_opt_in`, a GET with a token is
        admitted from a connection that accepts GET (accept_get), whose fields are its query; one
        without a token, or naming a connection that does not accept GET, is 405."""
        def wrong_method():
            return Refusal("method_not_allowed", method_hint or _("Use %s.", "/".join(methods)))

        token = tokens.token_from_request(http_in["headers"], http_in["query"])
        opted_get = get_opt_in and http_in["method"] == "GET" and bool(token)
        if http_in["method"] not in methods and not opted_get:
            raise wrong_method()
        as_superuser = self.env(user=SUPERUSER_ID, su=True)[self._name]
        connection_su = as_superuser._find_by_token(token)
        if connection_su.kind not in self._pbx_route_kinds()[group]:
            connection_su = as_superuser.browse()  # answered exactly like a wrong token
        if not connection_su:
            raise Refusal("unauthorized", _("Missing or invalid API token."))
        if not netaddr.ip_allowed(http_in["remote_addr"], connection_su.allowed_ips):
            raise Refusal("forbidden", _("Requests from %s are not allowed.", http_in["remote_addr"]))
        if opted_get and http_in["method"] not in methods and not connection_su.accept_get:
            raise wrong_method()
        body = as_superuser._read_body(http_in) if read_body and http_in["method"] != "GET" else None
        if verify:
            getattr(connection_su, verify)(http_in, body)
        if require_enabled and not connection_su.enabled:
            raise Refusal("integration_disabled", _("The PBX integration is disabled in Odoo."))
        return Admitted(connection_su, body)

    @api.model
    def _read_body(self, http_in):
        """The raw body (None for a form Odoo already parsed), or a 413 Refusal. Chunked bodies
        too: the request's stream stops past the limit (see models/ir_http.py)."""
        limit = self._max_body_bytes()
        too_large = Refusal("payload_too_large", _("The body exceeds %s bytes.", limit))
        if (http_in["content_length"] or 0) > limit:
            raise too_large
        if http_in["form"] is not None:
            return None
        try:
            body = http_in["read_body"](limit + 1)
        except bodylimit.BodyTooLarge:
            body = None
        if body is None or len(body) > limit:
            raise too_large
        return body

    @api.model
    def _max_body_bytes(self):
        value = self.env["ir.config_parameter"].sudo().get_param("pbx_callcenter.max_body_bytes")
        try:
            return int(value) if value else DEFAULT_MAX_BODY
        except ValueError:
            return DEFAULT_MAX_BODY

    def _verify_webhook_signature(self, http_in, body):
        """The gate's check of X-Signature (lib.tokens.signature_problem and signature_scheme)
        when this connection has a webhook secret: a 403 Refusal when it does not hold."""
        self.ensure_one()
        if not self.webhook_secret:
            return
        if body is None:
            raise Refusal("forbidden", _("Signed requests must send a JSON body."))
        problem = tokens.signature_problem(
            self.webhook_secret, http_in["headers"], http_in["method"], http_in["path"], body,
            time.time(), require_v2=self.signature_scheme == "request")
        if problem == "scheme":
            raise Refusal("forbidden", _(
                "This connection requires request signatures: X-Signature: v2=… with "
                "X-Signature-Timestamp."))
        if problem == "timestamp":
            raise Refusal("forbidden", _(
                "X-Signature-Timestamp is missing, or more than %s seconds away from Odoo's clock.",
                tokens.SIGNATURE_WINDOW))
        if problem:
            raise Refusal("forbidden", _("Missing or invalid X-Signature."))

    # ---- enable / disable / disconnect -----------------------------------------

    @api.model
    def _base_url(self):
        """This Odoo's public URL (web.base.url), without a trailing slash: the base of every
        URL shown to a PBX admin or stored for playback."""
        return self.env["ir.config_parameter"].sudo().get_param("web.base.url", "").rstrip("/")

    def action_enable(self):
        self._check_record_access("write")
        self.write({"enabled": True})

    def action_disable(self):
        self._check_record_access("write")
        self.write({"enabled": False})

    def action_disconnect(self):
        """Clear credentials and extension bindings; calls, contacts and leads stay."""
        self._check_manager()
        self._check_record_access("write")
        self.extension_ids.unlink()
        self.sudo().write({
            "enabled": False, "token_hash": False, "token_hint": False,
            "webhook_secret": False, "allowed_ips": False,
        })

    # ---- set-up: the test call -----------------------------------------------------------

    def action_send_test_call(self):
        """Play a test call to the current user's extension on this connection, through the
        path a PBX's events take (journal, processing, popup, chatter): a call_in from the test
        caller, then its call_out (answered, 5 s). The journal marks both events as a test."""
        self.ensure_one()
        if not self.env.user.has_group("pbx_callcenter.pbx_callcenter_group_manager"):
            raise AccessError(_("Only Call Center managers can send a test call."))
        self._check_record_access("write")
        if not self.enabled:
            raise UserError(_("%s is disabled: enable it to send a test call.", self.name))
        extension = self.env["pbx.extension"].search(
            [("connection_id", "=", self.id), ("user_id", "=", self.env.uid)],
            order="is_default desc, name, id", limit=1)
        if not extension:
            raise UserError(_(
                "You have no extension on %s: bind one to yourself on the Bind Extensions screen "
                "(Configuration), then send the test call again.", self.name))
        caller_name = self._test_caller()
        callid = f"{TEST_CALL_EVENT}_{self.id}_{time.time_ns()}"
        fields_in = {"phone": TEST_CALLER_NUMBER, "extension": extension.name, "callid": callid}
        fields_out = dict(fields_in, calldate=str(int(time.time()) - 5), duration="5",
                          status="ANSWERED")
        # as the gate admits a PBX's request: the superuser, no user of the request
        connection_su = self.env(user=SUPERUSER_ID, su=True)[self._name].browse(self.id)
        events_su = connection_su.env["pbx.call.event"]
        try:
            for route, data in (("call_in", fields_in), ("call_out", fields_out)):
                answer = events_su._journal_and_process(
                    connection_su, route, data, {"remote_addr": False}, native_event=TEST_CALL_EVENT)
        except Refusal as refusal:
            raise UserError(_("The test call failed: %s The event journal keeps what happened.",
                              refusal.body["error"]["message"])) from refusal
        record = answer["record"]["name"] if answer["record"] else caller_name
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Test call sent"),
                "message": _(
                    "Extension %(extension)s (you) rang, then the call ended (%(state)s): its "
                    "popup was sent to your open Odoo tabs and the call was logged in the chatter "
                    "of %(record)s. The event journal marks its two events as a test "
                    "(%(event)s).",
                    extension=extension.name, state=answer["call"]["state"], record=record,
                    event=TEST_CALL_EVENT),
                "type": "success",
                "sticky": False,
            },
        }

    def _test_caller(self):
        """The name of the contact of test calls in this connection's company, created (or
        restored) once, committed at once like the journal: the events are processed in their
        own transactions, which must find it."""
        self.ensure_one()
        with self.env.registry.cursor() as cr:
            env = self.env(cr=cr, su=True)  # referenced until the commit (see pbx.call.event._journal)
            Partner = env["res.partner"].with_context(active_test=False)
            caller = Partner.search([("ref", "=", TEST_CALLER_REF),
                                     ("company_id", "in", (self.company_id.id, False))], limit=1)
            if not caller:
                caller = Partner.create({
                    "name": _("Test caller (PBX Call Center)"), "ref": TEST_CALLER_REF,
                    "phone": TEST_CALLER_NUMBER, "company_id": self.company_id.id,
                })
            elif not caller.active or caller.phone != TEST_CALLER_NUMBER:
                caller.write({"active": True, "phone": TEST_CALLER_NUMBER})
            return caller.display_name

    def action_view_calls(self):
        self.ensure_one()
        self._check_record_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("pbx_callcenter.pbx_call_action")
        action["domain"] = [("connection_id", "=", self.id)]
        action["context"] = {"default_connection_id": self.id}
        return action

    def action_view_events(self):
        self.ensure_one()
        self._check_record_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("pbx_callcenter.pbx_call_event_action")
        action["domain"] = [("connection_id", "=", self.id)]
        return action
