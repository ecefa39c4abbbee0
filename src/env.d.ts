declare namespace App {
  interface Locals {
    /** The signed-in member, or null. Set by src/middleware.ts on every rendered request. */
    user: import('./lib/auth/session.server').User | null;
    session: import('./lib/auth/session.server').Session | null;
  }
}
