"""A call's recording plays inline in the chatter. The server writes the recording as a link
marked with a class that Odoo's sanitiser keeps (it strips <audio>, and must go on doing so for
what users post); the web client adds the player next to it (tour pbx_callcenter_recording_chatter)."""
from types import SimpleNamespace

from markupsafe import Markup

from odoo.tests import tagged

from .common import PbxHttpCase

NUMBER = "0988777666"
E164 = "+84988777666"
# Joined to the connection's recording base URL (https://pbx.example.com/recordings/).
RECORDING_FILE = "2024/01/15/chatter-7.wav"
RECORDING_URL = "https://pbx.example.com/recordings/" + RECORDING_FILE
LINK = 'class="o_pbx_callcenter_chatter_recording" href="%s"'


@tagged("post_install", "-at_install")
class TestRecordingChatter(PbxHttpCase):

    def setUp(self):
        super().setUp()
        self.partner = self.make_partner("Gemini Furniture", phone=E164)

    def end_call(self, **fields):
        callid = self.new_callid()
        self.call_in(NUMBER, callid)
        self.call_out(NUMBER, callid, fields={"status": "ANSWERED", "duration": 65, **fields})
        return self.find_call(callid)

    def test_the_logged_call_keeps_its_marked_recording_link_through_the_sanitiser(self):
        self.end_call(recordingfile=RECORDING_FILE)
        [message] = self.call_messages(self.partner)
        self.assertIn(LINK % RECORDING_URL, str(message.body))
        self.assertNotIn("<audio", str(message.body))

    def test_a_recording_that_comes_later_is_posted_as_a_marked_link(self):
        call = self.end_call()
        self.assertNotIn("o_pbx_callcenter_chatter_recording", str(self.call_messages(self.partner).body))
        # what a vendor's recording event (Zadarma's NOTIFY_RECORD...) applies
        self.assertTrue(call._merge_recording(SimpleNamespace(recordingfile=RECORDING_FILE)))
        notes = self.env["mail.message"].sudo().search(
            [("model", "=", "res.partner"), ("res_id", "=", self.partner.id),
             ("body", "ilike", "o_pbx_callcenter_chatter_recording")])
        self.assertEqual(len(notes), 1)
        self.assertIn(LINK % RECORDING_URL, str(notes.body))

    def test_the_sanitiser_still_disarms_players_and_script_links_users_post(self):
        message = self.partner.with_user(self.salesperson).message_post(
            body=Markup('<p><audio src="https://evil.example.com/a.wav" controls="controls"></audio>'
                        '<a class="o_pbx_callcenter_chatter_recording" href="javascript:alert(1)">x</a></p>'),
            message_type="comment", subtype_xmlid="mail.mt_note")
        body = str(message.body)
        self.assertNotIn("controls", body, "no playable <audio> from a user")
        self.assertNotIn("javascript", body)
        self.assertIn("o_pbx_callcenter_chatter_recording", body, "the class is kept, the href is not")

    def test_the_chatter_plays_the_recording_inline(self):
        self.end_call(recordingfile=RECORDING_FILE)
        self.partner.with_user(self.salesperson).message_post(
            body=Markup('<p><audio src="https://evil.example.com/a.wav" controls="controls"></audio>hi</p>'),
            message_type="comment", subtype_xmlid="mail.mt_note")
        self.start_tour(f"/web#id={self.partner.id}&model=res.partner&view_type=form",
                        "pbx_callcenter_recording_chatter", login=self.salesperson.login)
