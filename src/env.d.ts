declare namespace App {
  interface Locals {
    /** The signed-in member, or null. Set by src/middleware.ts on every rendered request. */
    user: import('./lib/server/session').User | null;
    session: import('./lib/server/session').Session | null;
  }
}
