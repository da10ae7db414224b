from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import phonebook

FILE_FORMATS = [("xml", "Yealink XML"), ("csv", "CSV"), ("json", "JSON")]


class PbxPhonebookExport(models.TransientModel):
    """Download a connection's phone book, with what was left out and why."""

    _name = "pbx.phonebook.export"
    _description = "PBX Phone Book Export"

    connection_id = fields.Many2one("pbx.connection", required=True, ondelete="cascade")
    file_format = fields.Selection(FILE_FORMATS, "Format", required=True, default="xml")
    include_individuals = fields.Boolean("Individuals", default=True)
    include_companies = fields.Boolean("Companies", default=True)
    include_leads = fields.Boolean("Leads", default=False)
    csv_bom = fields.Boolean(
        "For Excel", help="Start the CSV file with a UTF-8 byte order mark, which Excel needs to "
                          "read accents; most other programs and phones do not want it.")
    phone_url = fields.Char(
        "URL for Phones", compute="_compute_phone_url",
        help="The address an IP phone or PBX fetches; replace the token by the connection's API token.")
    state = fields.Selection([("choose", "Choose"), ("done", "Done")], default="choose", required=True)
    count = fields.Integer("Entries", readonly=True)
    skipped_no_name = fields.Integer("Skipped: no name", readonly=True)
    skipped_no_number = fields.Integer("Skipped: no number", readonly=True)
    attachment_id = fields.Many2one("ir.attachment", readonly=True)

    def _kinds(self):
        return tuple(kind for kind in phonebook.KINDS if self[f"include_{kind}"])

    def _check_connection_access(self):
        """The export reads its connection's contacts as the superuser: the user must be a
        manager allowed to write that very connection (not another company's)."""
        self.connection_id._check_manager()
        self.connection_id._check_record_access("write")

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        wizards._check_connection_access()
        return wizards

    def write(self, vals):
        result = super().write(vals)
        if "connection_id" in vals:
            self._check_connection_access()
        return result

    @api.depends("connection_id", "file_format", "include_individuals", "include_companies",
                 "include_leads", "csv_bom")
    def _compute_phone_url(self):
        base = self.env["pbx.connection"]._base_url()
        for wizard in self:
            params = f"include={','.join(wizard._kinds())}"
            if wizard.file_format == "csv" and wizard.csv_bom:
                params += "&bom=1"
            wizard.phone_url = (
                f"{base}/api/callcenter/phonebook.{wizard.file_format or 'xml'}?{params}&token=…")

    def action_export(self):
        """Write the phone book as an attachment of this wizard and show what was skipped."""
        self.ensure_one()
        self._check_connection_access()
        kinds = self._kinds()
        if not kinds:
            raise UserError(_("Choose at least one kind of record: individuals, companies or leads."))
        renderer = phonebook.get_format(self.file_format, bom=self.csv_bom)
        export = self.connection_id.sudo()._phonebook_export(renderer, kinds)
        summary = export.summary
        attachment = self.env["ir.attachment"].create({
            "name": f"phonebook-{self.connection_id.id}.{renderer.extension}",
            "raw": export.read(),
            "mimetype": renderer.media_type.split(";")[0],
            "res_model": self._name,
            "res_id": self.id,
        })
        self.write({
            "state": "done",
            "count": summary.count,
            "skipped_no_name": summary.skipped["no_name"],
            "skipped_no_number": summary.skipped["no_number"],
            "attachment_id": attachment.id,
        })
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Phone Book"),
        }

    def action_download(self):
        self.ensure_one()
        if not self.attachment_id:
            raise UserError(_("Export the phone book first."))
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }
