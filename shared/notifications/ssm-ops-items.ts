import { CreateOpsItemCommand, DescribeOpsItemsCommand, SSMClient, UpdateOpsItemCommand, type SSMClientConfig } from '@aws-sdk/client-ssm';
import { REQUEST_TIMEOUTS } from '../aws/timeouts.js';
import { knownSecrets } from '../secrets/mask.js';
import type { OpsItemDraft, OpsItems } from './ops-items.js';

/** The operational data key that names the incident: how Vigil finds its OpsItem again. */
const INCIDENT_KEY = 'vigil:incident';

/**
 * OpsCenter through Systems Manager. Each call is safe to send again (a creation is deduplicated by its
 * string while the item is open; a status is a status), so the SDK's own retries stand.
 */
export class SsmOpsItems implements OpsItems {
  private readonly ssm: SSMClient;

  constructor(config: SSMClientConfig = {}) {
    this.ssm = new SSMClient({ requestHandler: REQUEST_TIMEOUTS, ...config });
  }

  async create(item: OpsItemDraft): Promise<void> {
    const { title, description } = knownSecrets.deep({ title: item.title, description: item.description });
    await this.ssm.send(
      new CreateOpsItemCommand({
        Title: title,
        Description: description,
        Source: 'Vigil',
        Category: 'Availability',
        Severity: item.severity,
        Priority: item.priority,
        OperationalData: {
          '/aws/dedup': { Type: 'SearchableString', Value: JSON.stringify({ dedupString: `vigil:${item.incidentId}` }) },
          [INCIDENT_KEY]: { Type: 'SearchableString', Value: item.incidentId },
        },
      }),
    );
  }

  async findOpen(incidentId: string): Promise<string | undefined> {
    const out = await this.ssm.send(
      new DescribeOpsItemsCommand({
        OpsItemFilters: [
          { Key: 'OperationalDataValue', Values: [JSON.stringify({ key: INCIDENT_KEY, value: incidentId })], Operator: 'Equal' },
          { Key: 'Status', Values: ['Open', 'InProgress'], Operator: 'Equal' },
        ],
        MaxResults: 1,
      }),
    );
    return out.OpsItemSummaries?.[0]?.OpsItemId;
  }

  async setStatus(opsItemId: string, status: 'InProgress' | 'Resolved'): Promise<void> {
    await this.ssm.send(new UpdateOpsItemCommand({ OpsItemId: opsItemId, Status: status }));
  }
}
