# GENERATED from __manifest__.json by scripts/build.mjs — do not edit. sha256:9b247370c33e387c76869323717c26f25d47fe58f8eb05fa439fca578b8d7bcf
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
        'views/pbx_connection_zadarma_views.xml',
        'views/pbx_phone_widget_views.xml',
        'views/pbx_extension_views.xml',
        'views/pbx_call_views.xml',
        'views/pbx_call_event_views.xml',
        'views/pbx_callcenter_menus.xml',
        'views/pbx_extension_binding_views.xml',
        'views/pbx_connection_yeastar_views.xml',
        'views/pbx_phonebook_views.xml',
    ],
    'demo': [
        'demo/pbx_callcenter_demo.xml',
    ],
    'assets': {
        'web.assets_backend': [
            'pbx_callcenter/static/src/pbx_callcenter.bundle.js',
            'pbx_callcenter/static/src/**/*.xml',
            'pbx_callcenter/static/src/**/*.scss',
        ],
        'web.assets_tests': [
            'pbx_callcenter/static/tests/pbx_callcenter.tours.js',
        ],
    },
    'installable': True,
    'application': True,
}
