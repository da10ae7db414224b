from odoo import api, models

from ..lib import contract, phone


class PbxConnection(models.Model):
    """Matching numbers to records, and one lookup answer (who is calling, who owns them, are
    they blocked) for every adapter: the canonical routes, Zadarma's NOTIFY_START reply, 3CX's contact lookup, FreePBX's
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

        Order, first hit wins (documented in docs/architecture.md):
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
                domain = model._pbx_key_domain(operator, key)
                record = model.search(domain + company_domain, order=order, limit=1)
                if record:
                    return record
        return None
