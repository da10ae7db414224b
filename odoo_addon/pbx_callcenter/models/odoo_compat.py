"""Odoo 17/18 differences in this module's own data, isolated here.

Views and actions are written the Odoo 18 way (`<list>`, view_mode `list`). Odoo 17 only knows
`<tree>` and `tree`, so while *this* module's data files load on 17, the two are translated.
Nothing outside this module's records is touched, and nothing at all on 18.
"""
import re

from odoo import api, models, release

LEGACY_LIST = release.version_info[0] < 18
MODULE = "pbx_callcenter"
ARCH_KEYS = ("arch", "arch_base", "arch_db")
LIST_TAG = re.compile(r"<(/?)list\b")
LIST_MODE = re.compile(r"\blist\b")


def _own_data(env):
    return LEGACY_LIST and env.context.get("install_module") == MODULE


def _legacy_views(vals):
    for key in ARCH_KEYS:
        if isinstance(vals.get(key), str):
            vals[key] = LIST_TAG.sub(r"<\1tree", vals[key])
    if vals.get("type") == "list":
        vals["type"] = "tree"
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
