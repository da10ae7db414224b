from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from . import odoo_compat


class PbxExtension(models.Model):
    """A PBX extension, bound to at most one Odoo user."""

    _name = "pbx.extension"
    _description = "PBX Extension"
    _order = "connection_id, name"

    name = fields.Char("Extension", required=True, index=True)
    connection_id = fields.Many2one("pbx.connection", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True, index=True)
    user_id = fields.Many2one(
        "res.users", "User", index=True, ondelete="set null", domain=[("share", "=", False)],
        help="Bound on the Bind Extensions screen (Configuration); only active internal users.")
    email = fields.Char(help="E-mail the PBX knows this extension by (used by Auto-bind).")
    is_default = fields.Boolean(
        "Default", help="The extension used for click-to-dial when the user has several."
    )
    dial_code = fields.Char(
        help="Prefix rules such as LONGDIS:1000;LOCAL:9, 'none' for no prefix, or 'ask'."
    )

    _name_connection_uniq = odoo_compat.Constraint(
        "unique(connection_id, name)", "This extension already exists on this PBX connection.")

    @api.constrains("name")
    def _check_name(self):
        for extension in self:
            name = extension.name.strip()
            if not name or len(name) > 32 or any(c.isspace() for c in name):
                raise ValidationError(_("Invalid extension number: %s", extension.name))

    @api.constrains("user_id")
    def _check_user_bindable(self):
        """Only active internal users hold an extension: not the public user, portal users or
        archived users, whichever path writes the binding."""
        for extension in self.filtered("user_id"):
            user = extension.user_id.sudo()
            if user.share or not user.active:
                raise ValidationError(_(
                    "%(user)s cannot hold extension %(extension)s: only active internal users "
                    "can be bound to an extension.",
                    user=user.name or user.login, extension=extension.name))

    @api.constrains("user_id", "is_default")
    def _check_one_default(self):
        for extension in self.filtered(lambda e: e.is_default and e.user_id):
            others = self.search_count([
                ("user_id", "=", extension.user_id.id),
                ("is_default", "=", True),
                ("id", "!=", extension.id),
            ])
            if others:
                raise ValidationError(
                    _("%s already has a default extension.", extension.user_id.name)
                )

    @api.depends("name", "connection_id.name", "user_id.name")
    def _compute_display_name(self):
        for extension in self:
            label = extension.name or ""
            if extension.user_id:
                label = f"{label} ({extension.user_id.name})"
            extension.display_name = label
