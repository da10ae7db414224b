# GENERATED from __manifest__.json by scripts/build.mjs — do not edit. sha256:e04beebdd5e197a5415dbedbbf7595e2fc5fcd696faf0906503c019ea20a219b
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
        'data/pbx_callcenter_cron.xml',
        'views/pbx_connection_views.xml',
        'views/pbx_originate_views.xml',
        'views/pbx_connection_zadarma_views.xml',
        'views/pbx_phone_widget_views.xml',
        'views/pbx_extension_views.xml',
        'views/pbx_call_views.xml',
        'views/pbx_call_event_views.xml',
        'views/pbx_callcenter_menus.xml',
        'views/pbx_connection_threecx_views.xml',
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
    'pre_init_hook': 'pre_init_hook',
    'installable': True,
    'application': True,
}
