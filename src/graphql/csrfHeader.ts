// The header that marks a request as not forged (yoga's CSRF prevention): required by
// useCsrfPrevention, named in the refusal by useHttpRequestErrors, allowed cross-origin by CORS.
export const CSRF_HEADER = "x-graphql-yoga-csrf";
