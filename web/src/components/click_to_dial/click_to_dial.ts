// Click-to-dial on a phone field (PhoneField, see register.ts). For a user with an extension
// (dial_session.ts), a click on the number or on Odoo's own *Call* link asks the server to
// originate the call through the PBX (`res.users.pbx_dial`), as Odoo's VoIP does; a small menu
// next to it offers the same call and the device's tel: link. The menu is also the dial-code
// chooser when the extension's code is *ask*. It is placed inside the viewport (placeMenu).
// Users without an extension get nothing from here: Odoo's tel: links stay as they are.
import { Component, useEffect, useExternalListener, useRef, useState } from "@odoo/owl";
import { dialExtension } from "../../odoo/dial_session";
import { useService } from "../../odoo/hooks";
import { _t } from "../../odoo/l10n";
import type { NotificationService, OrmService } from "../../odoo/types";
import { requestDial } from "../../lib/dial_request";
import type { DialChoice, DialResult } from "../../schemas/dial_result";

export const DIAL_MODEL = "res.users";
export const DIAL_METHOD = "pbx_dial";
/** Odoo's links of a phone field: the number (read-only) and *Call* (editable form field). */
export const PHONE_LINKS = "a.o_form_uri, a.o_phone_form_link";
/** Space kept between the menu and the viewport's edges, in pixels. */
export const VIEWPORT_MARGIN = 4;

export interface ClickToDialProps {
    number: string;
}

interface Box {
    top: number;
    bottom: number;
    left: number;
    right: number;
}

interface Size {
    width: number;
    height: number;
}

interface ClickToDialState {
    busy: boolean;
    open: boolean;
    /** The dial codes offered by an *ask* answer while the menu shows them, else null. */
    choices: DialChoice[] | null;
}

// -----------------------------------------------------------------------------
// Placement
// -----------------------------------------------------------------------------

/**
 * `top`/`left` of a fixed menu of `menu` size opened from `anchor`: below it and aligned on
 * its left edge when that fits the viewport; else aligned on its right edge, or above it; and
 * always shifted to stay inside the viewport (with `margin`) as far as its size allows.
 */
export function placeMenu(anchor: Box, menu: Size, viewport: Size, margin = VIEWPORT_MARGIN): { top: number; left: number } {
    let left = anchor.left;
    if (left + menu.width > viewport.width - margin) {
        left = anchor.right - menu.width;
    }
    left = Math.max(margin, Math.min(left, viewport.width - margin - menu.width));
    let top = anchor.bottom;
    if (top + menu.height > viewport.height - margin && anchor.top - menu.height >= margin) {
        top = anchor.top - menu.height;
    }
    top = Math.max(margin, Math.min(top, viewport.height - margin - menu.height));
    return { top: Math.round(top), left: Math.round(left) };
}

function boxOf(element: Element): Box {
    const { top, bottom, left, right } = element.getBoundingClientRect();
    return { top, bottom, left, right };
}

// -----------------------------------------------------------------------------
// Component
// -----------------------------------------------------------------------------

export class ClickToDial extends Component<ClickToDialProps> {
    static template = "pbx_callcenter.ClickToDial";
    static props = { number: { type: String } };

    declare orm: OrmService;
    declare notification: NotificationService;
    declare state: ClickToDialState;
    declare root: { el: HTMLElement | null };
    declare menu: { el: HTMLElement | null };
    declare extension: string | null;
    /** Where the menu opens from: the link or button last clicked. */
    declare anchor: Box | null;

    setup(): void {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.extension = dialExtension();
        this.anchor = null;
        this.state = useState<ClickToDialState>({ busy: false, open: false, choices: null });
        this.root = useRef("root");
        this.menu = useRef("menu");
        useExternalListener(window, "mousedown", (ev: Event) => this.onWindowMouseDown(ev));
        useExternalListener(window, "keydown", (ev: Event) => {
            if (ev instanceof KeyboardEvent && ev.key === "Escape") {
                this.closeMenu();
            }
        });
        // Odoo's links are rendered by the phone field around us: listen on its content box
        useEffect(
            () => {
                const box = this.root.el?.closest(".o_phone_content");
                if (!box) {
                    return undefined;
                }
                for (const link of box.querySelectorAll<HTMLElement>(PHONE_LINKS)) {
                    link.title = this.pbxTitle;
                }
                const listener = (ev: Event) => this.onPhoneLinkClick(ev);
                box.addEventListener("click", listener);
                return () => box.removeEventListener("click", listener);
            },
            () => []
        );
        useEffect(
            () => this.placeMenu(),
            () => [this.state.open, this.state.choices]
        );
    }

