"""Odoo 17/18/19 differences of this module, isolated here.

Views and actions are written the Odoo 18 way (`<list>`, view_mode `list`). Odoo 17 only knows
`<tree>` and `tree`, so while *this* module's data files load on 17, the two are translated.
Security groups and users are written the Odoo 17/18 way (`category_id`, `users`, `groups_id`);
on 19, a group hangs off a `res.groups.privilege` of that category and the fields are `user_ids`
and `group_ids`, so they are translated while this module's data loads there. The few data
records that exist on some versions only are listed in `VERSIONED_RECORDS`. Nothing outside
this module's records is touched.
"""
import importlib
import re

import odoo.modules.module
from odoo import api, models, release

ODOO_MAJOR = release.version_info[0]
LEGACY_LIST = ODOO_MAJOR < 18
#: Odoo 19 has groups on privileges, `user_ids`/`group_ids` instead of `users`/`groups_id`.
GROUP_PRIVILEGES = ODOO_MAJOR >= 19
MODULE = "pbx_callcenter"
ARCH_KEYS = ("arch", "arch_base", "arch_db")
LIST_TAG = re.compile(r"<(/?)list\b")
LIST_MODE = re.compile(r"\blist\b")

#: The numbers of a contact or lead: Odoo 19 dropped `mobile`, leaving `phone` only.
PHONE_FIELDS = ("phone", "mobile") if ODOO_MAJOR < 19 else ("phone",)


def aggregator(name):
    """The keyword giving a field its read_group aggregate ("sum", "avg"...): `aggregator` from
    Odoo 18, `group_operator` on 17."""
    return {"aggregator" if ODOO_MAJOR >= 18 else "group_operator": name}


#: Data records of this module that exist on some versions only: xml id -> (first, last) major.
VERSIONED_RECORDS = {
    # 19 has no mobile column in the contact list, and rewrote the contact card (it shows the phone)
    f"{MODULE}.res_partner_view_list_mobile_widget": (17, 18),
    f"{MODULE}.res_partner_view_kanban_phone_widget": (17, 18),
    f"{MODULE}.res_partner_view_kanban_phone_widget_card": (19, 19),
}


def in_test_mode(registry):
    """Whether the registry's new cursors are the running test's (never commit them, nor change
    their isolation level): an HttpCase's, or, on 19, any test that patched the registry. Odoo
    19 dropped `Registry.in_test_mode()`; its test marks itself `_registry_patched`."""
    if ODOO_MAJOR >= 19:
        test = odoo.modules.module.current_test
        return bool(test) and bool(getattr(test, "_registry_patched", False))
    return registry.in_test_mode()


def check_access(records, operation):
    """AccessError unless the environment's user may `operation` ("read", "write"...) these very
    records: access rights and record rules (`check_access` from 18, two calls on 17)."""
    if ODOO_MAJOR >= 18:
        records.check_access(operation)
    else:
        records.check_access_rights(operation)
        records.check_access_rule(operation)


def may_access(model, operation):
    """Whether the environment's user has the access right `operation` on `model` at all."""
    if ODOO_MAJOR >= 18:
        return model.browse().has_access(operation)
    return model.check_access_rights(operation, raise_exception=False)


def filtered_access(records, operation):
    """The part of `records` the environment's user may `operation` (rights and record rules)."""
    if not records or not may_access(records, operation):
        return records.browse()
    if ODOO_MAJOR >= 18:
        return records._filtered_access(operation)
    return records._filter_access_rules(operation)


def user_in_groups(env, groups):
    """Whether the environment's user is in one of `groups` ("module.xmlid,..." as in a field's
    `groups`): `res.users.has_groups` from 18, `user_has_groups` on 17."""
    if ODOO_MAJOR >= 18:
        return env.user.has_groups(groups)
    return env["res.users"].user_has_groups(groups)


def werkzeug_request(httprequest):
    """The werkzeug Request under Odoo's `request.httprequest` (a wrapper on 17 to 19, which
    keeps it in a private attribute): where the body stream can be replaced."""
    return httprequest._HTTPRequest__wrapped


