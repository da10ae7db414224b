"""Server side of the incoming-call popup (web/src/services/call_popup_service.ts).

Salespeople may only write the notes of a call (pbx_call.py); these actions check that the user
may edit the call (their own call, or a manager), then do the one privileged change themselves.
"""
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

from . import odoo_compat
from .pbx_call import POPUP_NOTIFICATION

#: Context key of a new contact/lead form opened from a popup: the call to link on save.
POPUP_CALL_KEY = "pbx_popup_call_id"
#: ... and the model of that form: a customer quick-created inside a lead form is not linked.
POPUP_MODEL_KEY = "pbx_popup_call_model"
#: How long after *Block number* its Undo is accepted.
UNBLOCK_WINDOW = timedelta(minutes=15)
#: Calls restored after a reload: still ringing (a few minutes at most) or answered (a long call).
RESTORE_RINGING = timedelta(minutes=10)
RESTORE_ANSWERED = timedelta(hours=4)
RESTORE_LIMIT = 10


class PbxCall(models.Model):
    _inherit = "pbx.call"

    # ---- reload ---------------------------------------------------------------------

    @api.model
    def popup_calls_in_progress(self):
        """The popups of the current user's calls still in progress, oldest first, as the bus
        sends them: what a reloaded page shows again. Searched as the user (access rights and
        record rules apply, in all of the user's companies); nothing for a user without access."""
        if not odoo_compat.may_access(self, "read"):
            return []
        now = fields.Datetime.now()
        calls = self.with_context(allowed_company_ids=self.env.user.company_ids.ids).search([
            ("user_id", "=", self.env.uid), ("blocked", "=", False),
            "|",
            "&", ("state", "in", ("ringing", "dialing")), ("start_date", ">=", now - RESTORE_RINGING),
            "&", ("state", "=", "answered"), ("start_date", ">=", now - RESTORE_ANSWERED),
        ], order="id desc", limit=RESTORE_LIMIT)
        return [call.sudo()._popup_payload(self.env.user) for call in calls.sorted("id")]

    # ---- create buttons -------------------------------------------------------------

    def action_create_partner(self):
        """A new contact form for the call's unknown number, with the call's notes, owned by the
        user (as auto-created contacts are owned by the extension's user); saving it links the
        call. Nothing is created before the user names it."""
        return self._popup_form_action("res.partner", "comment")

    def action_create_lead(self):
        """A new lead form for the call's unknown number, with the call's notes as its internal
        notes, owned by the user; saving it links the call."""
        return self._popup_form_action("crm.lead", "description")

    @api.model
    def _popup_call_to_link(self, model):
        """The call a `model` record being created from a popup form must be linked to (empty if
        none, if the form is of another model, or if it got linked meanwhile). AccessError for a
        call the user may not edit."""
        call_id = self.env.context.get(POPUP_CALL_KEY)
        if not call_id:
            return self.browse()
        if not isinstance(call_id, int) or isinstance(call_id, bool):
            raise UserError(_("Invalid call reference."))
        call = self.browse(call_id).exists()
        if not call:
            raise UserError(_("The call of this popup no longer exists."))
        call._check_popup_access()
        if self.env.context.get(POPUP_MODEL_KEY) != model or call.sudo()._record():
            return call.browse()
        return call

    def _link_created_record(self, records):
        """Link the record just saved from the popup form to the call (one record only: a
        form saves one) and update the popup."""
        if not self or len(records) != 1:
            return
        field = "partner_id" if records._name == "res.partner" else "lead_id"
        self.sudo().write({field: records.id})
        self._notify_popup()

    # ---- block ----------------------------------------------------------------------

    def action_block_number(self):
        """Blacklist the numbers; every open popup of these calls closes (salespeople too)."""
        self._check_popup_access()
        result = super(PbxCall, self.sudo()).action_block_number()
        for call in self.sudo().filtered("user_id"):
            self.env["bus.bus"]._sendone(
                call.user_id.partner_id, POPUP_NOTIFICATION, call._popup_payload(call.user_id))
        return result

    def action_unblock_number(self):
        """Undo of *Block number*: only by the user who just blocked the number (any other
        removal goes through Odoo's phone blacklist, for administrators)."""
        self._check_popup_access()
        Blacklist_sudo = self.env["phone.blacklist"].sudo()
        since = fields.Datetime.now() - UNBLOCK_WINDOW
        for call_sudo in self.sudo():
            number = call_sudo.phone_e164 or call_sudo.phone
            entries = Blacklist_sudo.search([("number", "=", number)]) if number else Blacklist_sudo
            if not call_sudo.blocked or not entries or any(
                    entry.write_uid != self.env.user or entry.write_date < since for entry in entries):
                raise UserError(_(
                    "Only the user who just blocked %s can undo it. An administrator can remove it "
                    "from the phone blacklist.", number or call_sudo.display_name))
            entries._remove(entries.mapped("number"))
            call_sudo.write({"blocked": False})
            call_sudo._notify_popup()
        return True

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

    def _popup_form_action(self, model, notes_field):
        """The new-record form of `model` for the call's number (its notes in `notes_field`),
        owned by the user, linked to the call on save (res_partner.py, crm_lead.py)."""
        self.ensure_one()
        self._check_popup_access()
        context = {
            "default_phone": self._popup_number(),
            "default_user_id": self.env.user.id,
            "default_company_id": self.company_id.id,
            POPUP_CALL_KEY: self.id,
            POPUP_MODEL_KEY: model,
        }
        if self.notes:
            context[f"default_{notes_field}"] = plaintext2html(self.notes)
        return {
            "type": "ir.actions.act_window",
            "res_model": model,
            "views": [(False, "form")],
            "target": "current",
            "context": context,
        }
