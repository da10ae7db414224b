"""1.0.0 → 1.0.1: on Odoo 17, the module's crons run for ever again (``numbercall=-1``), and those
that Odoo 17 switched off after their single run are active again (``odoo_compat.revive_own_crons``)."""
import logging

from odoo.addons.pbx_callcenter.models.odoo_compat import revive_own_crons

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    revived = revive_own_crons(cr)
    if revived:
        _logger.info("pbx_callcenter %s -> 1.0.1: crons %s run without a call limit again", version, revived)
