# GENERATED from __manifest__.json by scripts/build.mjs — do not edit. sha256:261b7b6923c313ef7423ddbb1231ddc5e089125cc3338b6fb06c419952826629
{
    'name': 'PBX Call Center',
    'version': '1.0.0',
    'summary': 'Connect any PBX to Odoo CRM: call log, caller popup, click-to-dial, auto-created contacts',
    'category': 'Sales/CRM',
    'author': 'pbx_callcenter contributors',
    'website': 'https://github.com/pbx-callcenter/pbx_callcenter',
    'license': 'LGPL-3',
    'depends': [
        'base',
        'mail',
        'bus',
        'crm',
        'contacts',
        'phone_validation',
    ],
    'external_dependencies': {
        'python': [
            'phonenumbers',
        ],
    },
    'data': [
        'security/pbx_callcenter_security.xml',
        'security/ir.model.access.csv',
        'views/pbx_connection_views.xml',
        'views/pbx_originate_views.xml',
        'views/pbx_extension_views.xml',
        'views/pbx_call_views.xml',
        'views/pbx_call_event_views.xml',
        'views/pbx_callcenter_menus.xml',
    ],
    'demo': [
        'demo/pbx_callcenter_demo.xml',
    ],
    'assets': {
        'web.assets_backend': [
            'pbx_callcenter/static/src/pbx_callcenter.bundle.js',
        ],
    },
    'installable': True,
    'application': True,
}
