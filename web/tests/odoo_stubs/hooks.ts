// Test stand-in for @web/core/utils/hooks and @web/core/utils/patch.
import { useEnv } from "@odoo/owl";

export function useService(name: string): unknown {
    const env = useEnv() as { services?: Record<string, unknown> };
    if (!env.services || !(name in env.services)) {
        throw new Error(`Service ${name} is not available`);
    }
    return env.services[name];
}

export function patch<T extends object>(target: T, extension: Partial<T>): () => void {
    const saved = Object.getOwnPropertyDescriptors(target);
    Object.defineProperties(target, Object.getOwnPropertyDescriptors(extension));
    return () => {
        for (const key of Object.keys(extension)) {
            const descriptor = (saved as Record<string, PropertyDescriptor>)[key];
            if (descriptor) {
                Object.defineProperty(target, key, descriptor);
            } else {
                delete (target as Record<string, unknown>)[key];
            }
        }
    };
}
