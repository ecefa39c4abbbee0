/**
 * Post/redirect/get: once a form's Action has succeeded, the page answers with a 303 to where the
 * person goes next, so that a refresh shows the result rather than sending the form again. Pages
 * read the Action's result, ask for the redirect, and render (with the errors) when there is none:
 *
 *     const done = await redirectOnSuccess(Astro, result, '/tracker?saved=deleted');
 *     if (done) return done;
 *
 * Pure: the redirect is made by the page's own `Astro.redirect`.
 */
import type { AstroGlobal } from 'astro';

/** What `Astro.getActionResult` gives a page: nothing (no form was sent), the data, or an error. */
export type ActionResultOf<Data> = { data: Data; error: undefined } | { data: undefined; error: unknown } | undefined;

/** Where to go after success: an address, or one made from what the Action returned (undefined: stay). */
type Destination<Args extends unknown[]> =
  string | ((...args: Args) => string | undefined | Promise<string | undefined>);

/** What a successful Action returned, from the type of its result. */
type SuccessData<Result> = Result extends { data: infer Data; error: undefined } ? Data : never;

/** The 303 after an Action that succeeded, or undefined when it did not run, failed, or `to` says stay. */
export async function redirectOnSuccess<Result extends ActionResultOf<unknown>>(
  Astro: Pick<AstroGlobal, 'redirect'>,
  result: Result,
  to: Destination<[data: SuccessData<Result>]>,
): Promise<Response | undefined> {
  if (!result || result.error) return undefined;
  const target = typeof to === 'string' ? to : await to(result.data as SuccessData<Result>);
  return target === undefined ? undefined : Astro.redirect(target, 303);
}

/**
 * The same for a page with several forms, each result under a name: the first that succeeded (in
 * the order given) decides where to go.
 */
export async function redirectOnAnySuccess<Name extends string>(
  Astro: Pick<AstroGlobal, 'redirect'>,
  results: Record<Name, ActionResultOf<unknown>>,
  to: Destination<[name: Name, data: unknown]>,
): Promise<Response | undefined> {
  for (const [name, result] of Object.entries(results) as [Name, ActionResultOf<unknown>][]) {
    if (!result || result.error) continue;
    const target = typeof to === 'string' ? to : await to(name, result.data);
    return target === undefined ? undefined : Astro.redirect(target, 303);
  }
  return undefined;
}
