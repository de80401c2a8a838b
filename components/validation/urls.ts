// URL values: which schemes are accepted, and credentials (user:password@) are never accepted in plain config.
import { z } from "zod";

export const NO_CREDENTIALS = "must not contain credentials (user:password@); plain stack config is not secret";
/** Whether a URL carries a user or password (`scheme://user:password@host`). */
export const hasCredentials = (v: string): boolean => /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(v);

/** An http(s) URL without credentials; `example` completes the message. */
export const url = (protocol: RegExp, error: string) => z.url({ protocol, error }).refine((v) => !hasCredentials(v), NO_CREDENTIALS);
export const httpsUrl = url(/^https$/, "expected an https:// URL");
export const proxyUrl = url(/^https?$/, "expected an http:// or https:// URL such as http://proxy.corp:3128");
