"""Upgrading from 1.0.0 on Odoo 17: the module's crons, created with Odoo 17's default
``numbercall=1``, ran once and were switched off; migrations/1.0.1/post-migrate.py makes them run
for ever again. Odoo 18 and 19 have no call limit: the migration changes nothing there."""
import importlib.util
import os

from odoo.tests import TransactionCase, tagged

from ..models import odoo_compat

CRONS = ("pbx_call_event_cron_reprocess_stalled", "pbx_call_event_cron_purge_journal", "pbx_call_cron_close_stale")
MIGRATION = os.path.join(os.path.dirname(__file__), "..", "migrations", "1.0.1", "post-migrate.py")


def run_migration(cr, version="17.0.1.0.0"):
    """What Odoo does with the script on `-u pbx_callcenter` from `version`."""
    spec = importlib.util.spec_from_file_location("pbx_callcenter_migration_1_0_1", MIGRATION)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    script.migrate(cr, version)


@tagged("post_install", "-at_install")
class TestCronsAfterUpgrade(TransactionCase):

    def setUp(self):
        super().setUp()
        self.crons = self.env["ir.cron"].browse([self.env.ref(f"pbx_callcenter.{name}").id for name in CRONS])

    def state(self, crons):
        self.env.invalidate_all()
        fields = ["numbercall", "active"] if odoo_compat.ODOO_MAJOR < 18 else ["active"]
        return [tuple(cron[name] for name in fields) for cron in crons.with_context(active_test=False)]

    def test_the_crons_odoo_17_switched_off_after_one_run_run_again(self):
        if odoo_compat.ODOO_MAJOR >= 18:
            self.assertNotIn("numbercall", self.env["ir.cron"]._fields)
            self.crons[1].active = False  # an administrator's choice: the migration keeps it
            before = self.state(self.crons)
            run_migration(self.env.cr)
            self.assertEqual(self.state(self.crons), before)
            self.assertEqual(odoo_compat.revive_own_crons(self.env.cr), [])
            return
        exhausted, never_ran, running = self.crons
        set_cron = "UPDATE ir_cron SET numbercall = %s, active = %s WHERE id = %s"
        self.env.cr.execute(set_cron, [0, False, exhausted.id])  # 1.0.0: ran once, Odoo switched it off
        self.env.cr.execute(set_cron, [1, False, never_ran.id])  # switched off by hand before its first run
        self.env.cr.execute(set_cron, [1, True, running.id])  # 1.0.0, not run yet
        foreign = self.env["ir.cron"].create({
            "name": "Not ours", "model_id": self.env.ref("base.model_res_partner").id, "state": "code",
            "code": "model", "interval_number": 1, "interval_type": "days", "numbercall": 0, "active": False,
        })
        run_migration(self.env.cr)
        self.assertEqual(self.state(self.crons), [(-1, True), (-1, False), (-1, True)])
        self.assertEqual(self.state(foreign), [(0, False)], "another module's cron is left alone")
        self.assertEqual(odoo_compat.revive_own_crons(self.env.cr), [], "a second run finds nothing to do")
