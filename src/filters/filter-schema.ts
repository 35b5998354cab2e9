import { z } from 'zod';
import { compileFilter } from './compile-filter';
import { FilterConfigError } from './filter-config-error';
import type { RouteFilter } from './route-filter';

/**
 * A route's `filter`, compiled while the config is validated, so a bad operator, path or regex
 * is reported like any other bad field (`routes.0.filter.body.amount.$gtee: unknown operator`).
 */
export const routeFilterSchema = z.unknown().transform((raw, ctx): RouteFilter => {
  try {
    return compileFilter(raw);
  } catch (error) {
    if (!(error instanceof FilterConfigError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message, path: [...error.path] });
    return z.NEVER;
  }
});