    /** What a click on the number does, for its tooltip and the menu. */
    get pbxTitle(): string {
        return _t("Call through the PBX (ext. %s)", this.extension ?? "");
    }

    get moreTitle(): string {
        return _t("Ways to call %s", this.props.number);
    }

    /** The device's own link, as Odoo's phone field writes it. */
    get deviceHref(): string {
        return "tel:" + this.props.number.replace(/\s+/g, "");
    }

    // -------------------------------------------------------------------------
    // Handlers
    // -------------------------------------------------------------------------

    /** A click on the number or on *Call* dials through the PBX instead of the device. */
    onPhoneLinkClick(ev: Event): void {
        const link = ev.target instanceof Element ? ev.target.closest(PHONE_LINKS) : null;
        if (!link || this.root.el?.contains(link)) {
            return;
        }
        // the row of a list and the card of a kanban open the record on click: not this one
        ev.preventDefault();
        ev.stopPropagation();
        // a link Odoo hides (the form's *Call* off hover) has no box: open beside our button
        const box = boxOf(link);
        this.anchor = box.right > box.left || !this.root.el ? box : boxOf(this.root.el);
        void this.dial(null);
    }

    onMoreClick(ev: MouseEvent): void {
        ev.preventDefault();
        ev.stopPropagation();
        if (this.state.open) {
            this.closeMenu();
            return;
        }
        this.anchor = ev.currentTarget instanceof Element ? boxOf(ev.currentTarget) : null;
        this.state.choices = null;
        this.state.open = true;
    }

    async onCallThroughPbx(): Promise<void> {
        this.closeMenu();
        await this.dial(null);
    }

    async onChoose(choice: DialChoice): Promise<void> {
        this.closeMenu();
        await this.dial(choice.label);
    }

    closeMenu(): void {
        this.state.open = false;
        this.state.choices = null;
    }

    onWindowMouseDown(ev: Event): void {
        if (this.state.open && !(ev.target instanceof Node && this.root.el?.contains(ev.target))) {
            this.closeMenu();
        }
    }

    /** Puts the open menu next to its anchor, inside the viewport (it is `position: fixed`). */
    placeMenu(): void {
        const menu = this.menu.el;
        if (!menu || !this.anchor) {
            return;
        }
        const viewport = {
            width: Math.min(window.innerWidth, document.documentElement.clientWidth || window.innerWidth),
            height: Math.min(window.innerHeight, document.documentElement.clientHeight || window.innerHeight),
        };
        const { top, left } = placeMenu(this.anchor, { width: menu.offsetWidth, height: menu.offsetHeight }, viewport);
        menu.style.top = `${top}px`;
        menu.style.left = `${left}px`;
    }

    // -------------------------------------------------------------------------
    // Dialling
    // -------------------------------------------------------------------------

    /** Calls the server; `prefixLabel` answers an earlier *ask* ("" for no prefix). */
    async dial(prefixLabel: string | null): Promise<void> {
        if (this.state.busy) {
            return;
        }
        this.state.busy = true;
        const outcome = await requestDial(this.orm, DIAL_MODEL, DIAL_METHOD, [this.props.number], prefixLabel);
        this.state.busy = false;
        if (!outcome.ok) {
            this.notifyError(
                outcome.failure === "no_answer"
                    ? _t("The call could not be started: the server did not answer.")
                    : _t("The call could not be started: unexpected answer from the server.")
            );
            return;
        }
        this.handle(outcome.result);
    }

    handle(result: DialResult): void {
        switch (result.status) {
            case "ok":
                this.notification.add(result.message, { type: "success" });
                return;
            case "ask":
                this.state.choices = result.choices;
                this.state.open = true;
                return;
            case "link":
                if (result.url !== null) {
                    this.followLink(result.url);
                }
                return;
            case "error":
                this.notifyError(result.message);
                return;
        }
    }

    /** Opens a tel:/sip: link (the softphone or phone app answers it). */
    followLink(url: string): void {
        window.location.assign(url);
    }

    notifyError(message: string): void {
        this.notification.add(message, { title: _t("Click-to-dial"), type: "danger" });
    }
}
