"""Zadarma click-to-dial sends the number in international format unless the admin says
otherwise: Zadarma's callback API (/v1/request/callback/) wants it so."""
from odoo.tests import TransactionCase, new_test_user, tagged

from .fake_pbx import FakePbx

CONTACT_PHONE = "0989464344"   # a national number, read with the connection's country, Vietnam
ANSWER = {"status": "success", "from": 101, "to": 84989464344, "time": 1700000000}


@tagged("post_install", "-at_install")
class TestZadarmaDialFormat(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env, login="zadarma_dial_user", groups="base.group_user,sales_team.group_sale_salesman")

    def connection(self, **vals):
        connection = self.env["pbx.connection"].create(dict({
            "name": "Zadarma dial", "country_id": self.env.ref("base.vn").id,
            "zadarma_api_key": "K", "zadarma_api_secret": "S"}, **vals))
        self.env["pbx.extension"].create({
            "name": "101", "connection_id": connection.id, "user_id": self.salesperson.id,
            "is_default": True})
        return connection

    def dialled(self, connection, pbx):
        connection.originate_url = pbx.url
        result = self.env["res.users"].with_user(self.salesperson).pbx_dial(CONTACT_PHONE)
        self.assertEqual(result["status"], "ok", result)
        [received] = pbx.received
        return received.query["to"]

    def test_a_new_zadarma_connection_dials_international(self):
        connection = self.connection(originate_method="zadarma")
        self.assertEqual(connection.originate_number_format, "e164")
        with FakePbx(lambda r: (200, ANSWER)) as pbx:
            self.assertEqual(self.dialled(connection, pbx), "84989464344")

    def test_a_connection_switched_to_zadarma_dials_international(self):
        connection = self.connection(originate_method="generic_http")
        self.assertEqual(connection.originate_number_format, "dialable")
        connection.originate_method = "zadarma"
        with FakePbx(lambda r: (200, ANSWER)) as pbx:
            self.assertEqual(self.dialled(connection, pbx), "84989464344")

    def test_the_admin_may_still_choose_the_national_form(self):
        connection = self.connection(originate_method="zadarma", originate_number_format="dialable")
        with FakePbx(lambda r: (200, ANSWER)) as pbx:
            self.assertEqual(self.dialled(connection, pbx), "0989464344")
