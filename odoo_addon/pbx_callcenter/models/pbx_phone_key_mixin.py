from odoo import api, fields, models
from odoo.tools.sql import create_index

from ..lib import phone

#: (source field, key column) pairs; the install hook (hooks.py) fills the same columns in bulk.
KEY_FIELDS = (("phone", "pbx_phone_key"), ("mobile", "pbx_mobile_key"))


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
    """Indexed, format-independent keys of a record's phone and mobile numbers.

    A key is the number's digits reversed (E.164 digits when the number can be read, raw digits
    otherwise), so "same number" is key equality and "same last N digits" is a key *prefix*:
    both are btree index scans (text_pattern_ops), whatever the stored formatting. This is what
    keeps caller lookup off sequential scans of the partner and lead tables.
    """

    _name = "pbx.phone.key.mixin"
    _description = "PBX phone lookup keys"

    pbx_phone_key = fields.Char(compute="_compute_pbx_keys", store=True, copy=False)
    pbx_mobile_key = fields.Char(compute="_compute_pbx_keys", store=True, copy=False)

    @api.depends("phone", "mobile", "country_id")
    def _compute_pbx_keys(self):
        for record in self:
            country = record.country_id.code or None
            record.pbx_phone_key = phone.index_key(record.phone, country)
            record.pbx_mobile_key = phone.index_key(record.mobile, country)

    def init(self):
        super().init()
        if self._abstract:
            return
        # Raw DDL: the ORM's index=True gives a plain btree whose LIKE 'prefix%' support depends
        # on the database collation; text_pattern_ops makes the tail lookup indexable everywhere.
        for name, expression, where in key_indexes(self._table):
            create_index(self.env.cr, name, self._table, [expression], where=where)
