from odoo import api, models


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "pbx.phone.key.mixin"]

    @api.model_create_multi
    def create(self, vals_list):
        # Saved from the form a call popup opened (pbx_call_popup.py): link that call.
        call = self.env["pbx.call"]._popup_call_to_link(self._name)
        if not call:
            return super().create(vals_list)
        records = super(ResPartner, self.with_context(pbx_popup_call_id=False)).create(vals_list)
        call._link_created_record(records)
        return records.with_env(self.env)
