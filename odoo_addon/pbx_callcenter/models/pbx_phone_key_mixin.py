from odoo import api, fields, models
from odoo.tools.sql import create_index

from ..lib import phone
from .odoo_compat import PHONE_FIELDS

#: (source field, key column) pairs of this Odoo's number fields (no mobile on 19); the install
#: hook (hooks.py) fills the same columns in bulk.
KEY_FIELDS = tuple((source, f"pbx_{source}_key") for source in PHONE_FIELDS)


def key_indexes(table):
    """``(name, expression, where)`` of the key indexes of ``table``.

    One definition for ``init()`` and the install hook, which builds them CONCURRENTLY on a
    populated database: ``init()`` then finds them by name and leaves them alone.
    """
    return [
        (f"{table}_{column}_pattern_index", f"{column} text_pattern_ops", f"{column} IS NOT NULL")
        for _source, column in KEY_FIELDS
    ]


class PbxPhoneKeyMixin(models.AbstractModel):
    """Indexed, format-independent keys of a record's numbers (phone and, before 19, mobile).

    A key is the number's digits reversed (E.164 digits when the number can be read, raw digits
    otherwise), so "same number" is key equality and "same last N digits" is a key *prefix*:
    both are btree index scans (text_pattern_ops), whatever the stored formatting. This is what
    keeps caller lookup off sequential scans of the partner and lead tables.
    """

    _name = "pbx.phone.key.mixin"
    _description = "PBX phone lookup keys"

    pbx_phone_key = fields.Char(compute="_compute_pbx_keys", store=True, copy=False)
    if "mobile" in PHONE_FIELDS:
        pbx_mobile_key = fields.Char(compute="_compute_pbx_keys", store=True, copy=False)

    @api.depends(*PHONE_FIELDS, "country_id")
    def _compute_pbx_keys(self):
        for record in self:
            country = record.country_id.code or None
            for source, column in KEY_FIELDS:
                record[column] = phone.index_key(record[source], country)

    @api.model
    def _pbx_key_domain(self, operator, key):
        """Records with any number whose key is `operator` `key`."""
        return ["|"] * (len(KEY_FIELDS) - 1) + [
            (column, operator, key) for _source, column in KEY_FIELDS]

    def init(self):
        super().init()
        if self._abstract:
            return
        # Raw DDL: the ORM's index=True gives a plain btree whose LIKE 'prefix%' support depends
        # on the database collation; text_pattern_ops makes the tail lookup indexable everywhere.
        for name, expression, where in key_indexes(self._table):
            create_index(self.env.cr, name, self._table, [expression], where=where)
