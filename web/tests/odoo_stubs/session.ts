// Test stand-in for @web/session.
export const session: { server_version_info?: (string | number)[]; [key: string]: unknown } = {
    server_version_info: [17, 0, 0, "final", 0, ""],
};
