"""Server side of the incoming-call popup's buttons (web/src/services/call_popup_service.ts).

Salespeople may only write the notes of a call (pbx_call.py); these actions check that the user
may edit the call (their own call, or a manager), then do the one privileged change themselves.
"""
from odoo import _, models
from odoo.exceptions import UserError

from . import odoo_compat
from .pbx_call import POPUP_NOTIFICATION


class PbxCall(models.Model):
    _inherit = "pbx.call"

    def action_create_partner(self):
        """Create a contact for the call's unknown number, owned by the user (as auto-created
        contacts are owned by the extension's user), link it to the call and open it."""
        self.ensure_one()
        self._check_popup_access()
        number = self._popup_number()
        partner = self.env["res.partner"].create({
            "name": number,
            "phone": number,
            "user_id": self.env.user.id,
            "company_id": self.company_id.id,
        })
        return self._link_popup_record({"partner_id": partner.id})

    def action_create_lead(self):
        """Create a lead for the call's unknown number, owned by the user, link it and open it."""
        self.ensure_one()
        self._check_popup_access()
        number = self._popup_number()
        lead = self.env["crm.lead"].create({
            "name": _("Call from %s", number),
            "phone": number,
            "user_id": self.env.user.id,
            "company_id": self.company_id.id,
        })
        return self._link_popup_record({"lead_id": lead.id})

    def action_block_number(self):
        """Blacklist the numbers; every open popup of these calls closes (salespeople too)."""
        self._check_popup_access()
        result = super(PbxCall, self.sudo()).action_block_number()
        for call in self.sudo().filtered("user_id"):
            self.env["bus.bus"]._sendone(
                call.user_id.partner_id, POPUP_NOTIFICATION, call._popup_payload(call.user_id))
        return result

    # ---- helpers ----------------------------------------------------------------------

    def _check_popup_access(self):
        """AccessError unless the current user may edit these calls (record rules included)."""
        if not self.env.su:
            odoo_compat.check_access(self, "write")

    def _popup_number(self):
        if self._record():
            raise UserError(_("This call is already linked to %s.", self._record().display_name))
        number = self.phone_e164 or (self.phone or "").strip()
        if not number:
            raise UserError(_("This call has no number."))
        return number

    def _link_popup_record(self, vals):
        self.sudo().write(vals)
        self._notify_popup()
        return self.action_open_record()
