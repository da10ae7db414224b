// Test stand-in for @web/core/l10n/translation: `_t` returns the term with `%s` filled in, and
// records every term so tests can check that a string went through translation.
export const translatedTerms = new Set<string>();

export function _t(term: string, ...values: unknown[]): string {
    translatedTerms.add(term);
    let index = 0;
    return term.replace(/%s/g, () => String(values[index++] ?? ""));
}
