// Click-to-dial button shown next to phone numbers (PhoneField, see register.ts): asks the server
// to originate the call through the user's extension (`res.users.pbx_dial`), shows the dial-code
// chooser when the extension's code is *ask*, follows tel:/sip: links, reports errors.
import { Component, useExternalListener, useRef, useState } from "@odoo/owl";
import { useService } from "../../odoo/hooks";
import { _t } from "../../odoo/l10n";
import type { NotificationService, OrmService } from "../../odoo/types";
import { dialResultSchema, type DialChoice, type DialResult } from "../../schemas/dial_result";

export const DIAL_MODEL = "res.users";
export const DIAL_METHOD = "pbx_dial";

export interface ClickToDialProps {
    number: string;
}

interface ClickToDialState {
    busy: boolean;
    /** The dial codes offered while the chooser is open, else null. */
    choices: DialChoice[] | null;
    /** `top`/`left` of the chooser: fixed, so list cells and kanban cards do not clip it. */
    chooserStyle: string;
}

export class ClickToDial extends Component<ClickToDialProps> {
    static template = "pbx_callcenter.ClickToDial";
    static props = { number: { type: String } };

    declare orm: OrmService;
    declare notification: NotificationService;
    declare state: ClickToDialState;
    declare root: { el: HTMLElement | null };

    setup(): void {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.state = useState<ClickToDialState>({ busy: false, choices: null, chooserStyle: "" });
        this.root = useRef("root");
        useExternalListener(window, "mousedown", (ev: Event) => this.onWindowMouseDown(ev));
        useExternalListener(window, "keydown", (ev: Event) => {
            if (ev instanceof KeyboardEvent && ev.key === "Escape") {
                this.closeChooser();
            }
        });
    }

    get title(): string {
        return _t("Call %s from your PBX extension", this.props.number);
    }

    // -------------------------------------------------------------------------
    // Handlers
    // -------------------------------------------------------------------------

    async onClick(ev: MouseEvent): Promise<void> {
        // the row of a list and the card of a kanban open the record on click: not this one
        ev.preventDefault();
        ev.stopPropagation();
        const button = ev.currentTarget instanceof HTMLElement ? ev.currentTarget : null;
        const rect = button?.getBoundingClientRect();
        this.state.chooserStyle = rect ? `top: ${Math.round(rect.bottom)}px; left: ${Math.round(rect.left)}px;` : "";
        await this.dial(null);
    }

    async onChoose(choice: DialChoice): Promise<void> {
        this.closeChooser();
        await this.dial(choice.label);
    }

    closeChooser(): void {
        this.state.choices = null;
    }

    onWindowMouseDown(ev: Event): void {
        if (this.state.choices && !(ev.target instanceof Node && this.root.el?.contains(ev.target))) {
            this.closeChooser();
        }
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
        let answer: unknown;
        try {
            const kwargs = prefixLabel === null ? {} : { prefix_label: prefixLabel };
            answer = await this.orm.call(DIAL_MODEL, DIAL_METHOD, [this.props.number], kwargs);
        } catch {
            this.notifyError(_t("The call could not be started: the server did not answer."));
            return;
        } finally {
            this.state.busy = false;
        }
        const parsed = dialResultSchema.safeParse(answer);
        if (!parsed.success) {
            console.warn("pbx_callcenter: unexpected pbx_dial result", parsed.error.issues, answer);
            this.notifyError(_t("The call could not be started: unexpected answer from the server."));
            return;
        }
        this.handle(parsed.data);
    }

    handle(result: DialResult): void {
        switch (result.status) {
            case "ok":
                this.notification.add(result.message, { type: "success" });
                return;
            case "ask":
                this.state.choices = result.choices;
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
