import { maxStatusEntries, statusRangeEntries } from "@slipway/shared/status-range";
import type { RequestLogFilters } from "../api/slipway";

/** What the filter form holds: text as typed. */
export interface RequestLogFilterForm {
  status: string;
  method: string;
  host: string;
  path: string;
  region: string;
  instance: string;
  deployment: string;
  requestId: string;
  since: string;
  until: string;
}

export const emptyFilterForm: RequestLogFilterForm = {
  status: "",
  method: "",
  host: "",
  path: "",
  region: "",
  instance: "",
  deployment: "",
  requestId: "",
  since: "",
  until: "",
};

export type FilterResult = { filters: RequestLogFilters; errors: string[] };

const list = (text: string) =>
  text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);

/**
 * Pure: the form's text to the API's filters, or what is wrong with it. Status takes single codes,
 * ranges and classes ("404, 500-503, 2xx"), lists are comma-separated, times are the form's
 * local date-times.
 */
export function requestLogFilters(form: RequestLogFilterForm): FilterResult {
  const errors: string[] = [];
  const filters: RequestLogFilters = {};
  const statuses: Array<number | string> = [];
  for (const part of list(form.status)) {
    const range = /^(\d{3})\s*-\s*(\d{3})$/.exec(part);
    const rangeEntries = range ? statusRangeEntries(Number(range[1]), Number(range[2])) : undefined;
    if (/^[1-5]xx$/i.test(part)) statuses.push(part.toLowerCase());
    else if (/^\d{3}$/.test(part) && Number(part) >= 100 && Number(part) <= 599)
      statuses.push(Number(part));
    else if (rangeEntries) statuses.push(...rangeEntries);
    else errors.push(`status "${part}" is not a code (404), a range (500-503) or a class (5xx)`);
  }
  const uniqueStatuses = [...new Set(statuses)];
  if (uniqueStatuses.length > maxStatusEntries) {
    errors.push(
      `status: at most ${maxStatusEntries} codes and classes; a range that spans a whole class counts as one (400-499)`,
    );
  } else if (uniqueStatuses.length > 0) filters.status = uniqueStatuses;
  const methods = list(form.method).map((method) => method.toUpperCase());
  for (const method of methods) {
    if (!/^[A-Z]{1,16}$/.test(method)) errors.push(`method "${method}" is not an HTTP method`);
  }
  if (methods.length > 0) filters.methods = methods;
  if (list(form.host).length > 0) filters.hosts = list(form.host);
  if (form.path.trim()) {
    if (!form.path.trim().startsWith("/")) errors.push("path must start with /");
    else filters.pathPrefix = form.path.trim();
  }
  if (list(form.region).length > 0) filters.regions = list(form.region);
  if (list(form.instance).length > 0) filters.instances = list(form.instance);
  if (form.deployment.trim()) filters.deploymentId = form.deployment.trim();
  if (list(form.requestId).length > 0) filters.requestIds = list(form.requestId);
  for (const [field, text] of [
    ["since", form.since],
    ["until", form.until],
  ] as const) {
    if (!text) continue;
    const time = new Date(text).getTime();
    if (Number.isNaN(time)) errors.push(`${field} is not a date and time`);
    else filters[field] = time;
  }
  if (
    filters.since !== undefined &&
    filters.until !== undefined &&
    filters.since >= filters.until
  ) {
    errors.push("since must be before until");
  }
  for (const [name, values] of Object.entries(filters)) {
    if (Array.isArray(values) && values.length > 20) errors.push(`at most 20 values for ${name}`);
  }
  return { filters, errors };
}
