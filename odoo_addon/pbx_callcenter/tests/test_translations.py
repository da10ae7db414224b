"""The shipped translations: complete, well-formed, and loaded by Odoo into fields, views and code.

i18n/pbx_callcenter.pot is exported by scripts/i18n_export.sh (Odoo's own extractor on 17, 18 and 19:
Python, data XML, the widget bundle's `_t("…")` calls and the OWL templates); every language
listed in LANGUAGES must translate each of its msgids.
"""
import os
import re

import polib

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import PoFileReader, code_translations

MODULE = "pbx_callcenter"
# .po file -> Odoo language code
LANGUAGES = {"fr": "fr_FR", "vi": "vi_VN", "zh_CN": "zh_CN", "ja": "ja_JP"}

# %s, %d, %(name)s (with flags), {name}, {{ expr }} and tag openings must survive translation.
PLACEHOLDER = re.compile(
    r"%%|%\([A-Za-z_]\w*\)[#0 +-]*\d*(?:\.\d+)?[sdifr]|%[#0 +-]*\d*(?:\.\d+)?[sdifr]"
    r"|\{\{.*?\}\}|\{[A-Za-z_]\w*\}|</?[A-Za-z][\w-]*"
)


def placeholders(text):
    return sorted(p for p in PLACEHOLDER.findall(text) if p != "%%")


def i18n_path(name):
    return os.path.join(get_module_path(MODULE), "i18n", name)


@tagged("post_install", "-at_install")
class TestTranslationFiles(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pot = polib.pofile(i18n_path(MODULE + ".pot"))
        cls.msgids = [entry.msgid for entry in cls.pot if not entry.obsolete]

    def po(self, name):
        return polib.pofile(i18n_path(name + ".po"))

    def test_the_template_holds_python_xml_and_widget_terms(self):
        self.assertGreater(len(self.msgids), 100)
        self.assertEqual(len(self.msgids), len(set(self.msgids)), "duplicate msgids in the .pot")
        occurrences = {msgid: [o for o, _line in entry.occurrences]
                       for entry in self.pot for msgid in [entry.msgid]}

        def found_in(msgid, fragment):
            return any(fragment in occurrence for occurrence in occurrences.get(msgid, []))

        # Python code, a field label, a view, the TypeScript bundle and an OWL template
        self.assertTrue(found_in("Call back %s", "models/pbx_call.py"))
        self.assertTrue(found_in("Talk Time", "field_description:pbx_callcenter.field_pbx_call__talk_time"))
        self.assertTrue(found_in("My Calls", "arch_db:pbx_callcenter.pbx_call_view_search"))
        self.assertTrue(found_in("Incoming call", "static/src/pbx_callcenter.bundle.js"),
                        "the widgets' _t() strings are missing: was the bundle minified?")
        self.assertTrue(found_in("Create contact", "static/src/components/call_popup/call_popup.xml"))

    def test_every_po_parses_and_declares_its_language(self):
        for name, code in LANGUAGES.items():
            with self.subTest(language=name):
                po = self.po(name)
                self.assertEqual(po.metadata.get("Language"), name)
                self.assertIn("charset=UTF-8", po.metadata.get("Content-Type", ""))
                self.assertRegex(po.metadata.get("Plural-Forms", ""), r"nplurals=\d+; plural=")
                # Odoo's own reader (the one module installation uses) reads every entry
                rows = list(PoFileReader(i18n_path(name + ".po")))
                self.assertTrue(rows)
                self.assertEqual({row["module"] for row in rows}, {MODULE})

    def test_every_msgid_is_translated_in_every_language(self):
        for name in LANGUAGES:
            with self.subTest(language=name):
                translated = {entry.msgid: entry.msgstr for entry in self.po(name)
                              if not entry.obsolete}
                missing = [msgid for msgid in self.msgids if not translated.get(msgid, "").strip()]
                self.assertFalse(missing, f"{name}.po lacks {len(missing)} translation(s) "
                                          f"(run scripts/i18n_export.sh): {missing[:10]}")
                stale = sorted(set(translated) - set(self.msgids))
                self.assertFalse(stale, f"{name}.po has msgids the .pot no longer has: {stale[:10]}")

    def test_placeholders_are_kept(self):
        for name in LANGUAGES:
            for entry in self.po(name):
                if entry.obsolete or not entry.msgstr:
                    continue
                with self.subTest(language=name, msgid=entry.msgid):
                    self.assertEqual(placeholders(entry.msgstr), placeholders(entry.msgid))

    def test_product_terms_are_consistent(self):
        expected = {
            "fr": {"Extension": "Poste", "Lead": "Piste", "Contact": "Contact", "Calls": "Appels"},
            "vi": {"Extension": "Máy nhánh", "Contact": "Liên hệ", "Calls": "Cuộc gọi"},
            "zh_CN": {"Extension": "分机", "Lead": "线索", "Contact": "联系人", "Calls": "通话"},
            "ja": {"Extension": "内線", "Lead": "リード", "Contact": "連絡先", "Calls": "通話"},
        }
        for name, terms in expected.items():
            translated = {entry.msgid: entry.msgstr for entry in self.po(name)}
            for msgid, msgstr in terms.items():
                with self.subTest(language=name, msgid=msgid):
                    self.assertEqual(translated[msgid], msgstr)


@tagged("post_install", "-at_install")
class TestTranslationsLoaded(TransactionCase):
    """What Odoo does on `--load-language` / `-u --i18n-overwrite`, for this module only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in LANGUAGES.values():
            cls.env["res.lang"]._activate_lang(code)
        cls.env["ir.module.module"]._load_module_terms([MODULE], list(LANGUAGES.values()), overwrite=True)

    def test_field_labels_and_selections(self):
        field = self.env["ir.model.fields"]._get("pbx.call", "talk_time")
        self.assertEqual(field.with_context(lang="fr_FR").field_description, "Temps de conversation")
        self.assertEqual(field.with_context(lang="ja_JP").field_description, "通話時間")
        self.assertEqual(field.with_context(lang="zh_CN").field_description, "通话时长")
        self.assertEqual(field.with_context(lang="vi_VN").field_description, "Thời gian đàm thoại")
        states = dict(self.env["pbx.call"].with_context(lang="fr_FR")
                      .fields_get(["state"])["state"]["selection"])
        self.assertEqual(states["missed"], "Manqué")

    def test_view_arch(self):
        view = self.env.ref("pbx_callcenter.pbx_call_view_search")
        self.assertIn("Mes appels", view.with_context(lang="fr_FR").arch_db)
        self.assertIn("自分の通話", view.with_context(lang="ja_JP").arch_db)
        self.assertIn("My Calls", view.with_context(lang="en_US").arch_db)

    def test_python_and_widget_terms(self):
        python = code_translations.get_python_translations(MODULE, "fr_FR")
        self.assertEqual(python.get("Call back %s"), "Rappeler le %s")
        web = {message["id"]: message["string"]
               for message in code_translations.get_web_translations(MODULE, "vi_VN")["messages"]}
        self.assertEqual(web.get("Incoming call"), "Cuộc gọi đến")        # TypeScript _t()
        self.assertEqual(web.get("Create contact"), "Tạo liên hệ")        # OWL template
        self.assertNotIn("Talk Time", web)                                # a field label: not JS
