import { isInputError } from 'astro:actions';
import type { AstroGlobal } from 'astro';
import type { FormState } from './form-state';

type ActionResultLike = { error?: unknown; data?: unknown } | undefined;

/** Reads an Action's result for a page: sets the status, and gives back errors and typed values. */
export async function formState(
  Astro: AstroGlobal,
  result: ActionResultLike,
  knownFields: string[],
): Promise<FormState> {
  const state: FormState = { ok: !!result && !result.error, fields: {}, message: undefined, values: {} };
  if (!result?.error) return state;
  const error = result.error as { status?: number; message?: string; fields?: Record<string, string[] | undefined> };
  if (isInputError(result.error)) {
    Astro.response.status = 400;
    for (const [field, messages] of Object.entries(error.fields ?? {})) {
      if (knownFields.includes(field)) state.fields[field] = messages?.[0];
      else state.message = 'Something in the form was not as expected. Please check it and send it again.';
    }
  } else {
    Astro.response.status = error.status ?? 400;
    state.message = error.message;
  }
  if (Astro.request.method === 'POST') {
    // A clone: the React renderer reads the same body again for islands on this page.
    const form = await Astro.request.clone().formData();
    for (const [key, value] of form) {
      if (typeof value === 'string' && !/password|current|confirm/i.test(key))
        state.values[key] = value.slice(0, 20_000);
    }
  }
  return state;
}
