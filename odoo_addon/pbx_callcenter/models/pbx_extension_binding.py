import logging
import time

from odoo import _, api, models
from odoo.exceptions import AccessError, UserError

from ..lib import extension_binding as contract
from ..lib import pbx_api
from .pbx_originate import PbxUnreachable

_logger = logging.getLogger(__name__)

MANAGER_GROUP = "pbx_callcenter.pbx_callcenter_group_manager"
#: Each request to a PBX API gives up after this many seconds; an import after IMPORT_DEADLINE.
REQUEST_TIMEOUT = 5
IMPORT_DEADLINE = 60
KIND_ORDER = {kind: rank for rank, kind in enumerate(contract.USER_KINDS)}


class PbxExtensionBinding(models.AbstractModel):
    """RPC surface of the extension binding screen (client action
    ``pbx_callcenter.extension_binding``): managers bind Odoo users to PBX extensions.

    Results are built by ``lib/extension_binding.py`` (zod twin: ``web/src/schemas/
    extension_binding.ts``). Every method is for Call Center managers only.
    """

    _name = "pbx.extension.binding"
    _description = "PBX Extension Binding"

    # ---- access --------------------------------------------------------------

    @api.model
    def _check_manager(self):
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only Call Center managers can bind users to extensions."))

    # ---- reading -------------------------------------------------------------

    @api.model
    def get_binding_data(self):
        """Connections, every user who can hold an extension (active internal users) with
        their bindings, and the extensions of each connection."""
        self._check_manager()
        connections = self.env["pbx.connection"].search([])
        extensions = self.env["pbx.extension"].search(
            [("connection_id", "in", connections.ids)], order="connection_id, name, id"
        )
        bindings = {}
        # default extension first, so a user holding several shows their default one
        for extension in extensions.sorted(lambda e: (not e.is_default, e.name, e.id)):
            if extension.user_id:
                bindings.setdefault(extension.user_id.id, {}).setdefault(
                    extension.connection_id.id, extension.id
                )
        extension_rows = {}
        for extension in extensions:
            extension_rows.setdefault(extension.connection_id.id, []).append(contract.extension_row(
                id=extension.id, name=extension.name, email=extension.email,
                user_id=extension.user_id.id,
            ))
        return contract.binding_data(
            [contract.connection_row(
                id=connection.id, name=connection.name, kind=connection.kind,
                can_import=connection._pbx_has_extension_api(),
            ) for connection in connections],
            [contract.user_row(
                id=user.id, name=user.name or user.login, login=user.login, email=user.email,
                kind=kind, bindings=bindings.get(user.id, {}),
            ) for user, kind in self._binding_users()],
            extension_rows,
        )

    @api.model
    def _binding_users(self):
        """``[(user, kind)]``: the users who can hold an extension, by name: active internal
        users only (not the public user, portal users or archived users; pbx.extension checks
        it too)."""
        users = self.env["res.users"].search([("share", "=", False)])
        rows = [(user, contract.user_kind(share=False, public=False)) for user in users]
        rows.sort(key=lambda row: (KIND_ORDER[row[1]], (row[0].name or "").lower(), row[0].id))
        return rows

    # ---- auto-bind -----------------------------------------------------------

    @api.model
    def auto_bind(self, connection_id):
        """Proposed ``{user, extension}`` pairs sharing an e-mail (case-insensitive) among users
        with no extension on the connection and its unbound extensions. Nothing is saved: the
        screen confirms, then calls save_bindings."""
        self._check_manager()
        connection = self._connection(connection_id, "read")
        extensions = connection.extension_ids
        bound_users = set(extensions.user_id.ids)
        users = [
            contract.Candidate(user.id, user.name or user.login, user.email)
            for user, _kind in self._binding_users() if user.id not in bound_users
        ]
        free = [
            contract.Candidate(extension.id, extension.name, extension.email)
            for extension in extensions if not extension.user_id
        ]
        pairs, ambiguous = contract.auto_bind_pairs(users, free)
        return {"connection_id": connection.id, "pairs": pairs, "ambiguous": ambiguous}

    # ---- saving --------------------------------------------------------------

    @api.model
    def save_bindings(self, changes):
        """Apply ``[{extension_id, user_id | null, previous_user_id? }]`` all or nothing.

        Refused, with nothing written: an unknown extension or user id, an extension listed
        twice, an extension bound to someone other than ``previous_user_id`` (or, without it,
        bound to another user). A user's first extension becomes their default one.
        """
        self._check_manager()
        try:
            parsed = contract.parse_changes(changes)
        except contract.BindingInputError as error:
            raise UserError(_("Cannot save the bindings: %s", error)) from error
        Extension = self.env["pbx.extension"]
        extensions = Extension.browse([change.extension_id for change in parsed]).exists()
        visible = Extension.search([("id", "in", extensions.ids)])
        unknown = sorted({change.extension_id for change in parsed} - set(visible.ids))
        if unknown:
            raise UserError(_("Unknown extension id(s): %s", ", ".join(map(str, unknown))))
        user_ids = {change.user_id for change in parsed if change.user_id}
        users = self.env["res.users"].with_context(active_test=False).browse(list(user_ids)).exists()
        missing_users = sorted(user_ids - set(users.ids))
        if missing_users:
            raise UserError(_("Unknown user id(s): %s", ", ".join(map(str, missing_users))))
        unbindable = users.filtered(lambda user: user.share or not user.active)
        if unbindable:
            raise UserError(_(
                "Only active internal users can be bound to an extension, not: %s",
                ", ".join(sorted(user.name or user.login for user in unbindable))))
        for change in parsed:
            self._check_change(Extension.browse(change.extension_id), change)
        releases = [change for change in parsed if not change.user_id]
        binds = [change for change in parsed if change.user_id]
        previous_owners = Extension.browse([c.extension_id for c in parsed]).user_id
        for change in releases:
            Extension.browse(change.extension_id).write({"user_id": False, "is_default": False})
        for change in binds:
            extension = Extension.browse(change.extension_id)
            if extension.user_id.id == change.user_id:
                continue
            has_default = Extension.search_count(
                [("user_id", "=", change.user_id), ("is_default", "=", True)], limit=1
            )
            extension.write({"user_id": change.user_id, "is_default": not has_default})
        self._ensure_default(previous_owners)
        return {"changed": len(parsed), "data": self.get_binding_data()}

    @api.model
    def _check_change(self, extension, change):
        current = extension.user_id.id or None
        if change.previous_user_id is not contract.UNCHECKED:
            if current != change.previous_user_id:
                raise UserError(_(
                    "Extension %(extension)s on %(connection)s was changed meanwhile (it is now "
                    "bound to %(user)s). Reload the screen and try again.",
                    extension=extension.name, connection=extension.connection_id.name,
                    user=extension.user_id.name or _("nobody"),
                ))
        elif change.user_id and current and current != change.user_id:
            raise UserError(_(
                "Extension %(extension)s on %(connection)s is already bound to %(user)s.",
                extension=extension.name, connection=extension.connection_id.name,
                user=extension.user_id.name,
            ))

    @api.model
    def _ensure_default(self, users):
        """Users who lost their default extension get their first remaining one as default."""
        Extension = self.env["pbx.extension"]
        for user in users:
            remaining = Extension.search([("user_id", "=", user.id)], order="connection_id, name, id")
            if remaining and not remaining.filtered("is_default"):
                remaining[0].is_default = True

    # ---- extensions: by hand and from the PBX ----------------------------------

    @api.model
    def add_extensions(self, connection_id, numbers):
        """Create extensions typed or pasted by the admin (``"101"``, ``"101,ann@example.com"``
        or ``{"number", "email"}``); numbers that already exist are kept as they are."""
        self._check_manager()
        connection = self._connection(connection_id, "write")
        try:
            entries = contract.parse_entries(numbers)
        except contract.BindingInputError as error:
            raise UserError(_("Cannot add the extensions: %s", error)) from error
        if not entries:
            raise UserError(_("Type or paste at least one extension number."))
        result = self._store_entries(connection, entries, update_email=False)
        return dict(result, data=self.get_binding_data())

    @api.model
    def import_extensions(self, connection_id):
        """Fetch the connection's extensions from its PBX API (Zadarma, Yeastar) and create the
        missing ones; an e-mail the PBX knows replaces ours. Nothing is deleted."""
        self._check_manager()
        connection = self._connection(connection_id, "write")
        connection_su = connection.sudo()
        fetch = _Fetcher(connection_su)
        try:
            entries = connection_su._pbx_import_extensions(fetch)
        except pbx_api.PbxApiError as error:
            raise UserError(_("%(pbx)s: %(error)s", pbx=connection.name, error=error)) from error
        except PbxUnreachable as error:
            _logger.info("PBX API of connection %s unreachable: %s", connection.id, error)
            raise UserError(_(
                "%s did not answer in time. Check its API URL and that Odoo can reach it.",
                connection.name,
            )) from error
        if entries is None:
            raise UserError(_(
                "%s has no extension API: add its extensions by hand.", connection.name
            ))
        result = self._store_entries(connection, entries, update_email=True)
        return dict(result, fetched=len(entries), data=self.get_binding_data())

    @api.model
    def _store_entries(self, connection, entries, update_email):
        existing = {extension.name: extension for extension in connection.extension_ids}
        created, updated, unchanged = [], [], []
        for entry in entries:
            extension = existing.get(entry.number)
            if not extension:
                created.append(entry.number)
                existing[entry.number] = self.env["pbx.extension"].create({
                    "connection_id": connection.id, "name": entry.number, "email": entry.email,
                })
            elif update_email and entry.email and contract.email_key(extension.email) != entry.email:
                extension.email = entry.email
                updated.append(entry.number)
            else:
                unchanged.append(entry.number)
        return {"created": created, "updated": updated, "unchanged": unchanged}

    @api.model
    def _connection(self, connection_id, operation):
        """The active connection `connection_id` (else UserError), which the user may
        `operation` (else AccessError, e.g. for another company's)."""
        if isinstance(connection_id, bool) or not isinstance(connection_id, int):
            raise UserError(_("Unknown PBX connection id: %s", connection_id))
        connection = self.env["pbx.connection"].browse(connection_id).exists()
        if connection:
            connection._check_record_access(operation)
        if not connection.active:
            raise UserError(_("Unknown PBX connection id: %s", connection_id))
        return connection


