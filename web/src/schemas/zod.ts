// The zod every contract in web/src/schemas is written with: zod/mini, whose functions the
// widget bundle tree-shakes (full `zod` put ~360 kB in it; the bridge and simulator may still use
// it for their own code). zod/mini sets no message locale, so English is set here, once: issues
// read "Invalid input: expected string, received number" as they do with full zod.
// Import it as a namespace (`import * as z from "./zod"`), which esbuild tree-shakes.
import { config, locales } from "zod/mini";

config(locales.en());

export * from "zod/mini";
