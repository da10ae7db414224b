"""A neutralised copy of the database (`odoo-bin neutralize`, odoo.sh staging) through Odoo's own
code path, odoo.modules.neutralize.neutralize_database, which runs data/neutralize.sql: every
connection is disabled and nothing in the copy can reach a real PBX, even once re-enabled."""
from urllib.parse import urlencode

from odoo.modules.neutralize import neutralize_database
from odoo.tests import tagged

from .common import PbxHttpCase
from .contract_schema import problems
from .fake_pbx import FakePbx

# The outbound settings that address or authenticate to a PBX's API: blanked by neutralisation.
PBX_API_FIELDS = (
    "originate_url", "originate_headers", "originate_body",
    "zadarma_api_key", "zadarma_api_secret", "yeastar_client_id", "yeastar_client_secret",
    "yeastar_access_token", "yeastar_token_expiry", "yeastar_refresh_token", "yeastar_refresh_expiry",
)
CRONS = ("pbx_callcenter.pbx_call_event_cron_reprocess_stalled",
         "pbx_callcenter.pbx_call_event_cron_purge_journal")


def pbx_answer(_received):
    """Accepts a call the way generic (2xx), Zadarma (status) and Yeastar (errcode) PBXs say it."""
    return 200, {"status": "success", "errcode": 0, "errmsg": "SUCCESS", "call_id": "1700000000.1"}


@tagged("post_install", "-at_install")
class TestNeutralize(PbxHttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Connection = cls.env["pbx.connection"].sudo()
        cls.zadarma = Connection.create({"name": "Zadarma PBX", "kind": "zadarma", "country_id": cls.vn.id})
        cls.yeastar = Connection.create({"name": "Yeastar PBX", "kind": "yeastar", "country_id": cls.vn.id})
        cls.archived = Connection.create({"name": "Old PBX", "active": False})
        cls.zadarma_token = cls.zadarma._set_new_token()
        cls.zadarma_user = cls.make_user("pbx_zd", "Zoe Zadarma", "pbx_callcenter.pbx_callcenter_group_user")
        cls.yeastar_user = cls.make_user("pbx_ys", "Yan Yeastar", "pbx_callcenter.pbx_callcenter_group_user")
        cls.env["pbx.extension"].create([
            {"connection_id": cls.zadarma.id, "name": "201", "user_id": cls.zadarma_user.id},
            {"connection_id": cls.yeastar.id, "name": "301", "user_id": cls.yeastar_user.id},
        ])
        cls.dialers = (cls.salesperson, cls.zadarma_user, cls.yeastar_user)

    def connections(self):
        return self.env["pbx.connection"].sudo().with_context(active_test=False).search([])

    def configure_pbx_apis(self, url):
        """Click-to-dial of each connection kind sent to `url`, as in production."""
        self.connection.sudo().write({
            "originate_method": "generic_http", "originate_url": url + "/dial?to={number}",
            "originate_headers": "Authorization: Bearer live-pbx-key",
            "originate_body": '{"from": "{extension}", "key": "live-pbx-key"}',
        })
        self.zadarma.write({"originate_method": "zadarma", "originate_url": url,
                            "zadarma_api_key": "zd-key", "zadarma_api_secret": "zd-secret"})
        self.yeastar.write({"originate_method": "yeastar", "originate_url": url,
                            "yeastar_client_id": "CID", "yeastar_client_secret": "CSECRET"})
        self.yeastar.write({  # a cached token (writing the URL or credentials forgets it)
            "yeastar_access_token": "T1", "yeastar_token_expiry": "2999-01-01",
            "yeastar_refresh_token": "R1", "yeastar_refresh_expiry": "2999-01-01",
        })
        self.archived.write({"originate_method": "generic_http", "originate_url": url + "/old"})

    def dial(self, user):
        result = self.env["res.users"].with_user(user).pbx_dial("0989464344")
        self.assertEqual(problems("dial_result", result), [], result)
        return result

    def neutralize(self):
        self.env.flush_all()
        neutralize_database(self.env.cr)
        self.env.invalidate_all()

    def test_a_neutralised_copy_disables_every_connection_and_reaches_no_pbx(self):
        with FakePbx(pbx_answer) as pbx:
            self.configure_pbx_apis(pbx.url)
            self.assertEqual([self.dial(user)["status"] for user in self.dialers], ["ok"] * 3)
            self.assertEqual(len(pbx.received), 3, "each connection reaches its PBX before")
            hints = {c.id: c.token_hint for c in self.connections()}
            self.assertTrue(all(self.connections().mapped("enabled")))

            self.neutralize()

            connections = self.connections()
            self.assertIn(self.archived, connections)
            for connection in connections:
                with self.subTest(connection=connection.name):
                    self.assertFalse(connection.enabled)
                    self.assertEqual(connection.originate_method, "link")
                    for name in PBX_API_FIELDS:
                        self.assertFalse(connection[name], f"{name} must be blanked")
                    self.assertEqual(connection.token_hint, hints[connection.id], "inbound token kept")
            self.assertEqual(self.ext101.user_id, self.salesperson, "bindings are kept")
            for xmlid in CRONS:  # base's neutralize.sql stops every cron
                self.assertFalse(self.env.ref(xmlid).active, xmlid)

            for user in self.dialers:
                self.assertEqual(self.dial(user)["code"], "disabled")
            # a tester switching the copy back on gets tel: links, never the production PBX
            connections.write({"enabled": True})
            for user in self.dialers:
                result = self.dial(user)
                self.assertEqual(result["status"], "link", result)
                self.assertTrue(result["url"].startswith("tel:"), result)
            self.assertEqual(len(pbx.received), 3, "no request reached a PBX after neutralisation")

    def test_after_neutralisation_the_pbx_routes_answer_503_and_write_nothing(self):
        self.neutralize()
        before = self.counts()
        for route in ("call_in", "init", "call_out"):
            with self.subTest(route=route):
                status, body = self.post(route, {"phone": "0989464344", "extension": "101",
                                                 "callid": self.new_callid()})
                self.assertError(status, body, "integration_disabled")
        lookup = self.send_request("GET", "/api/callcenter/lookup?" + urlencode(
            {"token": self.token, "number": "0989464344"}), timeout=30)
        self.assertEqual((lookup.status_code, lookup.json()["error"]["code"]),
                         (503, "integration_disabled"))
        zadarma = self.send_request(
            "POST", "/api/callcenter/zadarma?" + urlencode({"token": self.zadarma_token}),
            data=urlencode({"event": "NOTIFY_INTERNAL", "pbx_call_id": "in_1", "caller_id": "84989464344",
                            "internal": "201", "call_start": "2024-01-01 10:00:00"}),
            headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=30)
        self.assertEqual((zadarma.status_code, zadarma.json()["error"]["code"]),
                         (503, "integration_disabled"))
        self.assertCounts(before, msg="a neutralised copy writes no call and no event")
