import type { Service, WireResponse } from './faulty-handler.js';

export interface Published {
  topic: string;
  subject: string;
  message: string;
  attributes: Record<string, string>;
}

/** SNS Publish behind the awsQuery protocol, in process: every message the service accepted. */
export class FakeSns {
  published: Published[] = [];

  readonly handler: Service = async (_request, body): Promise<WireResponse> => {
    const form = new URLSearchParams(body);
    if (form.get('Action') !== 'Publish')
      return { statusCode: 400, headers: { 'content-type': 'text/xml' }, body: '<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>' };
    const attributes: Record<string, string> = {};
    for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i++) {
      attributes[form.get(`MessageAttributes.entry.${i}.Name`)!] = form.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? '';
    }
    this.published.push({ topic: form.get('TopicArn') ?? '', subject: form.get('Subject') ?? '', message: form.get('Message') ?? '', attributes });
    const id = `msg-${this.published.length}`;
    return {
      statusCode: 200,
      headers: { 'content-type': 'text/xml' },
      body: `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${id}</MessageId></PublishResult><ResponseMetadata><RequestId>r-${id}</RequestId></ResponseMetadata></PublishResponse>`,
    };
  };

  on(topic: string): Published[] {
    return this.published.filter((p) => p.topic === topic);
  }
}
