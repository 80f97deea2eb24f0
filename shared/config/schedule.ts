import * as z from '../zod.js';

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.+)\)$/;
const CRON_FIELD = /^[0-9A-Za-z*?,/#-]+$/;

/** Why an EventBridge Scheduler expression is not valid, or undefined when it is. */
export function scheduleProblem(expr: string): string | undefined {
  const rate = RATE.exec(expr);
  if (rate) {
    const value = Number(rate[1]);
    const plural = rate[2]!.endsWith('s');
    if (value < 1) return 'a rate must be at least 1';
    if (value === 1 && plural) return `write "rate(1 ${rate[2]!.slice(0, -1)})": the unit is singular for 1`;
    if (value > 1 && !plural) return `write "rate(${value} ${rate[2]}s)": the unit is plural above 1`;
    return undefined;
  }
  const cron = CRON.exec(expr);
  if (cron) {
    const fields = cron[1]!.trim().split(/\s+/);
    if (fields.length !== 6) return `cron needs 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`;
    if (!fields.every((f) => CRON_FIELD.test(f))) return 'cron fields may only hold digits, names and * ? , - / L W #';
    const [, , dayOfMonth, , dayOfWeek] = fields;
    if ((dayOfMonth === '?') === (dayOfWeek === '?')) return 'cron needs "?" in exactly one of day-of-month and day-of-week';
    return undefined;
  }
  return 'expected "rate(5 minutes)" or "cron(0 3 ? * SUN *)"';
}

/** Minutes between runs of a `rate(...)` expression; undefined for a cron, whose spacing varies. */
export function rateMinutes(expr: string): number | undefined {
  const rate = RATE.exec(expr);
  if (!rate) return undefined;
  const value = Number(rate[1]);
  return rate[2]!.startsWith('minute') ? value : rate[2]!.startsWith('hour') ? value * 60 : value * 1440;
}

export const scheduleSchema = z.string().check(
  z.superRefine((expr, ctx) => {
    const problem = scheduleProblem(expr);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
);
