// What a message may repeat of a URL. A URL's user:password@ part is a credential, and its query and fragment are
// where services put keys (a webhook's ?code=, a SAS token's &sig=): no message repeats them, whatever the URL is for.
// Pure, and used by every message that shows a value (validation, the production rules, the token provider).

/** A scheme (`https://`, `udp://`, ...) followed by the rest of the URL, up to white space or a quote. */
const URL_LIKE = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s"'<>`]*)/gi;

/**
 * The text with each URL in it cut to its scheme, host and path: `https://user:pw@hooks.example/x?code=k#f` becomes
 * `https://***@hooks.example/x?…`. Text without a URL comes back as it is.
 */
export function redactUrls(text: string): string {
    return text.replace(URL_LIKE, (_match, scheme: string, rest: string) => {
        const authorityEnd = rest.search(/[/?#]/);
        const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
        let out = authority.includes("@") ? `***@${authority.slice(authority.lastIndexOf("@") + 1)}` : authority;
        const tail = authorityEnd < 0 ? "" : rest.slice(authorityEnd);
        const query = tail.search(/[?#]/);
        out += query < 0 ? tail : `${tail.slice(0, query)}?…`;
        return `${scheme}${out}`;
    });
}