class RpcAnswer(dict):
    """The answer of a method called over RPC, whose None values go over XML-RPC as False,
    Odoo's own "no value" (XML-RPC cannot marshal None: Odoo would answer "cannot marshal None"
    after the method ran). JSON-RPC, JSON-2 and Python callers see a dict with its nulls."""


def _dump_rpc_answer(marshaller, value, write):
    marshaller.dump_struct(_none_to_false(dict(value)), write)


#: Where Odoo's XML-RPC marshaller is: base's controllers on 17 and 18, the rpc module on 19.
XMLRPC_MODULES = ("odoo.addons.base.controllers.rpc", "odoo.addons.rpc.controllers.xmlrpc")


def _register_rpc_answer():
    """Teach Odoo's XML-RPC marshaller our own type, and only it."""
    for path in XMLRPC_MODULES:
        try:
            module = importlib.import_module(path)
        except ImportError:  # the other version's place
            continue
        module.OdooMarshaller.dispatch[RpcAnswer] = _dump_rpc_answer


_register_rpc_answer()


def _none_to_false(value):
    if value is None:
        return False
    if isinstance(value, dict):
        return {key: _none_to_false(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_none_to_false(item) for item in value]
    return value


def mobile(record):
    """The mobile number of a contact or lead; none on Odoo 19 (`phone` is its only number)."""
    return record["mobile"] if "mobile" in PHONE_FIELDS else False


def group_users(group):
    """The users explicitly in `group` (`users` before Odoo 19, `user_ids` from 19)."""
    return group.user_ids if GROUP_PRIVILEGES else group.users


def record_groups(record):
    """The groups of a user, menu or view (`groups_id` before Odoo 19, `group_ids` from 19)."""
    return record.group_ids if GROUP_PRIVILEGES else record.groups_id


if ODOO_MAJOR >= 19:
    Constraint = models.Constraint
else:
    class Constraint:
        """Odoo 19's `models.Constraint` on 17 and 18: declared as `_<name> = Constraint(...)` on
        a model, it becomes the `(name, definition, message)` entry of its `_sql_constraints`
        (same constraint name in the database: `<table>_<name>`)."""

        def __init__(self, definition, message=""):
            self.definition = definition
            self.message = message

        def __set_name__(self, owner, name):
            own = owner.__dict__.get("_sql_constraints", [])
            owner._sql_constraints = [*own, (name[1:], self.definition, self.message)]


def _loading_own_data(env):
    return env.context.get("install_module") == MODULE


def _own_data(env):
    return LEGACY_LIST and _loading_own_data(env)


def _legacy_views(vals):
    for key in ARCH_KEYS:
        if isinstance(vals.get(key), str):
            vals[key] = LIST_TAG.sub(r"<\1tree", vals[key])
    if vals.get("type") == "list":
        vals["type"] = "tree"
    return vals


def _on_this_version(data):
    first, last = VERSIONED_RECORDS.get(data.get("xml_id"), (ODOO_MAJOR, ODOO_MAJOR))
    return first <= ODOO_MAJOR <= last


def _privilege_id(env, category_id):
    """Odoo 19: the privilege of this module's groups of `category_id`, loaded as module data
    (`<module>.res_groups_privilege_<category>`, like Odoo's own `res_groups_privilege_sales`)."""
    category = env["ir.module.category"].browse(category_id)
    name = category.get_external_id()[category.id].split(".")[-1].removeprefix("module_category_")
    return env["res.groups.privilege"]._load_records([{
        "xml_id": f"{MODULE}.res_groups_privilege_{name}",
        "values": {"name": category.name, "description": category.description,
                   "sequence": category.sequence, "category_id": category.id},
        "noupdate": False,
    }]).id


def _modern_groups(env, vals):
    vals = dict(vals)
    if "users" in vals:
        vals["user_ids"] = vals.pop("users")
    if "category_id" in vals:
        category_id = vals.pop("category_id")
        vals["privilege_id"] = category_id and _privilege_id(env, category_id)
    return vals


def _modern_users(vals):
    vals = dict(vals)
    if "groups_id" in vals:
        vals["group_ids"] = vals.pop("groups_id")
    return vals


def _legacy_actions(vals):
    if isinstance(vals.get("view_mode"), str):
        vals["view_mode"] = LIST_MODE.sub("tree", vals["view_mode"])
    return vals


class IrUiView(models.Model):
    _inherit = "ir.ui.view"

    @api.model_create_multi
    def create(self, vals_list):
        if _own_data(self.env):
            vals_list = [_legacy_views(dict(vals)) for vals in vals_list]
        return super().create(vals_list)

    def write(self, vals):
        if _own_data(self.env):
            vals = _legacy_views(dict(vals))
        return super().write(vals)

    def _load_records(self, data_list, *args, **kwargs):
        if _loading_own_data(self.env):
            data_list = [data for data in data_list if _on_this_version(data)]
        return super()._load_records(data_list, *args, **kwargs)


class IrActionsActWindow(models.Model):
    _inherit = "ir.actions.act_window"

    @api.model_create_multi
    def create(self, vals_list):
        if _own_data(self.env):
            vals_list = [_legacy_actions(dict(vals)) for vals in vals_list]
        return super().create(vals_list)

    def write(self, vals):
        if _own_data(self.env):
            vals = _legacy_actions(dict(vals))
        return super().write(vals)


class IrActionsActWindowView(models.Model):
    _inherit = "ir.actions.act_window.view"

    @api.model_create_multi
    def create(self, vals_list):
        if _own_data(self.env):
            vals_list = [
                dict(vals, view_mode="tree") if vals.get("view_mode") == "list" else vals
                for vals in vals_list
            ]
        return super().create(vals_list)


def revive_own_crons(cr):
    """Odoo 17 databases that installed this module before its crons were created with
    ``numbercall=-1`` (module version 1.0.0) got the default ``numbercall=1``: each cron ran once,
    then Odoo set ``numbercall=0, active=False`` (``ir_cron._process_job``). Here our crons get
    ``numbercall=-1``, and those that Odoo switched off that way (``numbercall=0``) are active again;
    one an administrator switched off before it ever ran (still ``numbercall=1``) stays off. Odoo 18
    and 19 have no ``numbercall``: nothing to do. Returns the ids of the crons changed."""
    cr.execute(
        "SELECT 1 FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = 'ir_cron' AND column_name = 'numbercall'")
    if not cr.fetchone():
        return []
    cr.execute(
        """
        UPDATE ir_cron c
           SET numbercall = -1, active = c.active OR c.numbercall = 0
          FROM ir_model_data d
         WHERE d.module = %s AND d.model = 'ir.cron' AND d.res_id = c.id AND c.numbercall <> -1
     RETURNING c.id
        """,
        [MODULE],
    )
    return sorted(row[0] for row in cr.fetchall())


class IrCron(models.Model):
    _inherit = "ir.cron"

    @api.model_create_multi
    def create(self, vals_list):
        # Odoo 17 runs a cron `numbercall` times (default 1, then deactivates it); 18 dropped it.
        if ODOO_MAJOR < 18 and _loading_own_data(self.env):
            vals_list = [{"numbercall": -1, **vals} for vals in vals_list]
        return super().create(vals_list)


class ResGroups(models.Model):
    _inherit = "res.groups"

    @api.model_create_multi
    def create(self, vals_list):
        if GROUP_PRIVILEGES and _loading_own_data(self.env):
            vals_list = [_modern_groups(self.env, vals) for vals in vals_list]
        return super().create(vals_list)

    def write(self, vals):
        if GROUP_PRIVILEGES and _loading_own_data(self.env):
            vals = _modern_groups(self.env, vals)
        return super().write(vals)


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model_create_multi
    def create(self, vals_list):
        if GROUP_PRIVILEGES and _loading_own_data(self.env):
            vals_list = [_modern_users(vals) for vals in vals_list]
        return super().create(vals_list)

    def write(self, vals):
        if GROUP_PRIVILEGES and _loading_own_data(self.env):
            vals = _modern_users(vals)
        return super().write(vals)
