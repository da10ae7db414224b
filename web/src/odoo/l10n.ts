// Translations: every user-facing string of the widgets goes through `_t("literal")`, so Odoo's
// term extraction finds it in the bundle and the user's language is applied at runtime.
export { _t } from "@web/core/l10n/translation";
