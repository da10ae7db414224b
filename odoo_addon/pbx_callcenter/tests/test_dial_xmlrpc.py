"""res.users.pbx_dial over XML-RPC, which cannot marshal None: absent values come back False,
while the web client's JSON-RPC keeps the contract's null."""
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestDialOverXmlRpc(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env, login="xmlrpc_dialer", password="xmlrpc_dialer_pw1",
            groups="base.group_user,sales_team.group_sale_salesman")
        cls.loner = new_test_user(
            cls.env, login="xmlrpc_loner", password="xmlrpc_loner_pw1",
            groups="base.group_user,sales_team.group_sale_salesman")
        connection = cls.env["pbx.connection"].create({
            "name": "XML-RPC PBX", "country_id": cls.env.ref("base.vn").id,
            "originate_method": "link", "originate_link": "tel:{number}"})
        cls.env["pbx.extension"].create({
            "name": "101", "connection_id": connection.id, "user_id": cls.salesperson.id,
            "is_default": True})

    def dial(self, user, password, *args):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, password, "res.users", "pbx_dial", list(args))

    def test_a_dial_over_xmlrpc_answers_with_false_where_json_has_null(self):
        result = self.dial(self.salesperson, "xmlrpc_dialer_pw1", "+84 98 946 43 44")
        self.assertEqual(result, {"status": "link", "code": False, "message": "", "extension": "101",
                                  "number": "0989464344", "url": "tel:0989464344", "choices": []})

    def test_an_expected_failure_over_xmlrpc_is_an_answer_not_a_fault(self):
        result = self.dial(self.loner, "xmlrpc_loner_pw1", "+84 98 946 43 44")
        self.assertEqual((result["status"], result["code"], result["extension"], result["url"]),
                         ("error", "no_extension", False, False))

    def test_the_web_client_keeps_null(self):
        self.authenticate("xmlrpc_dialer", "xmlrpc_dialer_pw1")
        result = self.make_jsonrpc_request("/web/dataset/call_kw/res.users/pbx_dial", {
            "model": "res.users", "method": "pbx_dial", "args": ["+84 98 946 43 44"], "kwargs": {}})
        self.assertEqual((result["status"], result["code"]), ("link", None))
