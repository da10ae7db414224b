from odoo import _, fields, models
from odoo.exceptions import AccessError

from . import odoo_compat
from ..lib import originate


class MailActivity(models.Model):
    _inherit = "mail.activity"

    pbx_callback_key = fields.Char(
        index=True, copy=False,
        help="Phone key of the number a missed-call 'call back' activity is about: "
             "one open call-back per number, not one per attempt.",
    )
    pbx_missed_count = fields.Integer(
        "Missed Calls", copy=False, help="Missed calls from this number since the call-back was scheduled."
    )
    pbx_call_id = fields.Many2one(
        "pbx.call", "Last Missed Call", copy=False, ondelete="set null",
        help="The last missed call of the number: the one its Call back button dials.",
    )
    pbx_callback_user_id = fields.Many2one(
        "res.users", "Calling Back", copy=False, ondelete="set null",
        help="Who clicked Call back: their next answered outgoing call to the number marks "
             "this activity done.",
    )

    def _to_store_defaults(self, *args):
        """Odoo 19 sends the web client only the fields it lists (17 and 18 send them all):
        the call-back button needs the key."""
        return super()._to_store_defaults(*args) + ["pbx_callback_key"]

    def action_pbx_call_back(self, prefix_label=None):
        """Dial this call-back's number from the current user's extension (the button of the
        activity in the chatter); the dial result of ``res.users.pbx_dial``."""
        self.ensure_one()
        odoo_compat.check_access(self, "write")  # who may mark it done may call back
        call_sudo = self.sudo().pbx_call_id
        if not self.sudo().pbx_callback_key or not call_sudo:
            return odoo_compat.RpcAnswer(originate.dial_result(
                "error", _("This activity is not a call back of a missed call."), code="bad_number"))
        if call_sudo.company_id not in self.env.companies:
            raise AccessError(_("This call back belongs to a company you are not working in."))
        return odoo_compat.RpcAnswer(call_sudo._call_back(prefix_label))

    def _pbx_close_call_backs(self, call):
        """`call`, outgoing and answered, is the call back its user asked for: mark their
        pending call-backs of its number done."""
        for activity in self:
            activity.with_user(call.user_id).sudo().with_context(
                mail_activity_quick_update=True,
            ).action_feedback(feedback=call._as_reader(activity.user_id)._called_back_feedback())
