# GENERATED from __manifest__.json by scripts/build.mjs — do not edit. sha256:1a26b72cef7efebadf3c13305665237e27de2372df42ddef31b2651e9694b313
{
    'name': 'PBX Call Center',
    'version': '1.0.1',
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
        'vendors/zadarma/views.xml',
        'views/pbx_phone_widget_views.xml',
        'views/pbx_extension_views.xml',
        'views/pbx_call_views.xml',
        'views/pbx_call_event_views.xml',
        'views/pbx_callcenter_menus.xml',
        'vendors/threecx/views.xml',
        'views/pbx_extension_binding_views.xml',
        'vendors/yeastar/views.xml',
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
