declare namespace App {
  interface Locals {
    /**
     * The app context (src/lib/app/context.server.ts): the database, the configuration, the clock,
     * the site URL, email and the signing key. Set by src/middleware.ts on every rendered request
     * (not on prerendered pages, which use none of it, nor on /healthz, which builds it itself).
     */
    app: import('./lib/app/context.server').AppContext;
    /** The signed-in member, or null. Set by src/middleware.ts on every rendered request. */
    user: import('./lib/auth/session.server').User | null;
    session: import('./lib/auth/session.server').Session | null;
    /**
     * Set by src/middleware.ts when a page's form was sent with a body over the limit: the page
     * renders as for a GET, and BaseLayout (or the page, beside its field) says what happened.
     */
    refusedBody?: { action: string; limit: number; message: string };
  }
}
