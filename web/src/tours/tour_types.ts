// The shape of a web_tour tour that runs on Odoo 17 and 18 alike (ODOO_ENV.md): `test: true`,
// an explicit `run` function on every step (18 checks each step has one), and a `url` either
// left out or equal to the one start_tour opens (both versions redirect to any other url).
// Triggers name visible elements: an <option> of a closed <select> never is.
export interface TourStep {
    content: string;
    trigger: string;
    run(): void | Promise<void>;
}

export interface Tour {
    test: true;
    url?: string;
    steps(): TourStep[];
}

/** The element `selector` names, or an error that names the selector. */
export function element<E extends Element = HTMLElement>(selector: string): E {
    const found = document.querySelector<E>(selector);
    if (!found) {
        throw new Error(`tour: nothing matches ${selector}`);
    }
    return found;
}
