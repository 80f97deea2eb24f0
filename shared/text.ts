import * as z from './zod.js';

// A lone surrogate (\p{Cs} in a u-regex matches no well-formed pair) is not UTF-8.
const REFUSED = /[\u0000-\u001f\u007f\p{Cs}]/u;
const CONTROLS = /[\u0000-\u001f\u007f]+/g;

/**
 * One line of text a person or AWS wrote: no control characters (a newline could forge a line in a
 * message or a log; an escape could repaint a terminal) and well-formed Unicode.
 */
export const oneLine = z.refine<string>((text) => !REFUSED.test(text), 'no control characters (newlines, tabs, NUL, escapes) or broken Unicode');

/** Control characters in text Vigil only shows (an alarm's reason) become spaces: never refused, never passed on. */
export const withoutControls = (text: string): string => text.replace(CONTROLS, ' ');

/** What CloudWatch accepts as an alarm name (PutMetricAlarm: 1–255 characters of UTF-8, no ASCII control characters), and nothing else. */
export const alarmName = z.string().check(z.minLength(1), z.maxLength(255, 'at most 255 characters, as CloudWatch allows'), oneLine);
