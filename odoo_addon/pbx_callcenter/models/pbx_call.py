import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import format_amount, format_datetime

from ..lib import contract, originate, recording, status
from . import odoo_compat

_logger = logging.getLogger(__name__)

DIRECTIONS = [("in", "Incoming"), ("out", "Outgoing"), ("internal", "Internal")]
STATES = [
    ("ringing", "Ringing"),
    ("dialing", "Dialing"),
    ("answered", "Answered"),
    ("ended", "Ended"),
    ("missed", "Missed"),
    ("busy", "Busy"),
    ("failed", "Failed"),
]
INITIAL_STATE = {"call_in": "ringing", "init": "dialing", "answer": "answered"}
INITIAL_DIRECTION = {"call_in": "in", "init": "out"}
POPUP_NOTIFICATION = contract.BUS_TYPE
POPUP_HISTORY = 5
USER_WRITABLE = {"notes"}
#: States a call may still leave, and the states counted as answered and as missed in reports.
OPEN_STATES = ("ringing", "dialing", "answered")
ANSWERED_STATES = ("answered", "ended")
MISSED_STATES = ("missed", "busy")
#: System parameter: minutes without news after which an open call is closed (0: never).
STALE_MINUTES_PARAM = "pbx_callcenter.stale_call_minutes"
STALE_MINUTES_DEFAULT = 120
STALE_BATCH = 500


class _OptionalSeconds(fields.Integer):
    """Seconds that only some calls have (no wait time when nobody answered): stored as NULL and
    read as False, so that the "avg" aggregate of reports counts only the calls that have them."""

    def convert_to_column(self, value, record, values=None, validate=True):
        return None if value is None or value is False else int(value)

    def convert_to_cache(self, value, record, validate=True):
        if value is None or value is False:
            return None
        return super().convert_to_cache(value, record, validate)

    def convert_to_record(self, value, record):
        return False if value is None else value


