/**
 * How long one AWS request may take before the SDK counts it as failed (and retries what is safe to
 * retry). Without them a hung connection holds a function until Lambda kills it, and a killed
 * function can tell nobody. DynamoDB and SNS answer in milliseconds; ECS and DocumentDB in well under a second.
 */
export const REQUEST_TIMEOUTS = { connectionTimeout: 2_000, requestTimeout: 10_000 } as const;
