"""3CX, the Odoo side: the connection kind, the routes its server-side CRM template calls
(contact lookup and search, contact creation, call journal) behind the gate, and the template itself,
downloaded from the connection. The mapping and the template's rules: protocol.py, template.py."""
import logging

from odoo import _, api, fields, models
from odoo.tools.sql import escape_psql

from ...lib import payload
from ...lib.gate import Refusal
from ...models import odoo_compat
from ...models.pbx_call_event import request_fields
from . import protocol as threecx, template as threecx_template

_logger = logging.getLogger(__name__)


class PbxConnection(models.Model):
    """3CX's server-side CRM integration: the routes its template calls (contact lookup and
    search, contact creation, call journal) and the template itself, downloaded from the connection."""

    _inherit = "pbx.connection"

    kind = fields.Selection(selection_add=[("threecx", "3CX")], ondelete={"threecx": "set default"})

    @api.model
    def _pbx_route_kinds(self):
        return dict(super()._pbx_route_kinds(), threecx=("threecx",))  # /3cx/lookup, /search, /contact, /journal

    def _threecx_verify(self, http_in, body):
        """3CX cannot sign its requests: a connection that requires signatures is refused."""
        if self.webhook_secret:
            raise Refusal("forbidden", _(
                "This connection requires signed requests, which 3CX cannot send: clear its "
                "webhook secret to use it with 3CX."))

    # ---- the routes 3CX calls -----------------------------------------------------------

    @api.model
    def _api_threecx_lookup(self, http_in):
        """The 3CX contact answer for ``?number=`` (read-only, no journal)."""
        number = http_in["query"].get(threecx.LOOKUP_NUMBER)
        return self._threecx_contact_route(
            http_in, "GET", lambda _body: threecx.read_number(number), "_threecx_lookup")

    @api.model
    def _api_threecx_search(self, http_in):
        """The contacts and leads matching ``?query=`` (read-only, no journal)."""
        query = http_in["query"].get(threecx.SEARCH_QUERY)
        return self._threecx_contact_route(
            http_in, "GET", lambda _body: threecx.read_query(query), "_threecx_search")

    @api.model
    def _api_threecx_contact(self, http_in):
        """The contact or lead with this number, created when there is none."""
        return self._threecx_contact_route(
            http_in, "POST", lambda body: threecx.parse_contact(request_fields(body, http_in)),
            "_threecx_create_contact")

    @api.model
    def _threecx_contact_route(self, http_in, method, read, build):
        """Pass the gate, ``read(body)`` the request's values (400 naming the bad fields), then
        answer ``connection.<build>(values)``; a failure is logged and refused as JSON (500)."""
        connection_su, body = self._gate(http_in, "threecx", methods=(method,), verify="_threecx_verify")
        try:
            values = read(body)
        except payload.PayloadError as error:
            raise Refusal("invalid_payload", _("Some fields are invalid."), error.fields) from None
        try:
            answer = getattr(connection_su, build)(values)
            # Written now, as the superuser: the end-of-request flush runs as the request's
            # user, and this auth="none" route has none (Odoo 19 fails there on a new lead).
            connection_su.env.flush_all()
            return answer
        except Exception:  # noqa: BLE001 - logged; 3CX gets a JSON error, not a stack trace
            _logger.exception("3CX request failed on PBX connection %s", connection_su.id)
            raise Refusal("processing_failed", _("The request could not be processed.")) from None

    @api.model
    def _api_threecx_journal(self, http_in):
        """Journal 3CX's ReportCall and apply it as the end of a call; the core's answer."""
        connection_su, body = self._gate(http_in, "threecx", verify="_threecx_verify")
        events_su = connection_su.env["pbx.call.event"]
        data = events_su._read_fields(connection_su, body, http_in, source=threecx.SOURCE,
                                      native_event=threecx.JOURNAL_EVENT)
        return events_su._native_receive(connection_su, threecx.SOURCE, threecx.JOURNAL_EVENT, data, http_in)

    # ---- contacts as 3CX shows them ---------------------------------------------------

    def _threecx_lookup(self, number):
        """The 3CX answer for ``number``: its contact or lead, none when unknown or blacklisted
        (a blocked caller is not announced by name)."""
        self.ensure_one()
        answer = self._lookup_caller(number)
        contacts = []
        if answer["record"] and not answer["blocked"]:
            record = self.env[answer["record"]["model"]].browse(answer["record"]["id"])
            contacts.append(self._threecx_contact(record))
        return threecx.lookup_answer(answer["number"], contacts, answer["blocked"])

    def _threecx_search(self, query):
        """The 3CX answer to a contact search: contacts (by name) then leads (newest first)
        of this connection's company or of none, at most threecx.SEARCH_LIMIT. A number query
        matches phone keys (index scans), any other text names, companies and e-mails, with
        ``%`` and ``_`` taken literally. Blacklisted numbers are listed: a person searching
        the CRM by name is shown the record, as Odoo shows it; the blacklist only keeps a
        caller from being announced or created."""
        self.ensure_one()
        Partner = self.env["res.partner"].sudo().with_context(active_test=True)
        Lead = self.env["crm.lead"].sudo().with_context(active_test=True)
        if threecx.is_number_query(query):
            exact, prefixes = threecx.number_keys(query, self.country_id.code or None, self.tail_digits)
            terms = [*([("=", exact)] if exact else []), *(("=like", key + "%") for key in prefixes)]
            if not terms:
                return threecx.search_answer(query, [])
            partner_domain, lead_domain = (
                ["|"] * (len(terms) - 1) + [
                    leaf for operator, key in terms for leaf in model._pbx_key_domain(operator, key)]
                for model in (Partner, Lead))
        else:
            like = escape_psql(query)
            partner_domain = ["|", "|", ("name", "ilike", like),
                              ("commercial_company_name", "ilike", like), ("email", "ilike", like)]
            lead_domain = ["|", "|", "|", ("name", "ilike", like), ("contact_name", "ilike", like),
                           ("partner_name", "ilike", like), ("email_from", "ilike", like)]
        company_domain = [("company_id", "in", [self.company_id.id, False])]
        records = Partner.search(partner_domain + company_domain, order="name, id",
                                 limit=threecx.SEARCH_LIMIT)
        if len(records) < threecx.SEARCH_LIMIT:  # limit=0 would mean no limit
            records = [*records, *Lead.search(lead_domain + company_domain, order="id desc",
                                              limit=threecx.SEARCH_LIMIT - len(records))]
        return threecx.search_answer(query, [self._threecx_contact(record) for record in records])

    def _threecx_create_contact(self, values):
        """Idempotent on the number: the existing contact or lead, else a new one of the
        connection's auto-create model. Nothing is created for a blacklisted number."""
        self.ensure_one()
        number = self._normalize(values["number"])
        # Same lock as the call journal's auto-create: one contact per number, not two.
        self.env["pbx.call"]._lock_number(self, number.key)
        answer = self._lookup_caller(values["number"])
        if answer["blocked"]:
            return threecx.lookup_answer(answer["number"], [], True)
        if answer["record"]:
            record = self.env[answer["record"]["model"]].browse(answer["record"]["id"])
            created = False
        else:
            record = self._threecx_new_record(number, values)
            created = True
        return threecx.lookup_answer(answer["number"], [self._threecx_contact(record)], False, created)

    def _threecx_new_record(self, number, values):
        phone = number.e164 or number.raw.strip()
        person = threecx.contact_display_name(values)
        vals = {
            "name": person or values["company"] or _("Automatic New Contact - %s", phone),
            "phone": phone,
            "user_id": self.default_user_id.id,
            "company_id": self.company_id.id,
        }
        if self.auto_create_model == "lead":
            vals.update(contact_name=person or False, partner_name=values["company"] or False,
                        email_from=values["email"] or False)
            return self.env["crm.lead"].sudo().create(vals)
        vals.update(email=values["email"] or False)
        if person:
            vals["company_name"] = values["company"] or False
        else:
            vals["is_company"] = bool(values["company"])
        return self.env["res.partner"].sudo().create(vals)

    def _threecx_contact(self, record):
        self.ensure_one()
        if record._name == "crm.lead":
            first, last, company = threecx.contact_names(
                record._name, record.name, contact_name=record.contact_name,
                partner_name=record.partner_name)
        else:
            first, last, company = threecx.contact_names(
                record._name, record.name, is_company=record.is_company,
                parent_name=record.parent_id.name)
        return threecx.contact(
            model=record._name,
            record_id=record.id,
            first_name=first,
            last_name=last,
            company=company,
            email=self._record_email(record),
            phone_business=self._threecx_phone(record.phone),
            phone_mobile=self._threecx_phone(odoo_compat.mobile(record)),
            url=self._record_url(record),
        )

    def _threecx_phone(self, raw):
        """E.164 when readable: 3CX checks the number it asked about against these."""
        if not raw:
            return None
        return self._normalize(raw).e164 or raw.strip()

    # ---- the template --------------------------------------------------------------------

    def action_download_threecx_template(self):
        self.ensure_one()
        self._check_manager()
        self._check_record_access("read")
        return {
            "type": "ir.actions.act_url",
            "url": f"/pbx_callcenter/3cx/template/{self.id}",
            "target": "download",
        }

    def _threecx_template_file(self):
        """(file name, XML text) of the 3CX template, with this Odoo's URL filled in (never the
        token, which the administrator pastes in 3CX)."""
        self.ensure_one()
        self._check_manager()
        self._check_record_access("read")
        xml_text = threecx_template.render(threecx_template.read_template(), self._base_url())
        return threecx_template.TEMPLATE_FILENAME, xml_text


class PbxCallEvent(models.Model):
    _inherit = "pbx.call.event"

    source = fields.Selection(selection_add=[("threecx", "3CX")], ondelete={"threecx": "cascade"})

    @api.model
    def _pbx_event_mappers(self):
        return dict(super()._pbx_event_mappers(), **{threecx.SOURCE: threecx.to_canonical})
