# GENERATED from __manifest__.json by scripts/build.mjs — do not edit. sha256:a952029f8127d06ddedf741d5571772bf9cf7f3dd22223abca1fa9d0993ca21e
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
        'views/pbx_extension_views.xml',
        'views/pbx_call_views.xml',
        'views/pbx_call_event_views.xml',
        'views/pbx_callcenter_menus.xml',
    ],
    'demo': [
        'demo/pbx_callcenter_demo.xml',
    ],
    'assets': {},
    'installable': True,
    'application': True,
}
