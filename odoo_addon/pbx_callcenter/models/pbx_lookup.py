from odoo import api, models

from ..lib import contract


class PbxConnection(models.Model):
    """One lookup answer (who is calling, who owns them, are they blocked) for every adapter:
    the canonical routes, Zadarma's NOTIFY_START reply, 3CX's contact lookup, FreePBX's
    caller-name source and the IP phones' phone book all read it from here."""

    _inherit = "pbx.connection"

    def _lookup_caller(self, raw):
        """The lookup answer (see lib.contract.lookup_answer) for the number `raw` (a str)."""
        self.ensure_one()
        number = self._normalize(raw)
        record = self._match_caller(number) if number.key else None
        blocked = self.env["pbx.call"]._is_blacklisted(number)
        owner = record.user_id if record else self.env["res.users"]
        extension = self._user_extension(owner)
        return contract.lookup_answer(
            number=raw.strip(),
            e164=number.e164,
            record={"model": record._name, "id": record.id, "name": record.display_name}
            if record else None,
            caller_name=self._record_caller_name(record),
            company=self._record_company(record),
            email=self._record_email(record),
            url=self._record_url(record),
            owner={"user_id": owner.id, "name": owner.name, "extension": extension.name or None}
            if owner else None,
            blocked=blocked,
        )

    # ---- what a PBX or a phone shows for a record ---------------------------------

    @api.model
    def _record_caller_name(self, record):
        """The name a phone shows: a lead's contact (or company, or title), a contact's name."""
        if not record:
            return ""
        if record._name == "crm.lead":
            return record.contact_name or record.partner_name or record.name
        return record.display_name

    @api.model
    def _record_company(self, record):
        if not record:
            return None
        if record._name == "res.partner":
            return record.parent_id.name or (record.name if record.is_company else None) or None
        return record.partner_name or None

    @api.model
    def _record_email(self, record):
        if not record:
            return None
        return (record.email_from if record._name == "crm.lead" else record.email) or None

    @api.model
    def _record_url(self, record):
        """Absolute link to the record's form in the web client (for 3CX's ContactUrl)."""
        if not record:
            return None
        return f"{self._base_url()}/web#model={record._name}&id={record.id}&view_type=form"
