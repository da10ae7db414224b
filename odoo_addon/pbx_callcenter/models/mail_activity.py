from odoo import fields, models


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
