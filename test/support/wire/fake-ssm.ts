import type { Service, WireResponse } from './faulty-handler.js';

interface OpsItem {
  id: string;
  title: string;
  status: 'Open' | 'InProgress' | 'Resolved';
  severity: string;
  data: Record<string, { Value: string; Type: string }>;
}

/**
 * OpsCenter's three calls behind awsJson1_1, in process, with its deduplication: a creation whose string
 * matches an item still open or in progress creates nothing (the user guide's "Managing duplicate OpsItems").
 */
export class FakeSsm {
  readonly items: OpsItem[] = [];

  readonly handler: Service = async (request, body): Promise<WireResponse> => {
    const input = JSON.parse(body) as Record<string, unknown>;
    switch (request.headers['x-amz-target']) {
      case 'AmazonSSM.CreateOpsItem': {
        const data = input.OperationalData as OpsItem['data'];
        const dedup = data['/aws/dedup']?.Value;
        const open = this.items.find((i) => i.data['/aws/dedup']?.Value === dedup && i.status !== 'Resolved');
        if (open) return json({ OpsItemId: open.id, OpsItemArn: `arn:aws:ssm:eu-west-1:123456789012:opsitem/${open.id}` });
        const id = `oi-${String(this.items.length + 1).padStart(12, '0')}`;
        this.items.push({ id, title: String(input.Title), status: 'Open', severity: String(input.Severity), data });
        return json({ OpsItemId: id, OpsItemArn: `arn:aws:ssm:eu-west-1:123456789012:opsitem/${id}` });
      }
      case 'AmazonSSM.DescribeOpsItems': {
        const filters = input.OpsItemFilters as { Key: string; Values: string[] }[];
        const found = this.items.filter((i) =>
          filters.every((f) =>
            f.Key === 'Status'
              ? f.Values.includes(i.status)
              : f.Values.some((v) => {
                  const { key, value } = JSON.parse(v) as { key: string; value: string };
                  return i.data[key]?.Value === value;
                }),
          ),
        );
        return json({ OpsItemSummaries: found.map((i) => ({ OpsItemId: i.id, Status: i.status, Title: i.title })) });
      }
      case 'AmazonSSM.UpdateOpsItem': {
        const item = this.items.find((i) => i.id === input.OpsItemId);
        if (!item) return json({ __type: 'OpsItemNotFoundException', message: `OpsItem ${String(input.OpsItemId)} not found` }, 400);
        item.status = input.Status as OpsItem['status'];
        return json({});
      }
      default:
        return json({ __type: 'UnknownOperationException' }, 400);
    }
  };
}

const json = (payload: unknown, statusCode = 200): WireResponse => ({
  statusCode,
  headers: { 'content-type': 'application/x-amz-json-1.1' },
  body: JSON.stringify(payload),
});