class PbxCall(models.Model):
    """One phone call, as reported by a PBX."""

    _name = "pbx.call"
    _description = "Phone Call"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "start_date desc, id desc"

    connection_id = fields.Many2one("pbx.connection", required=True, index=True, ondelete="restrict")
    company_id = fields.Many2one(related="connection_id.company_id", store=True, index=True)
    callid = fields.Char("PBX Call ID", required=True, readonly=True)
    direction = fields.Selection(DIRECTIONS, required=True, readonly=True)
    state = fields.Selection(STATES, required=True, index=True, readonly=True)
    phone = fields.Char("Number", readonly=True, help="The external number as the PBX sent it.")
    phone_e164 = fields.Char("Number (E.164)", readonly=True)
    phone_key = fields.Char(index=True, readonly=True)
    extension = fields.Char("Extension Number", readonly=True, help="The extension as the PBX sent it.")
    extension_id = fields.Many2one("pbx.extension", readonly=True, ondelete="set null")
    user_id = fields.Many2one("res.users", "User", index=True, readonly=True)
    partner_id = fields.Many2one("res.partner", "Contact", index=True, ondelete="set null")
    lead_id = fields.Many2one("crm.lead", "Lead", index=True, ondelete="set null")
    auto_created = fields.Boolean(
        readonly=True, help="The contact or lead was created automatically for this call."
    )
    blocked = fields.Boolean(readonly=True, help="The number is blacklisted.")
    start_date = fields.Datetime("Started", index=True, readonly=True)
    answer_date = fields.Datetime("Answered At", readonly=True)
    end_date = fields.Datetime("Ended", readonly=True)
    duration = fields.Integer(readonly=True, help="Seconds from start to hang-up.")
    talk_time = fields.Integer(readonly=True, help="Seconds of conversation.")
    disposition = fields.Char(readonly=True, help="The status as the PBX sent it.")
    recording_url = fields.Char(readonly=True)
    recording_file = fields.Char(readonly=True)
    notes = fields.Text()
    activity_logged = fields.Boolean(readonly=True, copy=False)
    event_ids = fields.One2many("pbx.call.event", "call_id", "Events")
    stale_closed = fields.Boolean(
        "Closed Without News", readonly=True, copy=False,
        help="Odoo closed the call: its PBX sent nothing about it for the time the system "
             "parameter pbx_callcenter.stale_call_minutes sets.")
    # ---- report figures: averaged by the list, pivot and graph views
    answered_rate = fields.Float(
        "Answered Rate", compute="_compute_report_figures", store=True,
        **odoo_compat.aggregator("avg"), help="1 for an answered call, else 0: averaged, the rate.")
    missed_rate = fields.Float(
        "Missed Rate", compute="_compute_report_figures", store=True,
        **odoo_compat.aggregator("avg"), help="1 for a missed or busy call, else 0: averaged, the rate.")
    wait_time = _OptionalSeconds(
        "Wait Time", compute="_compute_report_figures", store=True, **odoo_compat.aggregator("avg"),
        help="Seconds from the start of the call to its answer; none when nobody answered.")
    avg_talk_time = _OptionalSeconds(
        "Avg Talk Time", compute="_compute_report_figures", store=True,
        **odoo_compat.aggregator("avg"),
        help="The talk time of an ended answered call, none for the others: its average is "
             "the average conversation.")

    _callid_connection_uniq = odoo_compat.Constraint(
        "unique(connection_id, callid)", "A PBX call id is unique per connection.")

    @api.depends("phone", "partner_id", "lead_id", "direction")
    def _compute_display_name(self):
        arrows = {"in": "←", "out": "→", "internal": "↔"}
        for call in self:
            who = call._record().display_name or call.phone_e164 or call.phone or ""
            call.display_name = f"{arrows.get(call.direction, '')} {who}".strip()

    @api.depends("state", "start_date", "answer_date", "talk_time")
    def _compute_report_figures(self):
        for call in self:
            answered = call.state in ANSWERED_STATES
            call.answered_rate = 1.0 if answered else 0.0
            call.missed_rate = 1.0 if call.state in MISSED_STATES else 0.0
            waited = answered and call.answer_date and call.start_date
            call.wait_time = max(0, int((call.answer_date - call.start_date).total_seconds())) \
                if waited else False
            call.avg_talk_time = call.talk_time if call.state == "ended" else False

    def write(self, vals):
        if not self.env.su and set(vals) - USER_WRITABLE and not self.env.user.has_group(
                "pbx_callcenter.pbx_callcenter_group_manager"):
            raise AccessError(_("Salespeople can only change the notes of a call."))
        return super().write(vals)

    # ---- event application (called by pbx.call.event under an advisory lock) ----

    @api.model
    def _apply_event(self, connection, event):
        """Apply one validated lib.payload.CallEvent; return (call, duplicate).

        The caller holds a transaction-level advisory lock on (connection, callid), so concurrent
        copies of the same event are serialised and the second one finds the first one's call.
        """
        call = self.search(
            [("connection_id", "=", connection.id), ("callid", "=", event.callid)], limit=1
        )
        was_stale = call.stale_closed  # its activity and call-back were done when it was closed
        if call:
            rang = call.user_id
            duplicate = not call._merge_event(event)
            if call.user_id != rang and not duplicate:
                # The member it rang first, the agent who transferred it: their card says where
                # the call went.
                call._notify_popup(rang, transferred_to=call.extension)
        elif event.kind == "recording":
            # Failed, not rejected: once the call's own events arrive it can be re-processed.
            raise UserError(_("No call %s yet to attach this recording to.", event.callid))
        elif event.kind == "answer" and not event.phone:
            return call, True  # no call to move, nor a number to start one with: ignored
        else:
            call = self._create_from_event(connection, event)
            duplicate = False
        if not duplicate:
            if status.STATE_RANK[call.state] == 2 and not was_stale:
                call._on_ended()
            call._close_call_backs()
            call._notify_popup()
        return call, duplicate

    @api.model
    def _create_from_event(self, connection, event):
        number = connection._normalize(event.phone)
        extension = connection._find_extension(event.extension)
        user = extension.user_id
        direction = INITIAL_DIRECTION.get(event.kind) or event.direction or "in"
        if connection._find_extension(event.phone.strip()):
            direction = "internal"
        self._lock_number(connection, number.key)
        blocked = direction != "internal" and self._is_blacklisted(number)
        record, created = None, False
        if direction != "internal":
            record = connection._match_caller(number)
            auto = connection.auto_create_inbound if direction == "in" else connection.auto_create_outbound
            if not record and not blocked and auto:
                record = self._auto_create(connection, number, user or connection.default_user_id)
                created = True
        vals = {
            "connection_id": connection.id,
            "callid": event.callid,
            "direction": direction,
            "state": INITIAL_STATE.get(event.kind) or status.final_state(event.status),
            "phone": event.phone,
            "phone_e164": number.e164,
            "phone_key": number.key,
            "extension": event.extension,
            "extension_id": extension.id,
            "user_id": user.id,
            "partner_id": record.id if record and record._name == "res.partner" else False,
            "lead_id": record.id if record and record._name == "crm.lead" else False,
            "auto_created": created,
            "blocked": blocked,
            "start_date": fields.Datetime.now(),
        }
        if event.kind == "call_out":
            vals.update(self._end_values(connection, event, vals["start_date"]))
        elif event.kind == "answer":
            vals["answer_date"] = vals["start_date"]
        # Neither a "Phone Call created" log nor OdooBot as follower on every call: the call's
        # chatter starts with what people write; its activity goes on the contact (3 queries
        # and ~3 ms less per new call, measured by scripts/profile_ingest.py).
        call = self.with_context(mail_create_nolog=True, mail_create_nosubscribe=True).create(vals)
        return call.with_env(self.env)

    def _merge_event(self, event):
        """Merge a later (or late) event into an existing call; return True if it changed it."""
        self.ensure_one()
        if event.kind == "recording":
            return self._merge_recording(event)
        if event.kind == "answer":
            return self._merge_answer(event)
        ended = status.STATE_RANK[self.state] == 2 and not self.stale_closed
        if event.kind != "call_out" or ended:
            return False  # a retry, or a late call_in/init: never moves a call backwards
        vals = self._end_values(self.connection_id, event, self.start_date)
        vals["state"] = status.final_state(event.status)
        vals["stale_closed"] = False  # the real end of a call closed without news
        if vals["state"] == "ended":  # answered: by whoever the end of the call names
            self._move_to_extension(event.extension)
        self.write(vals)
        return True

    def _merge_answer(self, event):
        """Ringing/dialing -> answered, by the extension that picked up (ring groups ring many);
        an answered call now talked on by another extension (a transfer) moves to it."""
        rank = status.STATE_RANK[self.state]
        if rank == 0:
            self._move_to_extension(event.extension)
            self.write({"state": "answered", "answer_date": fields.Datetime.now()})
            return True
        if rank == 1:
            return self._move_to_extension(event.extension)
        return False

    def _move_to_extension(self, number):
        """Credit the call to the extension `number` that took it (a ring group's or a queue's
        member, a transfer's target): its extension and user, and the contact auto-created
        for the first one rung. Nothing (False) when it is the call's already, or unknown."""
        extension = self.connection_id._find_extension(number) if number else None
        if not extension or extension == self.extension_id:
            return False
        record, previous = self._record(), self.user_id
        self._lock_record()
        self.write({"extension": extension.name, "extension_id": extension.id,
                    "user_id": extension.user_id.id})
        if self.auto_created and record and record.user_id == previous and extension.user_id:
            record.sudo().user_id = extension.user_id
        return True

    def _merge_recording(self, event):
        """A recording that became available after the call (Zadarma's NOTIFY_RECORD...)."""
        url, filename = self._recording_location(self.connection_id, event.recordingfile)
        if (url, filename) == (self.recording_url or None, self.recording_file or None):
            return False
        self.write({"recording_url": url, "recording_file": filename})
        record = self._record()
        if url and record and self.activity_logged:
            # The call's activity is already in the chatter: add the link beside it.
            record.sudo().message_post(
                body=Markup('<a class="o_pbx_callcenter_chatter_recording" href="%s" target="_blank" '
                            'rel="noopener">%s</a>') % (url, self._as_reader()._late_recording_label()),
                message_type="comment", subtype_xmlid="mail.mt_note",
            )
        return True

    @api.model
    def _end_values(self, connection, event, known_start):
        start = event.calldate or known_start or fields.Datetime.now()
        duration = event.duration or 0
        answered = event.status == "answered"
        if event.billsec is not None:
            talk = event.billsec
        else:
            talk = duration if answered else 0
        end = start + timedelta(seconds=duration)
        url, filename = self._recording_location(connection, event.recordingfile)
        return {
            "start_date": start,
            "end_date": end,
            "answer_date": end - timedelta(seconds=talk) if answered else False,
            "duration": duration,
            "talk_time": talk,
            "disposition": event.disposition or event.status,
            "recording_url": url,
            "recording_file": filename,
        }

    @api.model
    def _recording_location(self, connection, recordingfile):
        """(url, file name) of a recording. The file name was validated when the event was
        parsed; a bad base URL is a setting of ours, not the PBX's fault: keep the file name
        and no URL."""
        try:
            return recording.recording_location(recordingfile, connection.recording_base_url)
        except ValueError:
            return recording.recording_location(recordingfile, None)

    def _lock_number(self, connection, key):
        # Serialises calls from the same number so two concurrent first calls from an unknown
        # number create one contact, not two (same lock is taken for missed-call activities).
        if key:
            self.env.cr.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                [connection.company_id.id, "pbx-number:" + key[: connection.tail_digits]],
            )

    def _lock_record(self):
        """Serialise the transactions that write on this call's contact or lead (activities,
        followers, owner): two calls of one contact ending at once would both subscribe its
        salesperson, and the second INSERT of the follower would fail (a retry would apply it,
        but PostgreSQL and Odoo log the failed query). The number's lock first, as when a call
        is created, then the record's: always in this order, so no two transactions deadlock."""
        self._lock_number(self.connection_id, self.phone_key)
        record = self._record()
        if record:
            self.env.cr.execute("SELECT pg_advisory_xact_lock(hashtext(%s), %s)",
                                ["pbx-record:" + record._name, record.id])

    @api.model
    def _is_blacklisted(self, number):
        """Whether phone.blacklist holds the number, as E.164 (how Odoo stores it) or as sent.

        Raw SQL for a measured need: phone.blacklist's _search override re-parses every value
        with the *company's* country (4.5 ms and 5 queries per call, and a national number read
        with the wrong country); this is one probe of its unique index on `number`."""
        candidates = tuple(n for n in (number.e164, number.raw.strip()) if n)
        if not candidates:
            return False
        self.env["phone.blacklist"].flush_model(["number", "active"])
        self.env.cr.execute(
            "SELECT 1 FROM phone_blacklist WHERE active AND number IN %s LIMIT 1", [candidates])
        return bool(self.env.cr.fetchone())

    @api.model
    def _auto_create(self, connection, number, owner):
        name = _("Automatic New Contact - %s", number.e164 or number.raw.strip())
        vals = {
            "name": name,
            "phone": number.e164 or number.raw.strip(),
            "user_id": owner.id,
            "company_id": connection.company_id.id,
        }
        # No "You have been assigned" e-mail per unknown caller: the owner already gets the
        # popup, and a PBX can create hundreds of these a day (10 ms each, measured).
        env = self.env(context=dict(self.env.context, mail_auto_subscribe_no_notify=True))
        model = "crm.lead" if connection.auto_create_model == "lead" else "res.partner"
        return env[model].sudo().create(vals)

    # ---- records, names, owners -------------------------------------------------

    def _record(self):
        """The matched or created contact/lead (lead first), or an empty recordset."""
        self.ensure_one()
        return self.lead_id or self.partner_id

    def _caller_name(self):
        return self.connection_id._record_caller_name(self._record())

    def _number_tail(self):
        """The reversed last N digits of the number: a key is reversed digits, so its first N
        characters identify the number whatever format it came in (+84…, 0…, 0084…)."""
        return (self.phone_key or "")[: self.connection_id.tail_digits]

    def _owner_extension(self):
        owner = self._record().user_id
        return self.connection_id._user_extension(owner).name or None

    def _response(self, event_id, duplicate):
        self.ensure_one()
        record = self._record()
        return contract.ok_response(
            event_id=event_id,
            call_id=self.id,
            callid=self.callid,
            state=self.state,
            direction=self.direction,
            record={"model": record._name, "id": record.id, "name": record.display_name}
            if record else None,
            created=self.auto_created,
            caller_name=self._caller_name(),
            owner_extension=self._owner_extension(),
            blocked=self.blocked,
            duplicate=duplicate,
        )

    # ---- activities -----------------------------------------------------------------

    def _responsible(self):
        return self.user_id or self.connection_id.default_user_id or self.env.ref("base.user_admin")

    def _on_ended(self):
        self.ensure_one()
        self._log_activity()
        if self.direction == "in" and self.state in ("missed", "busy") and not self.blocked:
            self._schedule_callback()

    def _log_activity(self):
        """Write the ended call on its contact/lead as a completed *Call* activity (chatter and
        activity reports), once per call."""
        record = self._record()
        if not record or self.activity_logged:
            return
        self._lock_record()
        author = self._responsible()
        reading = self._as_reader()
        activity = reading._activity_env(author).create({
            "res_model_id": self.env["ir.model"]._get_id(record._name),
            "res_id": record.id,
            "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
            "summary": reading._activity_summary(),
            "note": reading._activity_note(),
            "user_id": author.id,
            "date_deadline": fields.Date.context_today(
                self.with_context(tz=author.tz or "UTC"), self.start_date
            ),
        })
        activity.action_feedback(feedback=self.notes or False)
        self.activity_logged = True

    def _schedule_callback(self):
        """One open *call back* activity per number, however many times it called."""
        if not self.phone_key:
            return
        self._lock_record()
        user = self._responsible()
        Activity = self._activity_env(user)
        key = self._callback_key()
        existing = Activity.search([("pbx_callback_key", "=", key)], limit=1)
        count = existing.pbx_missed_count + 1 if existing else 1
        note = self._as_reader()._callback_note(count)
        if existing:
            existing.write({"note": note, "pbx_missed_count": count, "pbx_call_id": self.id})
            return
        record = self._record() or self
        Activity.create({
            "res_model_id": self.env["ir.model"]._get_id(record._name),
            "res_id": record.id,
            "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
            "summary": self._as_reader()._callback_summary(),
            "note": note,
            "user_id": user.id,
            "date_deadline": fields.Date.context_today(self.with_context(tz=user.tz or "UTC")),
            "pbx_callback_key": key,
            "pbx_missed_count": count,
            "pbx_call_id": self.id,
        })

    def _callback_key(self):
        """The key of the number's call-back activity: company and last N digits."""
        return f"{self.company_id.id}:{self._number_tail()}"

    # ---- call back ------------------------------------------------------------------

    def action_call_back(self, prefix_label=None):
        """Call this call's number from the current user's extension (the Call back button of
        missed calls in the list and the popup); the dial result of ``res.users.pbx_dial``."""
        self.ensure_one()
        odoo_compat.check_access(self, "read")  # record rules: own calls, own companies
        return odoo_compat.RpcAnswer(self.sudo()._call_back(prefix_label))

    def _call_back(self, prefix_label=None):
        """(sudo) Dial the number for the environment's user; once the PBX has it, remember who
        calls back on the number's open call-back, which their answered call marks done."""
        number = self.phone_e164 or (self.phone or "").strip()
        if not number or self.direction == "internal":
            return originate.dial_result(
                "error", _("This call has no external number to call back."), code="bad_number")
        result = self.env["res.users"]._pbx_dial(number, prefix_label)
        if result["status"] in ("ok", "link") and self.phone_key:
            self.env["mail.activity"].sudo().search(
                [("pbx_callback_key", "=", self._callback_key())]
            ).write({"pbx_callback_user_id": self.env.uid})
        return result

    def _close_call_backs(self):
        """An answered outgoing call marks done the call-backs of its number its user asked for."""
        if self.direction != "out" or self.state not in ("answered", "ended") or not self.user_id \
                or not self.phone_key:
            return
        pending = self.env["mail.activity"].sudo().search([
            ("pbx_callback_key", "=", self._callback_key()),
            ("pbx_callback_user_id", "=", self.user_id.id),
        ])
        if pending:
            self._lock_record()
            pending._pbx_close_call_backs(self)

    def _callback_summary(self):
        return _("Call back %s", self.phone_e164 or self.phone)

    def _callback_note(self, count):
        return _("%(count)s missed call(s) from %(number)s, last at %(when)s.",
                 count=count, number=self.phone_e164 or self.phone,
                 when=self._local_datetime(self.start_date))

    def _activity_env(self, user):
        # Authored by the salesperson, without assignment e-mails (quick update).
        return self.env["mail.activity"].with_user(user).sudo().with_context(
            mail_activity_quick_update=True
        )

    def _activity_summary(self):
        direction = dict(self._fields["direction"]._description_selection(self.env))[self.direction]
        state = dict(self._fields["state"]._description_selection(self.env))[self.state]
        return _("%(direction)s call: %(state)s", direction=direction, state=state)

    def _activity_note(self):
        rows = [
            (_("Number"), self.phone_e164 or self.phone),
            (_("User"), self.user_id.name or self.extension or ""),
            (_("Extension"), self.extension or ""),
            (_("Started"), self._local_datetime(self.start_date)),
            (_("Duration"), _format_seconds(self.duration)),
            (_("Talk time"), _format_seconds(self.talk_time)),
            (_("Status"), self._status_text()),
        ]
        html = Markup("<ul>%s</ul>") % Markup("").join(
            Markup("<li><b>%s:</b> %s</li>") % (label, value) for label, value in rows
        )
        if self.recording_url:
            # The class marks it for the player the web client adds (no <audio>: sanitised).
            html += Markup('<p><a class="o_pbx_callcenter_chatter_recording" href="%s" '
                           'target="_blank" rel="noopener">%s</a></p>') % (
                self.recording_url, _("Play recording"))
        return html

    def _late_recording_label(self):
        """The link of a recording that came after the call was logged, in the reader's words."""
        return _("Play recording of the call of %s", self._local_datetime(self.start_date))

    def _called_back_feedback(self):
        """What marks a call-back done, in the words and time zone of its reader."""
        return _("Called back: the call of %(when)s from extension %(extension)s was answered.",
                 when=self._local_datetime(self.start_date), extension=self.extension or "")

    def _status_text(self):
        """The state in the reader's language, with the PBX's own status word when it adds one."""
        state = dict(self._fields["state"]._description_selection(self.env))[self.state]
        if self.disposition and self.disposition.lower() != self.state:
            return f"{state} ({self.disposition})"
        return state

    # ---- the reader's language, time zone and currency ------------------------------------

    def _reader(self):
        """Who reads what the call writes on its contact/lead: the record's salesperson, else the
        call's user (else the connection's default responsible)."""
        return self._record().user_id or self._responsible()

    def _as_reader(self, reader=None):
        """The call with the language and time zone of `reader` (default `_reader()`) in its
        context, so `_()`, selection labels and `_local_datetime` speak theirs. A reader without
        a time zone gets the company's, else UTC."""
        self.ensure_one()
        reader = (reader or self._reader()).sudo()
        tz = reader.tz or self.company_id.partner_id.tz or "UTC"
        return self.with_context(lang=reader.lang or self.env.lang, tz=tz)

    def _local_datetime(self, value):
        """A naive UTC datetime in the context's time zone and language format, zone named:
        ``15/01/2024 04:20:30 (Europe/Paris)``."""
        if not value:
            return ""
        tz = self.env.context.get("tz") or "UTC"
        text = format_datetime(self.env, value, tz=tz, dt_format=False, lang_code=self.env.lang)
        return f"{text} ({tz})"

    # ---- calls without news ---------------------------------------------------------

    @api.model
    def _stale_minutes(self):
        """Minutes without news after which an open call is closed (system parameter
        pbx_callcenter.stale_call_minutes, default 120; 0 or less: never)."""
        value = self.env["ir.config_parameter"].sudo().get_param(STALE_MINUTES_PARAM)
        try:
            return int(value) if value not in (None, False, "") else STALE_MINUTES_DEFAULT
        except ValueError:
            _logger.warning("%s=%r is not a number of minutes: %s used",
                            STALE_MINUTES_PARAM, value, STALE_MINUTES_DEFAULT)
            return STALE_MINUTES_DEFAULT

    @api.model
    def _cron_close_stale(self, limit=STALE_BATCH):
        """Close the open calls (ringing, dialing, answered) whose PBX sent no news for
        `_stale_minutes()`: never answered -> missed, answered -> ended at the last news. The
        last news is the latest of the start, the answer and the call's journaled events.
        Returns the number of calls closed."""
        minutes = self._stale_minutes()
        if minutes <= 0:
            return 0
        cutoff = fields.Datetime.now() - timedelta(minutes=minutes)
        calls_sudo = self.sudo().search(
            [("state", "in", OPEN_STATES), ("start_date", "<", cutoff)],
            order="start_date, id", limit=limit)
        closed = 0
        for call_sudo in calls_sudo:
            try:
                with self.env.cr.savepoint():
                    closed += call_sudo._close_if_stale(cutoff)
            except Exception:
                _logger.exception("Could not close the call %s without news", call_sudo.id)
        return closed

    def _close_if_stale(self, cutoff):
        """Close this call if it still is open and heard nothing since `cutoff`; whether it did."""
        self.ensure_one()
        # The lock of the call's events (pbx.call.event._process): no event is applied meanwhile.
        self.env.cr.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                            [self.connection_id.id, self.callid])
        self.invalidate_recordset()
        last_news = self._last_news()
        if self.state not in OPEN_STATES or last_news >= cutoff:
            return False
        end = max(last_news, self.start_date)
        vals = {"end_date": end, "duration": int((end - self.start_date).total_seconds()),
                "stale_closed": True}
        if self.state == "answered":
            answer = min(self.answer_date or self.start_date, end)
            vals.update(state="ended", talk_time=int((end - answer).total_seconds()))
        else:
            vals.update(state="missed", talk_time=0)
        self.write(vals)
        self._on_ended()
        self._notify_popup()
        return True

    def _last_news(self):
        """When the PBX last said something about this call."""
        self.ensure_one()
        [(latest_event,)] = self.env["pbx.call.event"].sudo()._read_group(
            [("call_id", "=", self.id)], aggregates=["create_date:max"])
        return max(d for d in (self.start_date, self.answer_date, latest_event) if d)

    # ---- popup ------------------------------------------------------------------------

    def _notify_popup(self, user=None, transferred_to=None):
        """Send the popup payload to the browser tabs (bus) of `user`, by default the call's;
        `transferred_to`: the extension that has the call now, for a user it moved away from."""
        self.ensure_one()
        user = user or self.user_id
        if self.blocked or not user:
            return
        self.env["bus.bus"]._sendone(user.partner_id, POPUP_NOTIFICATION,
                                     self._popup_payload(user, transferred_to))

    def _popup_payload(self, recipient=None, transferred_to=None):
        """The popup as `recipient` (default: the call's user) may see it: the caller, their
        opportunities and the number's last calls are read under the recipient's access rights
        and record rules, never as superuser."""
        self.ensure_one()
        recipient = recipient or self.user_id or self.env.user
        viewer_env = self._popup_viewer_env(recipient)
        record = self._record()
        visible = odoo_compat.filtered_access(record.with_env(viewer_env), "read")
        caller = None
        if record:
            caller = (self._popup_caller(record) if visible
                      else self._as_reader(recipient)._popup_hidden_caller(record))
        return contract.popup_payload(
            call_id=self.id,
            callid=self.callid,
            connection_id=self.connection_id.id,
            state=self.state,
            direction=self.direction,
            phone=self.phone or "",
            phone_e164=self.phone_e164 or None,
            extension=self.extension or "",
            known=bool(record) and not self.auto_created,
            auto_created=self.auto_created,
            blocked=self.blocked,
            caller=caller,
            opportunities=self._popup_opportunities(visible, viewer_env),
            last_calls=self._popup_last_calls(viewer_env),
            open_in_new_tab=self.connection_id.open_in_new_tab,
            notes=self.notes or "",
            transferred_to=transferred_to or None,
        )

    def _popup_viewer_env(self, recipient):
        """An environment of `recipient` (no superuser), with their companies allowed, the
        call's company first, and their language and time zone."""
        companies = recipient.sudo().company_ids.ids
        if self.company_id.id in companies:
            companies = [self.company_id.id] + [c for c in companies if c != self.company_id.id]
        context = self._as_reader(recipient).env.context
        return self.env(user=recipient.id, su=False,
                        context=dict(context, allowed_company_ids=companies))

    def _popup_caller(self, record):
        connection = self.connection_id
        return {
            "model": record._name,
            "id": record.id,
            "name": self._caller_name(),
            "company": connection._record_company(record),
            "image_url": f"/web/image/res.partner/{record.id}/avatar_128"
            if record._name == "res.partner" else None,
            "email": connection._record_email(record),
        }

    def _popup_hidden_caller(self, record):
        """A matched record the recipient may not read: that it exists, nothing about it."""
        return {
            "model": record._name,
            "id": record.id,
            "name": _("Not visible to you"),
            "company": None,
            "image_url": None,
            "email": None,
        }

    def _popup_opportunities(self, record, viewer_env):
        """The opportunities of the caller the viewer may read (a lead: itself)."""
        if not record:
            return []
        Lead = viewer_env["crm.lead"]
        if not odoo_compat.may_access(Lead, "read"):
            return []
        if record._name == "crm.lead":
            leads = record.with_env(viewer_env)
        else:
            leads = Lead.search(
                [("partner_id", "child_of", record.sudo().commercial_partner_id.id),
                 ("type", "=", "opportunity")],
                order="id desc", limit=POPUP_HISTORY,
            )
        return [{
            "id": lead.id,
            "name": lead.name,
            "stage": lead.stage_id.name or None,
            "expected_revenue": float(lead.expected_revenue or 0.0),
            "expected_revenue_formatted": format_amount(
                viewer_env, lead.expected_revenue or 0.0,
                lead.company_currency or viewer_env.company.currency_id, lang_code=viewer_env.lang),
        } for lead in leads]

    def _popup_last_calls(self, viewer_env):
        """The number's other calls in this company that the viewer may read."""
        Call = viewer_env[self._name]
        if not self.phone_key or not odoo_compat.may_access(Call, "read"):
            return []
        calls = Call.search(
            [("phone_key", "=like", self._number_tail() + "%"), ("id", "!=", self.id),
             ("company_id", "=", self.company_id.id)],
            limit=POPUP_HISTORY,
        )
        return [{
            "id": call.id,
            "direction": call.direction,
            "state": call.state,
            "start": call.start_date.strftime("%Y-%m-%dT%H:%M:%SZ") if call.start_date else None,
            "duration": call.duration,
        } for call in calls]

    # ---- UI actions ---------------------------------------------------------------

    def action_open_record(self):
        self.ensure_one()
        record = self._record()
        if not record:
            return False
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "views": [(False, "form")],
        }

    def action_block_number(self):
        for call in self:
            self.env["phone.blacklist"].sudo()._add([call.phone_e164 or call.phone])
        self.write({"blocked": True})


def _format_seconds(seconds):
    seconds = int(seconds or 0)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
