import type { Service, WireResponse } from './faulty-handler.js';

/**
 * EventBridge Scheduler behind its restJson1 protocol, in process: CreateSchedule (`POST /schedules/{Name}`),
 * refusing a name it holds with a ConflictException, and UpdateSchedule (`PUT`), as the API reference shapes them.
 */
export class FakeScheduler {
  /** The schedules it holds, by name, as their requests set them. */
  readonly schedules = new Map<string, Record<string, unknown>>();

  readonly handler: Service = async (request, body): Promise<WireResponse> => {
    const name = decodeURIComponent(request.path.split('?')[0]!.replace(/^\/schedules\//, ''));
    const input = JSON.parse(body || '{}') as Record<string, unknown>;
    if (request.method === 'POST') {
      if (this.schedules.has(name)) return json(409, { Message: `Schedule ${name} already exists.` }, 'ConflictException');
      this.schedules.set(name, input);
      return json(200, { ScheduleArn: `arn:aws:scheduler:eu-west-1:123456789012:schedule/default/${name}` });
    }
    if (request.method === 'PUT') {
      if (!this.schedules.has(name)) return json(404, { Message: `Schedule ${name} does not exist.` }, 'ResourceNotFoundException');
      this.schedules.set(name, input);
      return json(200, { ScheduleArn: `arn:aws:scheduler:eu-west-1:123456789012:schedule/default/${name}` });
    }
    return json(400, { Message: `fake Scheduler does not answer ${request.method} ${request.path}` }, 'ValidationException');
  };
}

/** The operation a Scheduler request is, by its method: the call site's name. */
export const schedulerOperation = (method: string) => (method === 'POST' ? 'CreateSchedule' : method === 'PUT' ? 'UpdateSchedule' : method);

const json = (statusCode: number, body: unknown, errorType?: string): WireResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...(errorType ? { 'x-amzn-errortype': errorType } : {}) },
  body: JSON.stringify(body),
});
