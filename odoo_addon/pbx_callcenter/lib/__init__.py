"""Pure-Python helpers of pbx_callcenter.

Nothing in this package imports odoo: it is tested without a database
(tests/python) and imported by the models and controllers as
``odoo.addons.pbx_callcenter.lib``.
"""