# ---- importing: each vendor unit with an extension API answers _pbx_import_extensions --------
# with click-to-dial's settings and transport (models/pbx_originate.py): the API URL and
# credentials of the connection, its TLS setting and its deadline-bound sender.


class PbxConnection(models.Model):
    _inherit = "pbx.connection"

    def _pbx_has_extension_api(self):
        """Whether _pbx_import_extensions can list this connection's extensions."""
        return False

    def _pbx_import_extensions(self, fetch):
        """The extensions this (sudo) connection's PBX API lists (lib.extension_binding's
        ExtensionEntry), read with ``fetch(request) -> (status, body)``; None when its kind has
        no extension API. Raises lib.pbx_api.PbxApiError or PbxUnreachable."""
        return None


class _Fetcher:
    """``(status, body)`` of a request sent by the (sudo) connection: each request within
    REQUEST_TIMEOUT seconds, the whole import within IMPORT_DEADLINE (else PbxUnreachable)."""

    def __init__(self, connection):
        self.connection = connection
        self.deadline = time.monotonic() + IMPORT_DEADLINE

    def next_deadline(self, requests_count=1):
        now = time.monotonic()
        if now >= self.deadline:
            raise PbxUnreachable("the import took too long")
        return min(self.deadline, now + REQUEST_TIMEOUT * requests_count)

    def __call__(self, request):
        return self.connection._http_send(request, self.next_deadline())
