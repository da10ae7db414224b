// Mounting OWL components the way Odoo does: the shipped .xml templates of web/src are compiled
// and registered with the App, which mounts in test mode. Services are fakes given in `env`.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { App, type Component } from "@odoo/owl";
import { afterEach, vi } from "vitest";
import { REPO as REPO_ROOT } from "./repo";

// -----------------------------------------------------------------------------
// Templates
// -----------------------------------------------------------------------------

const SOURCE = join(REPO_ROOT, "web/src");

/** Every .xml file under web/src, repository-relative, sorted. */
export function templateFiles(): string[] {
    return readdirSync(SOURCE, { recursive: true, encoding: "utf8" })
        .filter((path) => path.endsWith(".xml"))
        .sort()
        .map((path) => `web/src/${path.split("\\").join("/")}`);
}

/** All templates in one `<templates>` document, as Odoo's asset bundle joins them. */
export function loadTemplates(): string {
    const inner = templateFiles().map((file) => {
        const text = readFileSync(join(REPO_ROOT, file), "utf8").replace(/^<\?xml[^>]*\?>\s*/, "");
        const match = /^\s*<templates[^>]*>([\s\S]*)<\/templates>\s*$/.exec(text);
        if (!match) {
            throw new Error(`${file}: the root element must be <templates>`);
        }
        return match[1];
    });
    return `<templates>${inner.join("\n")}</templates>`;
}

// -----------------------------------------------------------------------------
// Mounting
// -----------------------------------------------------------------------------

export interface Mounted<C> {
    app: App;
    component: C;
    target: HTMLElement;
    destroy(): void;
}

/** Any component class (its props type aside): what `new App(...)` accepts. */
type ComponentClass<C> = new (...args: never[]) => C;

export interface MountOptions {
    props?: Record<string, unknown>;
    env?: Record<string, unknown>;
}

/** Mounts `Component` in a fresh <div> of document.body, with `{ test: true }`. */
export async function mountComponent<C extends Component>(
    ComponentClass: ComponentClass<C>,
    options: MountOptions = {}
): Promise<Mounted<C>> {
    const target = document.createElement("div");
    document.body.appendChild(target);
    const app = new App(ComponentClass as unknown as typeof Component, {
        env: options.env ?? {},
        props: options.props ?? {},
        templates: loadTemplates(),
        test: true,
        warnIfNoStaticProps: true,
    });
    const component = (await app.mount(target)) as C;
    return {
        app,
        component,
        target,
        destroy() {
            app.destroy();
            target.remove();
        },
    };
}

/**
 * For a test file's top level: `mount` mounts a component for the running test, `current` is
 * the last one; after each test it is destroyed and the vi mocks are restored.
 */
export function mountedPerTest<C extends Component>() {
    let current: Mounted<C> | null = null;
    afterEach(() => {
        current?.destroy();
        current = null;
        vi.restoreAllMocks();
    });
    return {
        async mount(ComponentClass: ComponentClass<C>, options: MountOptions): Promise<Mounted<C>> {
            current = await mountComponent(ComponentClass, options);
            return current;
        },
        get current(): Mounted<C> | null {
            return current;
        },
    };
}

/** The first element under `root` matching `selector`, or null. */
export const $ = (root: HTMLElement, selector: string) => root.querySelector<HTMLElement>(selector);

/** Every element under `root` matching `selector`. */
export const $$ = (root: HTMLElement, selector: string) => [...root.querySelectorAll<HTMLElement>(selector)];

/** Lets OWL render what changed (two animation frames' worth of microtasks and timers). */
export async function nextRender(): Promise<void> {
    for (let i = 0; i < 2; i++) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        await new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
    }
}

/** Click an element found by the test (fails loudly when it is missing) and wait for OWL. */
export async function click(element: HTMLElement | null): Promise<void> {
    if (!element) {
        throw new Error("nothing to click");
    }
    element.click();
    await nextRender();
}
