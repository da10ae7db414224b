from odoo import _, api, fields, models
from odoo.addons.base.models.res_partner import _tz_get
from odoo.exceptions import AccessError, ValidationError

from ..lib import contract, netaddr, phone, tokens

PBX_KINDS = [
    ("generic", "Generic HTTP"),
    ("asterisk", "Asterisk / FreePBX"),
    ("zadarma", "Zadarma"),
    ("yeastar", "Yeastar"),
    ("threecx", "3CX"),
]


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
    allowed_ips = fields.Text(
        "Allowed Source IPs",
        groups="base.group_system",
        help="IP addresses or CIDR ranges (comma, space or newline separated). Empty allows any.",
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
    call_count = fields.Integer(compute="_compute_call_count")

    _sql_constraints = [
        ("tail_digits_range", "CHECK(tail_digits BETWEEN 6 AND 15)",
         "Digits matched must be between 6 and 15."),
    ]

    # ---- constraints and computes --------------------------------------------

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

    # ---- enable / disable / disconnect -----------------------------------------

    @api.model
    def _authenticate_request(self, http_in, methods=None):
        """(connection, error) of a PBX request: its method must be one of `methods` (when
        given), its API token (Bearer, X-Api-Key or ?token=) names the connection, whose
        source-IP allow-list must admit the sender. `error` is a (status, body) 405/401/403
        answer, or None. Callers then check size, signature and `enabled` (_disabled_error)."""
        if methods and http_in["method"] not in methods:
            return self.browse(), contract.error_response(
                "method_not_allowed", _("Use %s.", "/".join(methods)))
        connection = self.sudo()._find_by_token(
            tokens.token_from_request(http_in["headers"], http_in["query"]))
        if not connection:
            return connection, contract.error_response(
                "unauthorized", _("Missing or invalid API token."))
        if not netaddr.ip_allowed(http_in["remote_addr"], connection.allowed_ips):
            return connection, contract.error_response(
                "forbidden", _("Requests from %s are not allowed.", http_in["remote_addr"]))
        return connection, None

    @api.model
    def _base_url(self):
        """This Odoo's public URL (web.base.url), without a trailing slash: the base of every
        URL shown to a PBX admin or stored for playback."""
        return self.env["ir.config_parameter"].sudo().get_param("web.base.url", "").rstrip("/")

    @api.model
    def _disabled_error(self):
        """The 503 answer of every PBX route while its connection is disabled."""
        return contract.error_response(
            "integration_disabled", _("The PBX integration is disabled in Odoo."))

    def action_enable(self):
        self.write({"enabled": True})

    def action_disable(self):
        self.write({"enabled": False})

    def action_disconnect(self):
        """Clear credentials and extension bindings; calls, contacts and leads stay."""
        self._check_manager()
        self.extension_ids.unlink()
        self.sudo().write({
            "enabled": False, "token_hash": False, "token_hint": False,
            "webhook_secret": False, "allowed_ips": False,
        })

    def action_view_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("pbx_callcenter.pbx_call_action")
        action["domain"] = [("connection_id", "=", self.id)]
        action["context"] = {"default_connection_id": self.id}
        return action

    # ---- numbers ---------------------------------------------------------------

    def _normalize(self, raw):
        self.ensure_one()
        return phone.normalize(raw, self.country_id.code or None)

    def _find_extension(self, number):
        self.ensure_one()
        return self.env["pbx.extension"].search(
            [("connection_id", "=", self.id), ("name", "=", number)], limit=1
        )

    def _user_extension(self, user):
        """The extension through which `user` is reached on this connection (default first)."""
        self.ensure_one()
        if not user:
            return self.env["pbx.extension"]
        return self.env["pbx.extension"].search(
            [("connection_id", "=", self.id), ("user_id", "=", user.id)],
            order="is_default desc, id", limit=1,
        )

    def _match_caller(self, number):
        """Find the contact or lead calling from `number` (a lib.phone.PhoneNumber).

        Order, first hit wins (documented in the README):
          1. exact E.164 key, then the last `tail_digits` digits;
          2. within each: contacts before leads;
          3. contacts: individuals before companies, then the oldest (lowest id);
             leads: the newest open lead/opportunity (highest id).
        Only active records of this connection's company, or of no company, are considered.
        Every query is an index scan on the reversed-digit keys (see res_partner.py).
        """
        self.ensure_one()
        exact, tail = phone.lookup_keys(number.raw, self.country_id.code or None, self.tail_digits)
        company_domain = [("company_id", "in", [self.company_id.id, False])]
        Partner = self.env["res.partner"].sudo().with_context(active_test=True)
        Lead = self.env["crm.lead"].sudo().with_context(active_test=True)
        for operator, key in (("=", exact), ("=like", tail and tail + "%")):
            if not key:
                continue
            for model, order in ((Partner, "is_company, id"), (Lead, "id desc")):
                domain = ["|", ("pbx_phone_key", operator, key), ("pbx_mobile_key", operator, key)]
                record = model.search(domain + company_domain, order=order, limit=1)
                if record:
                    return record
        return None
