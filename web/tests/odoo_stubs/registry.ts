// Test stand-in for @web/core/registry: categories of ordered entries.
class Registry<T = unknown> {
    private readonly entries = new Map<string, T>();
    private readonly categories = new Map<string, Registry<unknown>>();

    add(key: string, value: T, options: { force?: boolean } = {}): this {
        if (this.entries.has(key) && !options.force) {
            throw new Error(`Cannot add '${key}': already in the registry`);
        }
        this.entries.set(key, value);
        return this;
    }
    get(key: string, defaultValue?: T): T {
        if (!this.entries.has(key)) {
            if (arguments.length > 1) {
                return defaultValue as T;
            }
            throw new Error(`Cannot find ${key} in this registry`);
        }
        return this.entries.get(key) as T;
    }
    contains(key: string): boolean {
        return this.entries.has(key);
    }
    getAll(): T[] {
        return [...this.entries.values()];
    }
    getEntries(): [string, T][] {
        return [...this.entries.entries()];
    }
    remove(key: string): void {
        this.entries.delete(key);
    }
    category<C = unknown>(name: string): Registry<C> {
        if (!this.categories.has(name)) {
            this.categories.set(name, new Registry<unknown>());
        }
        return this.categories.get(name) as Registry<C>;
    }
}

export const registry = new Registry();
