from odoo import models

from ..lib import phonebook
from . import odoo_compat

#: Records read per query. Each batch is dropped from the ORM cache before the next one, so
#: memory stays flat whatever the number of contacts.
BATCH_SIZE = 2000
PARTNER_FIELDS = ["name", "complete_name", *odoo_compat.PHONE_FIELDS, "parent_id", "is_company",
                  "company_id"]
LEAD_FIELDS = ["name", "contact_name", "partner_name", *odoo_compat.PHONE_FIELDS, "company_id"]


class PbxConnection(models.Model):
    """The phone book of a connection: its company's (and shared) contacts, companies and/or
    leads that have a name and at least one number, for IP phones and PBX directories."""

    _inherit = "pbx.connection"

    def _phonebook_export(self, renderer, kinds):
        """A lib.phonebook.Export of `kinds` (see lib.phonebook.KINDS) rendered by `renderer`,
        with the records skipped counted by reason. Reads every active record of those kinds in
        the connection's company or in none, BATCH_SIZE at a time, in id order."""
        self.ensure_one()
        export = phonebook.Export(renderer, kinds)
        for kind in kinds:
            for batch in self._phonebook_batches(kind):
                for record in batch:
                    self._phonebook_add(export, kind, record)
                # Forget the batch (and the parents it prefetched) before reading the next one.
                self.env.invalidate_all()
        return export

    def _phonebook_batches(self, kind):
        """Batches of the active records of `kind`, by increasing id (keyset pagination: each
        query starts after the last id seen, so reading the millionth row costs the same as the
        first, where an OFFSET would rescan everything before it)."""
        company_domain = [("company_id", "in", [self.company_id.id, False])]
        if kind == "leads":
            model, fnames, domain = "crm.lead", LEAD_FIELDS, company_domain
        else:
            model, fnames = "res.partner", PARTNER_FIELDS
            domain = company_domain + [("is_company", "=", kind == "companies")]
        Model = self.env[model].sudo().with_context(active_test=True, prefetch_fields=False)
        last_id = 0
        while True:
            batch = Model.search_fetch(
                domain + [("id", ">", last_id)], fnames, order="id", limit=BATCH_SIZE)
            if not batch:
                return
            last_id = batch[-1].id
            yield batch

    def _phonebook_add(self, export, kind, record):
        phone = phonebook.dialable(record.phone)
        mobile = phonebook.dialable(odoo_compat.mobile(record))
        if record._name == "res.partner":
            own_name = record.name
            # The stored complete_name is the display name without the display options
            # (_record_caller_name's answer): computing display_name costs ~1 ms a partner.
            shown_name = record.complete_name or record.name
        else:
            own_name = shown_name = self._record_caller_name(record)
        reason = phonebook.skip_reason(own_name, (phone, mobile))
        if reason:
            export.skip(reason)
            return
        export.add(phonebook.make_entry(
            kind, record.id, shown_name, self._record_company(record), phone, mobile))
